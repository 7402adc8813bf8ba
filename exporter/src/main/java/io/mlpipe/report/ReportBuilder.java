package io.mlpipe.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Asks Prometheus for every figure of the report and assembles a {@link Report}.
 *
 * <pre>{@code
 * Report r = new ReportBuilder(api, Span.parse("7d", "now", Instant.now()), null, null).build();
 * }</pre>
 */
public final class ReportBuilder {

  /** The heartbeat age MlpipeStageStalled fires at: a longer gap while running is a stall. */
  static final double STALL_SECONDS = 300;

  /** MlpipeDataCorruptRecordsHigh's threshold: 1 % of a stage's records invalid or corrupt. */
  static final double CORRUPT_RATIO = 0.01;

  /** GpuIdleDuringTraining's threshold: under 5 % utilisation while a training stage runs. */
  static final double IDLE_GPU_PERCENT = 5;

  /** Hosts that run out within this many days are listed. */
  static final double EXHAUSTION_HORIZON_DAYS = 30;

  private final PrometheusApi api;
  private final Span span;
  private final String team;
  private final String pipeline;
  private final Counters counters;
  private Rules rules;
  private final Map<String, String> teamOf = new TreeMap<>();
  private Set<String> selected = new TreeSet<>();
  private String sel = "";

  /**
   * Problems found in the data, model and resource sections (which run in parallel), by section and
   * pipeline, for the pipelines' health.
   */
  private final Map<String, Map<String, List<String>>> extraProblems = new ConcurrentHashMap<>();

  /** Queries run a few at a time: each section's are independent of the others'. */
  private static final int PARALLEL_QUERIES = 4;

  private ExecutorService pool;

  public ReportBuilder(PrometheusApi api, Span span, String team, String pipeline) {
    this.api = api;
    this.span = span;
    this.team = team;
    this.pipeline = pipeline;
    this.counters = new Counters(api, span);
  }

  public Report build() throws PrometheusException {
    // The first request: an unreachable Prometheus or refused credentials end the report here.
    rules = new Rules(api.recordingRules());
    Report.Window window =
        new Report.Window(
            Span.iso(span.since()),
            Span.iso(span.until()),
            span.seconds(),
            Span.iso(span.previous().since()),
            span.step());
    Report.Filter filter = new Report.Filter(team, pipeline);
    String generated = Instant.now().toString();
    selectPipelines();
    if (selected.isEmpty()) {
      String why =
          "no mlpipe pipeline has data between "
              + window.since()
              + " and "
              + window.until()
              + (team != null ? " for team " + team : "")
              + (pipeline != null ? " for pipeline " + pipeline : "");
      return new Report(
          generated,
          api.url().toString(),
          window,
          filter,
          rules.any(),
          true,
          why,
          new Report.Pipelines(why, slaMethod(), List.of()),
          new Report.Data(why, List.of(), List.of(), List.of(), List.of(), List.of()),
          new Report.Models(why, List.of(), List.of(), List.of()),
          new Report.Resources(why, gpuMethod(), List.of(), List.of(), List.of()),
          alerts(),
          List.of());
    }
    pool = Executors.newFixedThreadPool(PARALLEL_QUERIES);
    try {
      Future<Report.Data> data = async(this::data);
      Future<Report.Resources> resources = async(this::resources);
      Future<Report.Alerts> alerts = async(this::alerts);
      Future<List<Report.Timeline>> timelines = async(this::timelines);
      Report.Models models = models(join(data));
      // pipelines() reads the problems the data, model and resource sections found.
      join(resources);
      Report.Pipelines pipelines = pipelines();
      return new Report(
          generated,
          api.url().toString(),
          window,
          filter,
          rules.any(),
          false,
          null,
          pipelines,
          join(data),
          models,
          join(resources),
          join(alerts),
          join(timelines));
    } finally {
      pool.shutdownNow();
    }
  }

  // ---------------------------------------------------------------- timelines

  /** About 60 points per window, each over at least 30 s so that a few scrapes are in it. */
  private List<Report.Timeline> timelines() throws PrometheusException {
    double step = Math.max(1, Math.ceil(span.seconds() / 60));
    String r = Span.secs(Math.max(2 * step, 30));
    List<Report.Timeline> out = new ArrayList<>();
    timeline(
        out,
        "p90_duration_seconds",
        "histogram_quantile(0.9, sum by (pipeline, le) (rate("
            + m("mlpipe_stage_duration_seconds_bucket")
            + "["
            + r
            + "])))",
        step);
    timeline(
        out,
        "success_ratio",
        "sum by (pipeline) (increase("
            + m("mlpipe_stage_runs_total", "status=\"success\"")
            + "["
            + r
            + "]))"
            + " / sum by (pipeline) (increase("
            + m("mlpipe_stage_runs_total", "status=~\"success|failure\"")
            + "["
            + r
            + "]))",
        step);
    return out;
  }

  private void timeline(List<Report.Timeline> out, String figure, String promql, double step)
      throws PrometheusException {
    for (Series s : api.range(promql, span.since(), span.until(), step)) {
      if (!inScope(s.label("pipeline"))) {
        continue;
      }
      List<Report.Point> points = new ArrayList<>();
      for (Series.Point p : s.points()) {
        points.add(new Report.Point(p.time(), finite(p.value())));
      }
      out.add(new Report.Timeline(s.label("pipeline"), figure, points));
    }
  }

  // ---------------------------------------------------------------- selection

  private void selectPipelines() throws PrometheusException {
    String w = span.range();
    for (Sample s :
        api.instant(
            "max by (pipeline, team) (max_over_time("
                + rules.get(Rules.PIPELINE_INFO)
                + "["
                + w
                + ":"
                + span.stepRange()
                + "]))",
            span.until())) {
      teamOf.put(s.label("pipeline"), s.label("team"));
    }
    Set<String> all = new TreeSet<>(teamOf.keySet());
    for (Sample s :
        api.instant(
            "count by (pipeline) (max_over_time(mlpipe_stage_runs_total[" + w + "]))",
            span.until())) {
      all.add(s.label("pipeline"));
    }
    for (String p : all) {
      if (pipeline != null && !p.equals(pipeline)) {
        continue;
      }
      if (team != null && !team.equals(teamOf.get(p))) {
        continue;
      }
      selected.add(p);
    }
    if (team != null || pipeline != null) {
      sel =
          selected.isEmpty()
              ? ""
              : "pipeline=~\""
                  + String.join("|", selected.stream().map(ReportBuilder::re).toList())
                  + "\"";
    }
  }

  private static String re(String literal) {
    return literal.replaceAll("([\\\\.^$|?*+()\\[\\]{}])", "\\\\\\\\$1").replace("\"", "\\\"");
  }

  /** {@code metric{pipeline=~"..", extra}}. */
  private String m(String metric, String extra) {
    String inner = sel;
    if (extra != null && !extra.isEmpty()) {
      inner = inner.isEmpty() ? extra : inner + ", " + extra;
    }
    return inner.isEmpty() ? metric : metric + "{" + inner + "}";
  }

  private String m(String metric) {
    return m(metric, null);
  }

  private String teamFor(String p) {
    return teamOf.getOrDefault(p, "");
  }

  private boolean inScope(String p) {
    return selected.contains(p);
  }

  /** {@code [W:STEP]}: a subquery over the window. */
  private String sub() {
    return "[" + span.range() + ":" + span.stepRange() + "]";
  }

  private List<Sample> at(String promql) throws PrometheusException {
    return api.instant(promql, span.until());
  }

  private void problem(String section, String p, String text) {
    extraProblems
        .computeIfAbsent(section, k -> new ConcurrentHashMap<>())
        .computeIfAbsent(p, k -> new ArrayList<>())
        .add(text);
  }

  /** A query (or a section of them) that may throw PrometheusException. */
  private interface Work<T> {
    T get() throws PrometheusException;
  }

  private <T> Future<T> async(Work<T> work) {
    return pool.submit(work::get);
  }

  private static <T> T join(Future<T> f) throws PrometheusException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PrometheusException("interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof PrometheusException pe) {
        throw pe;
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  // ---------------------------------------------------------------- pipelines

  static String slaMethod() {
    return "SLA compliance is read from the mlpipe_stage_duration_seconds buckets (1 s .. 1 d):"
        + " runs in buckets whose bound is at most the stage's mlpipe_stage_sla_seconds were within"
        + " it, runs above the first bound at or over the SLA breached it, and runs in the bucket"
        + " that straddles the SLA cannot be told apart, so compliance is given as a range"
        + " (one figure when the SLA is a bucket bound).";
  }

  private Report.Pipelines pipelines() throws PrometheusException {
    // Runs on the caller's thread; its queries go to the pool, which the other sections have left.
    Future<Map<Counters.Key, Double>> runsF =
        async(
            () ->
                counters.increase(
                    m("mlpipe_stage_runs_total"), List.of("pipeline", "stage", "status")));
    Future<Map<Counters.Key, Double>> bucketsF =
        async(
            () ->
                counters.increase(
                    m("mlpipe_stage_duration_seconds_bucket"), List.of("pipeline", "stage", "le")));
    Future<Map<String, Double>> slaF =
        async(
            () ->
                byStage(
                    at(
                        "max by (pipeline, stage) (max_over_time("
                            + m("mlpipe_stage_sla_seconds")
                            + "["
                            + span.range()
                            + "]))")));
    String q =
        "sum by (pipeline, stage, le) (increase("
            + m("mlpipe_stage_duration_seconds_bucket")
            + "["
            + span.range()
            + "]))";
    Future<Map<String, Double>> p50F =
        async(() -> byStage(at("histogram_quantile(0.5, " + q + ")")));
    Future<Map<String, Double>> p90F =
        async(() -> byStage(at("histogram_quantile(0.9, " + q + ")")));
    Future<Map<String, Double>> p50prevF =
        async(() -> byStage(api.instant("histogram_quantile(0.5, " + q + ")", span.since())));
    Future<Map<String, Double>> p90prevF =
        async(() -> byStage(api.instant("histogram_quantile(0.9, " + q + ")", span.since())));
    String step = Long.toString(Math.round(span.step()));
    Future<Map<String, Double>> overdueF =
        async(
            () ->
                byStage(
                    at(
                        "count_over_time((time() - max by (pipeline, stage) ("
                            + m("mlpipe_stage_last_success_timestamp_seconds")
                            + ") > on (pipeline, stage) max by (pipeline, stage) ("
                            + m("mlpipe_stage_expected_interval_seconds")
                            + "))"
                            + sub()
                            + ") * "
                            + step)));
    Future<Map<String, Double>> stallF =
        async(
            () ->
                byStage(
                    at(
                        // clamp: a pusher's clock a little ahead makes a negative age
                        "clamp_min(max_over_time((time() - max by (pipeline, stage) ("
                            + m("mlpipe_stage_heartbeat_timestamp_seconds")
                            + ") and on (pipeline, stage) max by (pipeline, stage) ("
                            + m("mlpipe_stage_running")
                            + ") > 0)"
                            + sub()
                            + "), 0)")));
    Map<Counters.Key, Double> runs = join(runsF);
    Map<Counters.Key, Double> buckets = join(bucketsF);
    Map<String, Double> sla = join(slaF);
    Map<String, Double> p50 = join(p50F);
    Map<String, Double> p90 = join(p90F);
    Map<String, Double> p50prev = join(p50prevF);
    Map<String, Double> p90prev = join(p90prevF);
    Map<String, Double> overdue = join(overdueF);
    Map<String, Double> stall = join(stallF);

    // pipeline -> stage -> status -> count
    Map<String, Map<String, Map<String, Long>>> counts = new TreeMap<>();
    runs.forEach(
        (k, v) ->
            counts
                .computeIfAbsent(k.get(0), x -> new LinkedHashMap<>())
                .computeIfAbsent(k.get(1), x -> new HashMap<>())
                .merge(k.get(2), Math.round(v), Long::sum));
    for (String key : sla.keySet()) {
      String[] ps = key.split("\u0000", 2);
      counts
          .computeIfAbsent(ps[0], x -> new LinkedHashMap<>())
          .computeIfAbsent(ps[1], x -> new HashMap<>());
    }
    // pipeline/stage -> le -> count
    Map<String, TreeMap<Double, Long>> hist = new HashMap<>();
    buckets.forEach(
        (k, v) ->
            hist.computeIfAbsent(k.get(0) + "\u0000" + k.get(1), x -> new TreeMap<>())
                .merge(le(k.get(2)), Math.round(v), Long::sum));

    Map<String, List<Report.Pipeline>> byTeam = new TreeMap<>();
    for (String p : selected) {
      Map<String, Map<String, Long>> stages = counts.getOrDefault(p, Map.of());
      List<Report.Stage> stageList = new ArrayList<>();
      List<String> problems = new ArrayList<>();
      long tr = 0, ts = 0, tf = 0, tc = 0;
      boolean failing = false;
      for (Map.Entry<String, Map<String, Long>> e : sortedStages(stages)) {
        String stage = e.getKey();
        String key = p + "\u0000" + stage;
        long s = e.getValue().getOrDefault("success", 0L);
        long f = e.getValue().getOrDefault("failure", 0L);
        long c = e.getValue().getOrDefault("cancelled", 0L);
        long n = s + f + c;
        Double slaS = sla.get(key);
        Report.Sla slaR = sla(hist.get(key), slaS);
        double od = overdue.getOrDefault(key, 0.0);
        Double st = stall.get(key);
        stageList.add(
            new Report.Stage(
                stage,
                n,
                s,
                f,
                c,
                s + f == 0 ? null : (double) s / (s + f),
                slaS,
                slaR,
                finite(p50.get(key)),
                finite(p90.get(key)),
                finite(p50prev.get(key)),
                finite(p90prev.get(key)),
                change(p50.get(key), p50prev.get(key)),
                change(p90.get(key), p90prev.get(key)),
                od,
                st));
        tr += n;
        ts += s;
        tf += f;
        tc += c;
        if (f > 0) {
          failing = true;
          problems.add(f + " failed run" + (f == 1 ? "" : "s") + " of stage " + stage);
        }
        if (slaR != null && slaR.breached() > 0) {
          problems.add(
              slaR.breached()
                  + " run"
                  + (slaR.breached() == 1 ? "" : "s")
                  + " of stage "
                  + stage
                  + " over its SLA of "
                  + Format.duration(slaS));
        }
        if (od > 0) {
          problems.add("stage " + stage + " missed its schedule for " + Format.duration(od));
        }
        if (st != null && st > STALL_SECONDS) {
          problems.add("stage " + stage + " stalled (no heartbeat) for " + Format.duration(st));
        }
      }
      for (String section : List.of("data", "models", "resources")) {
        problems.addAll(extraProblems.getOrDefault(section, Map.of()).getOrDefault(p, List.of()));
      }
      String health = failing ? "failing" : problems.isEmpty() ? "healthy" : "degraded";
      String t = teamFor(p);
      byTeam
          .computeIfAbsent(t, x -> new ArrayList<>())
          .add(
              new Report.Pipeline(
                  p,
                  t,
                  health,
                  problems,
                  tr,
                  ts,
                  tf,
                  tc,
                  ts + tf == 0 ? null : (double) ts / (ts + tf),
                  stageList));
    }
    List<Report.Team> teams = new ArrayList<>();
    byTeam.forEach((t, ps) -> teams.add(new Report.Team(t, ps)));
    String noData =
        counts.isEmpty()
            ? "no mlpipe_stage_runs_total or mlpipe_stage_sla_seconds series in the window: no stage"
                + " finished a run"
            : null;
    return new Report.Pipelines(noData, slaMethod(), teams);
  }

  /** The agent's stage order where known (ingest .. deploy), then by name. */
  private static List<Map.Entry<String, Map<String, Long>>> sortedStages(
      Map<String, Map<String, Long>> stages) {
    List<String> order = List.of("ingest", "features", "train", "evaluate", "deploy");
    List<Map.Entry<String, Map<String, Long>>> list = new ArrayList<>(stages.entrySet());
    list.sort(
        Comparator.comparingInt(
                (Map.Entry<String, Map<String, Long>> e) -> {
                  int i = order.indexOf(e.getKey());
                  return i < 0 ? order.size() : i;
                })
            .thenComparing(Map.Entry::getKey));
    return list;
  }

  static Report.Sla sla(TreeMap<Double, Long> buckets, Double slaSeconds) {
    if (buckets == null || slaSeconds == null || buckets.isEmpty()) {
      return null;
    }
    long total = buckets.getOrDefault(Double.POSITIVE_INFINITY, buckets.lastEntry().getValue());
    if (total == 0) {
      return new Report.Sla(0, 0, 0, null, null);
    }
    Map.Entry<Double, Long> below = buckets.floorEntry(slaSeconds);
    Map.Entry<Double, Long> above = buckets.ceilingEntry(slaSeconds);
    long within = below == null ? 0 : below.getValue();
    long notBreached = above == null ? total : above.getValue();
    long breached = total - notBreached;
    return new Report.Sla(
        total, within, breached, (double) within / total, (double) notBreached / total);
  }

  private static double le(String le) {
    return le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
  }

  private static Double finite(Double d) {
    return d == null || d.isNaN() || d.isInfinite() ? null : d;
  }

  private static Double change(Double now, Double before) {
    Double a = finite(now);
    Double b = finite(before);
    return a == null || b == null || b == 0 ? null : (a - b) / b;
  }

  private Map<String, Double> byStage(List<Sample> samples) {
    Map<String, Double> out = new HashMap<>();
    for (Sample s : samples) {
      if (inScope(s.label("pipeline"))) {
        out.put(s.label("pipeline") + "\u0000" + s.label("stage"), s.value());
      }
    }
    return out;
  }

  /** Samples keyed by the values of {@code labels}, joined with NUL, in scope only. */
  private Map<String, Double> by(List<Sample> samples, String... labels) {
    return by(samples, List.of(labels));
  }

  private Map<String, Double> by(List<Sample> samples, List<String> labels) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Sample s : samples) {
      if (!inScope(s.label("pipeline"))) {
        continue;
      }
      List<String> k = new ArrayList<>();
      for (String l : labels) {
        k.add(s.label(l));
      }
      out.put(String.join("\u0000", k), s.value());
    }
    return out;
  }

  private static String[] split(String key) {
    return key.split("\u0000", -1);
  }

  /**
   * A figure against its threshold over the window, each keyed by its labels' values (NUL-joined):
   * the figure's highest value, the threshold, and the seconds the figure spent over it.
   */
  private record Breach(
      List<String> labels,
      List<String> thresholdLabels,
      Map<String, Double> maxima,
      Map<String, Double> thresholds,
      Map<String, Double> secondsOver) {

    double max(String key) {
      return maxima.getOrDefault(key, Double.NaN);
    }

    /** The threshold that applies to {@code key} (a key of the figure's labels). */
    double threshold(String key) {
      String[] values = split(key);
      List<String> k = new ArrayList<>();
      for (String l : thresholdLabels) {
        k.add(values[labels.indexOf(l)]);
      }
      return thresholds.getOrDefault(String.join("\u0000", k), Double.NaN);
    }
  }

  /**
   * The three queries of a {@link Breach}: {@code figure} by {@code labels}, {@code threshold} (a
   * recording rule) by {@code thresholdLabels}, which {@code labels} contain.
   */
  private Breach breach(
      String figure, String threshold, List<String> labels, List<String> thresholdLabels)
      throws PrometheusException {
    String sub = sub();
    String step = Long.toString(Math.round(span.step()));
    String on =
        "on ("
            + String.join(", ", thresholdLabels)
            + (labels.equals(thresholdLabels) ? ") " : ") group_left () ");
    return new Breach(
        labels,
        thresholdLabels,
        by(at("max_over_time((" + figure + ")" + sub + ")"), labels),
        by(at("max_over_time((" + threshold + ")" + sub + ")"), thresholdLabels),
        by(
            at("count_over_time((" + figure + " > " + on + threshold + ")" + sub + ") * " + step),
            labels));
  }

  // ---------------------------------------------------------------- data

  private Report.Data data() throws PrometheusException {
    String step = Long.toString(Math.round(span.step()));
    String sub = sub();

    // Missing values over the dataset's threshold.
    Breach missing =
        breach(
            "max by (pipeline, stage, dataset) (" + m("mlpipe_data_missing_values_ratio") + ")",
            rules.get(Rules.MISSING_MAX),
            List.of("pipeline", "stage", "dataset"),
            List.of("pipeline", "dataset"));
    List<Report.MissingValues> mv = new ArrayList<>();
    missing
        .secondsOver()
        .forEach(
            (k, secs) -> {
              String[] x = split(k);
              mv.add(
                  new Report.MissingValues(
                      x[0], teamFor(x[0]), x[1], x[2], missing.max(k), missing.threshold(k), secs));
              problem(
                  "data",
                  x[0],
                  "dataset "
                      + x[2]
                      + " over its missing-values threshold for "
                      + Format.duration(secs));
            });

    // Corrupt or invalid records.
    Map<Counters.Key, Double> bad =
        counters.increase(
            m("mlpipe_stage_records_total", "outcome=~\"invalid|corrupt\""),
            List.of("pipeline", "stage"));
    Map<Counters.Key, Double> all =
        counters.increase(m("mlpipe_stage_records_total"), List.of("pipeline", "stage"));
    Map<String, Double> corruptOver =
        by(
            at(
                "count_over_time((sum by (pipeline, stage) (increase("
                    + m("mlpipe_stage_records_total", "outcome=~\"invalid|corrupt\"")
                    + "[1h])) / sum by (pipeline, stage) (increase("
                    + m("mlpipe_stage_records_total")
                    + "[1h])) > "
                    + CORRUPT_RATIO
                    + ")"
                    + sub
                    + ") * "
                    + step),
            "pipeline",
            "stage");
    List<Report.CorruptRecords> cr = new ArrayList<>();
    for (Map.Entry<Counters.Key, Double> e : all.entrySet()) {
      String p = e.getKey().get(0);
      String stage = e.getKey().get(1);
      if (!inScope(p)) {
        continue;
      }
      long total = Math.round(e.getValue());
      long b = Math.round(bad.getOrDefault(e.getKey(), 0.0));
      Double ratio = total == 0 ? null : (double) b / total;
      double over = corruptOver.getOrDefault(p + "\u0000" + stage, 0.0);
      if ((ratio != null && ratio > CORRUPT_RATIO) || over > 0) {
        cr.add(
            new Report.CorruptRecords(p, teamFor(p), stage, b, total, ratio, CORRUPT_RATIO, over));
        problem(
            "data",
            p,
            "stage " + stage + ": " + Format.percent(ratio) + " of records invalid or corrupt");
      }
    }

    // Schema violations.
    List<Report.SchemaViolations> sv = new ArrayList<>();
    for (Map.Entry<Counters.Key, Double> e :
        counters
            .increase(
                m("mlpipe_data_schema_violations_total"),
                List.of("pipeline", "stage", "dataset", "check"))
            .entrySet()) {
      Counters.Key k = e.getKey();
      long n = Math.round(e.getValue());
      if (n > 0 && inScope(k.get(0))) {
        sv.add(
            new Report.SchemaViolations(
                k.get(0), teamFor(k.get(0)), k.get(1), k.get(2), k.get(3), n));
        problem(
            "data", k.get(0), n + " schema violations (" + k.get(3) + ") in dataset " + k.get(2));
      }
    }

    // Staleness.
    Breach staleness =
        breach(
            "(time() - max by (pipeline, dataset) ("
                + m("mlpipe_data_newest_record_timestamp_seconds")
                + "))",
            rules.get(Rules.MAX_AGE),
            List.of("pipeline", "dataset"),
            List.of("pipeline", "dataset"));
    List<Report.Stale> stale = new ArrayList<>();
    staleness
        .secondsOver()
        .forEach(
            (k, secs) -> {
              String[] x = split(k);
              stale.add(
                  new Report.Stale(
                      x[0], teamFor(x[0]), x[1], staleness.max(k), staleness.threshold(k), secs));
              problem("data", x[0], "dataset " + x[1] + " stale for " + Format.duration(secs));
            });

    // Drift by feature.
    Breach drift =
        breach(
            "max by (pipeline, feature) (" + m("mlpipe_data_drift_score") + ")",
            rules.get(Rules.DRIFT_THRESHOLD),
            List.of("pipeline", "feature"),
            List.of("pipeline"));
    List<Report.Drift> dr = new ArrayList<>();
    drift
        .secondsOver()
        .forEach(
            (k, secs) -> {
              String[] x = split(k);
              dr.add(
                  new Report.Drift(
                      x[0], teamFor(x[0]), x[1], drift.max(k), drift.threshold(k), secs));
              problem(
                  "data",
                  x[0],
                  "feature " + x[1] + " drifted over its threshold for " + Format.duration(secs));
            });

    String noData = null;
    if (mv.isEmpty() && cr.isEmpty() && sv.isEmpty() && stale.isEmpty() && dr.isEmpty()) {
      List<Sample> any =
          at(
              // count() first: range functions drop __name__, several names would collide
              "max_over_time(count({__name__=~\"mlpipe_data_.*|mlpipe_stage_records_total\""
                  + (sel.isEmpty() ? "" : ", " + sel)
                  + "})"
                  + sub()
                  + ")");
      if (any.isEmpty()) {
        noData =
            "no mlpipe_data_* or mlpipe_stage_records_total series in the window: no pipeline"
                + " reports data quality";
      }
    }
    return new Report.Data(noData, mv, cr, sv, stale, dr);
  }

  // ---------------------------------------------------------------- models

  private Report.Models models(Report.Data data) throws PrometheusException {
    String w = span.range();
    Map<String, Set<String>> versions = new TreeMap<>();
    for (Sample s :
        at(
            "max by (pipeline, model, version) (max_over_time("
                + m("mlpipe_model_info", "role=\"production\"")
                + "["
                + w
                + "]))")) {
      if (inScope(s.label("pipeline"))) {
        versions
            .computeIfAbsent(
                s.label("pipeline") + "\u0000" + s.label("model"),
                k -> new TreeSet<>(Format.VERSION_ORDER))
            .add(s.label("version"));
      }
    }
    Set<String> before = new LinkedHashSet<>();
    for (Sample s :
        api.instant(
            "max by (pipeline, model, version) (last_over_time("
                + m("mlpipe_model_info", "role=\"production\"")
                + "[5m]))",
            span.since())) {
      before.add(s.label("pipeline") + "\u0000" + s.label("model") + "\u0000" + s.label("version"));
    }
    String prod =
        "max by (pipeline, model, metric) (last_over_time("
            + m("mlpipe_model_metric", "role=\"production\"")
            + "["
            + w
            + "]))";
    Map<String, Double> now = by(at(prod), "pipeline", "model", "metric");
    Map<String, Double> prev = by(api.instant(prod, span.since()), "pipeline", "model", "metric");

    Map<String, List<Report.MetricChange>> metricsByModel = new TreeMap<>();
    Set<String> metricKeys = new TreeSet<>(now.keySet());
    metricKeys.addAll(prev.keySet());
    for (String k : metricKeys) {
      String[] x = split(k);
      boolean higher = !x[2].matches(Rules.LOWER_IS_BETTER);
      Double n = now.get(k);
      Double p = prev.get(k);
      Double change = n == null || p == null ? null : n - p;
      boolean worse = change != null && (higher ? change < 0 : change > 0);
      metricsByModel
          .computeIfAbsent(x[0] + "\u0000" + x[1], z -> new ArrayList<>())
          .add(new Report.MetricChange(x[2], n, p, change, higher, worse));
      versions.computeIfAbsent(x[0] + "\u0000" + x[1], z -> new TreeSet<>(Format.VERSION_ORDER));
    }
    List<Report.Model> models = new ArrayList<>();
    versions.forEach(
        (k, vs) -> {
          String[] x = split(k);
          List<String> promoted =
              vs.stream().filter(v -> !before.contains(k + "\u0000" + v)).toList();
          models.add(
              new Report.Model(
                  x[0],
                  teamFor(x[0]),
                  x[1],
                  List.copyOf(vs),
                  promoted,
                  metricsByModel.getOrDefault(k, List.of())));
        });

    // Regressions of candidates against production, beyond the tolerance.
    String step = Long.toString(Math.round(span.step()));
    String regressed =
        "("
            + rules.get(Rules.REGRESSION)
            + " > on (pipeline, metric) group_left () "
            + rules.get(Rules.TOLERANCE)
            + ")";
    Map<String, Double> maxReg =
        by(at("max_over_time(" + regressed + sub() + ")"), "pipeline", "model", "metric");
    Map<String, Double> regOver =
        by(
            at("count_over_time(" + regressed + sub() + ") * " + step),
            "pipeline",
            "model",
            "metric");
    Map<String, Double> tolerance =
        by(
            at("max_over_time((" + rules.get(Rules.TOLERANCE) + ")" + sub() + ")"),
            "pipeline",
            "metric");
    List<Report.Regression> regressions = new ArrayList<>();
    regOver.forEach(
        (k, secs) -> {
          String[] x = split(k);
          regressions.add(
              new Report.Regression(
                  x[0],
                  teamFor(x[0]),
                  x[1],
                  x[2],
                  maxReg.getOrDefault(k, Double.NaN),
                  tolerance.getOrDefault(x[0] + "\u0000" + x[2], Double.NaN),
                  secs));
          problem(
              "models",
              x[0],
              "model "
                  + x[1]
                  + ": candidates regressed on "
                  + x[2]
                  + " for "
                  + Format.duration(secs));
        });

    // Retrain candidates: drift over threshold, or a production metric falling.
    Map<String, List<String>> reasons = new TreeMap<>();
    Map<String, String> modelOf = new HashMap<>();
    models.forEach(mo -> modelOf.putIfAbsent(mo.pipeline(), mo.model()));
    for (Report.Drift d : data.drift()) {
      reasons
          .computeIfAbsent(d.pipeline(), z -> new ArrayList<>())
          .add(
              "drift of feature "
                  + d.feature()
                  + " up to "
                  + Format.number(d.maxScore())
                  + " (threshold "
                  + Format.number(d.threshold())
                  + ")");
    }
    for (Report.Model mo : models) {
      for (Report.MetricChange c : mo.production()) {
        if (c.worse()) {
          reasons
              .computeIfAbsent(mo.pipeline(), z -> new ArrayList<>())
              .add(
                  "production "
                      + c.metric()
                      + " fell from "
                      + Format.number(c.previous())
                      + " to "
                      + Format.number(c.now()));
        }
      }
    }
    List<Report.Retrain> retrain = new ArrayList<>();
    reasons.forEach(
        (p, rs) -> retrain.add(new Report.Retrain(p, teamFor(p), modelOf.getOrDefault(p, ""), rs)));
    String noData =
        models.isEmpty() && regressions.isEmpty()
            ? "no mlpipe_model_info or mlpipe_model_metric series in the window: no pipeline reports"
                + " model versions or quality"
            : null;
    return new Report.Models(noData, models, regressions, retrain);
  }

  // ---------------------------------------------------------------- resources

  static String gpuMethod() {
    return "GPU-hours: time a stage was running (mlpipe_stage_running) times the GPUs"
        + " (DCGM_FI_DEV_GPU_UTIL series) of the hosts its runs used (mlpipe_run_info{host} ="
        + " DCGM Hostname); idle GPU-hours: the part of it on hosts whose GPUs were all under "
        + (int) IDLE_GPU_PERCENT
        + " % utilisation at the time.";
  }

  private Report.Resources resources() throws PrometheusException {
    Map<String, Double> cpu = new HashMap<>();
    counters
        .increase(m("mlpipe_stage_cpu_seconds_total"), List.of("pipeline", "stage"))
        .forEach((k, v) -> cpu.put(k.get(0) + "\u0000" + k.get(1), v / 3600));
    String gpus =
        "count by (host) (label_replace(DCGM_FI_DEV_GPU_UTIL, \"host\", \"$1\", \"Hostname\", \"(.+)\"))";
    String idleHosts =
        "(max by (host) (label_replace(DCGM_FI_DEV_GPU_UTIL, \"host\", \"$1\", \"Hostname\", \"(.+)\")) < "
            + IDLE_GPU_PERCENT
            + ")";
    String running = "(max by (pipeline, stage) (" + m("mlpipe_stage_running") + ") > 0)";
    String runHosts = "max by (pipeline, stage, host) (" + m("mlpipe_run_info") + ")";
    double hours = span.step() / 3600;
    Map<String, Double> gpu =
        by(
            at(
                "sum_over_time(("
                    + running
                    + " * on (pipeline, stage) group_left () max by (pipeline, stage) ("
                    + runHosts
                    + " * on (host) group_left () "
                    + gpus
                    + "))"
                    + sub()
                    + ") * "
                    + hours),
            "pipeline",
            "stage");
    Map<String, Double> idle =
        by(
            at(
                "sum_over_time(("
                    + running
                    + " * on (pipeline, stage) group_left () max by (pipeline, stage) ("
                    + runHosts
                    + " * on (host) group_left () ("
                    + gpus
                    + " and on (host) "
                    + idleHosts
                    + ")))"
                    + sub()
                    + ") * "
                    + hours),
            "pipeline",
            "stage");
    Set<String> keys = new TreeSet<>(cpu.keySet());
    keys.addAll(gpu.keySet());
    keys.removeIf(k -> !inScope(split(k)[0]));
    List<Report.Usage> usage = new ArrayList<>();
    Map<String, double[]> teams = new TreeMap<>();
    for (String k : keys) {
      String[] x = split(k);
      String t = teamFor(x[0]);
      double c = cpu.getOrDefault(k, 0.0);
      double g = gpu.getOrDefault(k, 0.0);
      double i = idle.getOrDefault(k, 0.0);
      usage.add(new Report.Usage(t, x[0], x[1], c, g, i));
      double[] sum = teams.computeIfAbsent(t, z -> new double[3]);
      sum[0] += c;
      sum[1] += g;
      sum[2] += i;
      if (i > 0) {
        problem(
            "resources",
            x[0],
            "stage " + x[1] + " held " + Format.hours(i) + " GPU-hours of idle GPUs");
      }
    }
    List<Report.TeamUsage> teamUsage = new ArrayList<>();
    teams.forEach((t, s) -> teamUsage.add(new Report.TeamUsage(t, s[0], s[1], s[2])));

    List<Report.Exhaustion> exhaustion = new ArrayList<>();
    String fit = Span.secs(Math.min(span.seconds(), 6 * 3600));
    double horizon = EXHAUSTION_HORIZON_DAYS * 86_400;
    exhaustion.addAll(exhaustion("node_memory_MemAvailable_bytes", fit, horizon, "memory"));
    exhaustion.addAll(
        exhaustion(
            "node_filesystem_avail_bytes{fstype!=\"\", mountpoint!=\"\"} unless on (instance, device, mountpoint) node_filesystem_readonly == 1",
            fit,
            horizon,
            "filesystem"));
    String noData =
        usage.isEmpty() && exhaustion.isEmpty()
            ? "no mlpipe_stage_cpu_seconds_total, GPU (DCGM_FI_DEV_GPU_UTIL with mlpipe_run_info)"
                + " or trending node_memory/node_filesystem series in the window"
            : null;
    return new Report.Resources(noData, gpuMethod(), usage, teamUsage, exhaustion);
  }

  private List<Report.Exhaustion> exhaustion(String series, String fit, double horizon, String what)
      throws PrometheusException {
    String s = series.contains(" unless ") ? "(" + series + ")" : series;
    // predict_linear needs a range selector: over a subquery when the series is an expression.
    String range = s.startsWith("(") ? s + "[" + fit + ":]" : s + "[" + fit + "]";
    List<Sample> trending =
        at(
            s
                + " / -(deriv("
                + range
                + ") < 0) and (predict_linear("
                + range
                + ", "
                + Math.round(horizon)
                + ") < 0)");
    List<Sample> avail = at(s);
    Map<String, Double> availBy = new HashMap<>();
    for (Sample a : avail) {
      availBy.put(a.label("instance") + "\u0000" + a.label("mountpoint"), a.value());
    }
    List<Report.Exhaustion> out = new ArrayList<>();
    for (Sample t : trending) {
      double left = t.value();
      if (!(left >= 0) || left > horizon) {
        continue;
      }
      String key = t.label("instance") + "\u0000" + t.label("mountpoint");
      out.add(
          new Report.Exhaustion(
              t.label("instance"),
              what,
              t.label("mountpoint").isEmpty() ? null : t.label("mountpoint"),
              availBy.getOrDefault(key, Double.NaN),
              Span.iso(span.until() + left),
              left / 86_400));
    }
    return out;
  }

  // ---------------------------------------------------------------- alerts

  private Report.Alerts alerts() throws PrometheusException {
    double step = span.step();
    Map<String, Report.Alert> rows = new TreeMap<>();
    Map<String, Double> firstActive = new HashMap<>();
    for (Sample s :
        at(
            "min by (alertname, pipeline, stage) (min_over_time(ALERTS_FOR_STATE["
                + span.range()
                + "]))")) {
      firstActive.put(
          s.label("alertname") + "\u0000" + s.label("pipeline") + "\u0000" + s.label("stage"),
          s.value());
    }
    for (Series s : api.range("ALERTS{alertstate=\"firing\"}", span.since(), span.until(), step)) {
      String p = s.label("pipeline");
      if (!p.isEmpty() && !inScope(p) || p.isEmpty() && (team != null || pipeline != null)) {
        continue;
      }
      String t = s.label("team").isEmpty() ? teamFor(p) : s.label("team");
      int fired = 0;
      double last = Double.NEGATIVE_INFINITY;
      for (Series.Point pt : s.points()) {
        if (pt.time() - last > step * 1.5) {
          fired++;
        }
        last = pt.time();
      }
      double secs = s.points().size() * step;
      String key =
          String.join("\u0000", s.label("alertname"), s.label("severity"), t, p, s.label("stage"));
      Report.Alert old = rows.get(key);
      Double fa =
          firstActive.get(s.label("alertname") + "\u0000" + p + "\u0000" + s.label("stage"));
      rows.put(
          key,
          new Report.Alert(
              s.label("alertname"),
              s.label("severity"),
              t,
              p,
              s.label("stage"),
              fired + (old == null ? 0 : old.timesFired()),
              secs + (old == null ? 0 : old.secondsFiring()),
              fa == null ? null : Span.iso(fa)));
    }
    List<Report.Alert> fired = new ArrayList<>(rows.values());
    fired.sort(Comparator.comparingDouble(Report.Alert::secondsFiring).reversed());
    List<Report.Count> auth = counts("mlpipe_exporter_auth_failures_total", List.of("reason"));
    List<Report.Count> rejected =
        new ArrayList<>(counts("mlpipe_exporter_series_rejected_total", List.of("reason")));
    for (Report.Count c :
        counts("mlpipe_exporter_ingest_requests_total{code=~\"4..\"}", List.of("api", "code"))) {
      rejected.add(new Report.Count("HTTP " + c.what(), c.count()));
    }
    String noData = null;
    if (fired.isEmpty() && auth.isEmpty() && rejected.isEmpty()) {
      List<Sample> any =
          at(
              "max_over_time(count({__name__=~\"ALERTS|mlpipe_exporter_auth_failures_total|mlpipe_exporter_ingest_requests_total\"})"
                  + sub()
                  + ")");
      noData =
          any.isEmpty()
              ? "no ALERTS series and no agent self-metrics in the window: Prometheus has no"
                  + " alerting rules loaded (or none was active) and scrapes no mlpipe agent"
              : null;
    }
    return new Report.Alerts(noData, fired, auth, rejected);
  }

  private List<Report.Count> counts(String selector, List<String> by) throws PrometheusException {
    List<Report.Count> out = new ArrayList<>();
    counters
        .increase(selector, by)
        .forEach(
            (k, v) -> {
              long n = Math.round(v);
              if (n > 0) {
                out.add(new Report.Count(String.join(" ", k.values()).toLowerCase(Locale.ROOT), n));
              }
            });
    out.sort(Comparator.comparingLong(Report.Count::count).reversed());
    return out;
  }
}
