package io.mlpipe.web;

import io.mlpipe.pipeline.Health;
import io.mlpipe.pipeline.ModelView;
import io.mlpipe.pipeline.PipelineView;
import io.mlpipe.pipeline.PushedGroupView;
import io.mlpipe.pipeline.StageView;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * What pipelines.html.mustache shows: the status records formatted for people (ages, counts,
 * percentages, css classes). Plain text only; the template escapes each value. A null is a value
 * the page shows as a dash (or leaves out). Names are unique across nesting levels, so that a
 * template tag never falls back to an outer record's field of the same name.
 */
final class PipelinesPageModel {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  record Page(
      Integer refreshSeconds,
      String pipelineCount,
      String generatedAt,
      boolean noPipelines,
      boolean noProblems,
      ProblemList problemList,
      List<Pipeline> pipelines) {}

  record ProblemList(String problemCount, List<String> problems) {}

  record Badge(String css, String text) {}

  /** {@code pipelineParam}: the name URL-encoded for the query string. */
  record Grafana(String base, String pipelineParam) {}

  record Pipeline(
      String name,
      String status,
      Badge badge,
      Grafana grafana,
      boolean declared,
      String team,
      String owner,
      List<Stage> stages,
      boolean hasModels,
      List<Model> models,
      boolean hasLosses,
      List<Loss> losses,
      boolean hasDrift,
      String driftMax,
      List<Drift> drift,
      boolean hasPushed,
      List<Pushed> pushed) {}

  record Stage(
      String pipeline,
      String stage,
      String runState,
      String health,
      Badge healthBadge,
      boolean problem,
      String lastStart,
      String duration,
      boolean overSla,
      String sla,
      String heartbeat,
      boolean stalled,
      String progress,
      String runsOk,
      String runsFailed,
      boolean runsFailedBad,
      String runsCancelled,
      String processed,
      String invalid,
      boolean dataProblem,
      List<Missing> missing,
      String problemText,
      String lastError) {}

  record Missing(boolean notFirst, String dataset, String ratio, boolean high) {}

  record Model(
      String model, String candidateVersion, String productionVersion, List<Metric> metrics) {}

  record Metric(String metric, Cell candidate, Cell production) {}

  record Cell(String cellValue, String cellVersion) {}

  record Loss(String modelSplit, String loss, boolean notFinite) {}

  record Drift(String feature, String score, boolean drifted) {}

  record Pushed(
      List<KeyLabel> groupingKey,
      String lastPush,
      String lastFailure,
      boolean failedLast,
      String families) {}

  record KeyLabel(boolean notFirst, String label, String value) {}

  private PipelinesPageModel() {}

  static Page of(PipelinesPage.Model m) {
    List<String> problems = new ArrayList<>();
    List<Pipeline> pipelines = new ArrayList<>();
    for (PipelineView p : m.pipelines()) {
      pipelines.add(pipeline(p, m.nowSeconds(), m.grafanaUrl()));
      problems.addAll(p.problems());
    }
    int n = pipelines.size();
    return new Page(
        m.refreshSeconds() > 0 ? m.refreshSeconds() : null,
        n + (n == 1 ? " pipeline" : " pipelines"),
        TIME.format(Instant.ofEpochMilli((long) (m.nowSeconds() * 1000))),
        n == 0,
        n > 0 && problems.isEmpty(),
        n == 0 || problems.isEmpty()
            ? null
            : new ProblemList(
                problems.size() + (problems.size() == 1 ? " problem" : " problems"), problems),
        pipelines);
  }

  private static Pipeline pipeline(PipelineView p, double now, String grafanaUrl) {
    List<Stage> stages = new ArrayList<>();
    if (p.stages() != null) {
      p.stages().forEach((name, s) -> stages.add(stage(p.name(), name, s, now)));
    }
    List<Model> models = models(p.models());
    List<Loss> losses = new ArrayList<>();
    if (p.trainingLoss() != null) {
      p.trainingLoss().forEach((k, v) -> losses.add(new Loss(k, number(v), !Double.isFinite(v))));
    }
    List<Drift> drift = new ArrayList<>();
    Double threshold = p.driftThreshold();
    if (p.drift() != null) {
      p.drift()
          .forEach(
              (k, v) -> drift.add(new Drift(k, number(v), threshold != null && v > threshold)));
    }
    List<Pushed> pushed = new ArrayList<>();
    if (p.pushed() != null) {
      p.pushed().forEach(g -> pushed.add(pushed(g, now)));
    }
    return new Pipeline(
        p.name(),
        p.status().name(),
        badge(p.status()),
        grafanaUrl == null
            ? null
            : new Grafana(grafanaUrl, URLEncoder.encode(p.name(), StandardCharsets.UTF_8)),
        p.declared(),
        p.team() == null ? "" : p.team(),
        p.owner() == null || p.owner().isEmpty() ? null : p.owner(),
        stages,
        !models.isEmpty(),
        models,
        !losses.isEmpty(),
        losses,
        !drift.isEmpty(),
        threshold == null ? null : number(threshold),
        drift,
        !pushed.isEmpty(),
        pushed);
  }

  private static Stage stage(String pipeline, String name, StageView s, double now) {
    boolean running = s.status() == StageView.RunState.running;
    // A run in progress shows its own duration so far, never the last finished run's.
    Double duration = running ? s.durationSeconds() : s.lastDurationSeconds();
    StageView.Runs runs = s.runs() == null ? new StageView.Runs(null, null, null) : s.runs();
    double failed = n(runs.failure());
    StageView.Records records = s.records();
    boolean anyRecords = records != null && records.all() > 0;
    List<Missing> missing = new ArrayList<>();
    if (s.missingValuesRatio() != null) {
      Map<String, Double> max =
          s.missingValuesMaxRatio() == null ? Map.of() : s.missingValuesMaxRatio();
      s.missingValuesRatio()
          .forEach(
              (dataset, ratio) -> {
                Double limit = max.get(dataset);
                missing.add(
                    new Missing(
                        !missing.isEmpty(),
                        dataset,
                        String.format(Locale.ROOT, "%.1f %%", 100 * ratio),
                        limit != null && ratio > limit));
              });
    }
    return new Stage(
        pipeline,
        name,
        s.status().name(),
        s.health().name(),
        badge(s.health()),
        !s.problems().isEmpty(),
        s.lastStart() == null ? null : age(now - s.lastStart()),
        duration == null ? null : age(duration),
        Boolean.TRUE.equals(s.overSla()),
        s.slaSeconds() == null ? null : age(s.slaSeconds()),
        s.heartbeatAgeSeconds() == null ? null : age(s.heartbeatAgeSeconds()),
        s.health() == Health.stalled,
        s.progress() == null || !running
            ? null
            : String.format(Locale.ROOT, "%.0f %%", 100 * s.progress()),
        count(n(runs.success())),
        count(failed),
        failed > 0,
        count(n(runs.cancelled())),
        anyRecords ? count(n(records.processed())) : null,
        anyRecords && records.bad() > 0 ? count(records.bad()) : null,
        s.health() == Health.data_problem,
        missing,
        String.join("; ", s.problems()),
        s.lastError());
  }

  private static List<Model> models(SortedMap<String, ModelView> models) {
    List<Model> out = new ArrayList<>();
    if (models == null) {
      return out;
    }
    models.forEach(
        (name, m) -> {
          TreeSet<String> names = new TreeSet<>();
          names.addAll(metrics(m.candidate()).keySet());
          names.addAll(metrics(m.production()).keySet());
          List<Metric> rows = new ArrayList<>();
          for (String metric : names) {
            rows.add(
                new Metric(
                    metric,
                    cell(metrics(m.candidate()).get(metric)),
                    cell(metrics(m.production()).get(metric))));
          }
          out.add(new Model(name, version(m.candidate()), version(m.production()), rows));
        });
    return out;
  }

  private static Map<String, ModelView.Metric> metrics(ModelView.Role role) {
    return role == null || role.metrics() == null ? Map.of() : role.metrics();
  }

  private static String version(ModelView.Role role) {
    return role == null ? null : role.version();
  }

  /** A metric's value with the version it was reported for. */
  private static Cell cell(ModelView.Metric metric) {
    return metric == null ? null : new Cell(number(metric.value()), metric.version());
  }

  private static Pushed pushed(PushedGroupView g, double now) {
    List<KeyLabel> key = new ArrayList<>();
    g.groupingKey().forEach((k, v) -> key.add(new KeyLabel(!key.isEmpty(), k, v)));
    return new Pushed(
        key,
        g.lastPush() == null ? null : age(now - g.lastPush()),
        g.lastPushFailure() == null ? null : age(now - g.lastPushFailure()),
        g.failedLast(),
        String.join(", ", g.families()));
  }

  private static Badge badge(Health health) {
    String css =
        switch (health) {
          case failed -> "failure";
          case ok -> "success";
          case running -> "running";
          case stalled, over_sla, data_problem -> "warn";
          case unknown -> "unknown";
        };
    String text =
        switch (health) {
          case over_sla -> "over SLA";
          case data_problem -> "data problem";
          default -> health.name();
        };
    return new Badge(css, text);
  }

  /** A duration for people: 45 s, 12m 5s, 3h 20m, 2d 4h. */
  static String age(double seconds) {
    long s = Math.round(Math.max(0, seconds));
    if (seconds < 10) {
      return String.format(Locale.ROOT, "%.1f s", Math.max(0, seconds));
    }
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return (s / 60) + "m " + (s % 60) + "s";
    }
    if (s < 86_400) {
      return (s / 3600) + "h " + (s % 3600 / 60) + "m";
    }
    return (s / 86_400) + "d " + (s % 86_400 / 3600) + "h";
  }

  private static String count(double n) {
    if (n >= 1e9) {
      return String.format(Locale.ROOT, "%.2fG", n / 1e9);
    }
    if (n >= 1e6) {
      return String.format(Locale.ROOT, "%.2fM", n / 1e6);
    }
    if (n >= 1e4) {
      return String.format(Locale.ROOT, "%.1fk", n / 1e3);
    }
    return String.format(Locale.ROOT, "%.0f", n);
  }

  private static String number(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    return String.format(Locale.ROOT, "%.4g", v);
  }

  private static double n(Double d) {
    return d == null ? 0 : d;
  }
}
