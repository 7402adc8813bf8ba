package io.mlpipe.pipeline;

import static io.mlpipe.pipeline.PipelineMetrics.*;

import io.mlpipe.config.PipelineConfig;
import io.mlpipe.config.PipelinesConfig;
import io.mlpipe.config.StageConfig;
import io.mlpipe.store.Family;
import io.mlpipe.store.Group;
import io.mlpipe.store.GroupKey;
import io.mlpipe.store.LabelSet;
import io.mlpipe.store.Series;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The state of every pipeline and stage as plain maps (for {@code /api/v1/pipelines}, the status
 * page and {@code mlpipe status}, which all show this one derivation): last run, status, duration
 * against SLA, heartbeat age, records, data quality, model metrics, pushed groups, and each stage's
 * and pipeline's {@link Health} with the problems behind it. Declared pipelines appear even before
 * their first event.
 */
public final class PipelineStatus {

  /** Heartbeat age above which a running stage counts as stalled (as MlpipeStageStalled). */
  public static final double STALL_SECONDS = 300;

  /** Missing-values ratio above which a dataset is a problem when the config names none. */
  public static final double DEFAULT_MISSING_MAX = 0.1;

  /** Drift score above which a feature has drifted when the config names no threshold. */
  public static final double DEFAULT_DRIFT_THRESHOLD = 0.2;

  /** Share of invalid plus corrupt records above which a stage has a data problem. */
  public static final double CORRUPT_RATIO_MAX = 0.01;

  private PipelineStatus() {}

  /** Every pipeline by name. */
  public static Map<String, Map<String, Object>> all(
      List<Group> groups, PipelinesConfig cfg, double now) {
    Map<String, Map<String, Object>> pipelines = new TreeMap<>();
    for (PipelineConfig p : cfg.declared().values()) {
      Map<String, Object> pm = pipeline(pipelines, p.name());
      pm.put("declared", true);
      pm.put("team", p.team());
      pm.put("owner", p.owner());
      for (StageConfig s : p.stages().values()) {
        Map<String, Object> sm = stage(pm, s.name());
        if (s.sla() != null) {
          sm.put("sla_seconds", s.sla().toMillis() / 1000.0);
        }
        if (s.expectedInterval() != null) {
          sm.put("expected_interval_seconds", s.expectedInterval().toMillis() / 1000.0);
        }
      }
    }
    for (Group g : groups) {
      LabelSet k = g.key().labels();
      String pipeline = k.get("pipeline");
      if (pipeline == null) {
        continue;
      }
      if (g.key().source().equals(GroupKey.PUSH)) {
        pushed(pipeline(pipelines, pipeline), g);
        continue;
      }
      if (!g.key().source().equals(GroupKey.EVENTS) || k.get("run_id") != null) {
        continue;
      }
      Map<String, Object> pm = pipeline(pipelines, pipeline);
      String stage = k.get("stage");
      if (stage != null) {
        stageFromGroup(stage(pm, stage), g, now);
      } else {
        pipelineFromGroup(pm, g);
      }
    }
    for (Map<String, Object> pm : pipelines.values()) {
      pm.putIfAbsent("declared", false);
      summarize(pm, cfg.declared().get((String) pm.get("name")));
    }
    return pipelines;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> stage(Map<String, Object> pm, String stage) {
    Map<String, Object> stages =
        (Map<String, Object>) pm.computeIfAbsent("stages", k -> new LinkedHashMap<>());
    return (Map<String, Object>) stages.computeIfAbsent(stage, k -> new LinkedHashMap<>());
  }

  private static Map<String, Object> pipeline(Map<String, Map<String, Object>> all, String name) {
    return all.computeIfAbsent(
        name,
        k -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("name", name);
          return m;
        });
  }

  private static void stageFromGroup(Map<String, Object> sm, Group g, double now) {
    Map<String, Family> f = g.families();
    put(sm, "running", single(f.get(STAGE_RUNNING)));
    Double start = single(f.get(STAGE_LAST_START));
    Double success = single(f.get(STAGE_LAST_SUCCESS));
    Double failure = single(f.get(STAGE_LAST_FAILURE));
    put(sm, "last_start", start);
    put(sm, "last_success", success);
    put(sm, "last_failure", failure);
    put(sm, "last_duration_seconds", single(f.get(STAGE_LAST_DURATION)));
    put(sm, "last_exit_code", single(f.get(STAGE_LAST_EXIT_CODE)));
    put(sm, "progress", single(f.get(STAGE_PROGRESS)));
    Family error = f.get(STAGE_LAST_ERROR);
    if (error != null && !error.series().isEmpty()) {
      sm.put("last_error", error.series().keySet().iterator().next().get("error"));
    }
    Double hb = single(f.get(STAGE_HEARTBEAT));
    if (hb != null) {
      sm.put("heartbeat_age_seconds", Math.max(0, now - hb));
    }
    String status = "unknown";
    double lastEnd = Math.max(success == null ? 0 : success, failure == null ? 0 : failure);
    if (sm.get("running") instanceof Double r && r > 0) {
      status = "running";
    } else if (failure != null && failure >= lastEnd && failure > 0) {
      status = "failure";
    } else if (success != null && success > 0) {
      status = "success";
    }
    sm.put("status", status);
    if (status.equals("running") && start != null) {
      // The run in progress: its own duration so far, not the last finished run's.
      sm.put("duration_seconds", Math.max(0, now - start));
    }
    sm.put("runs", byLabel(f.get(STAGE_RUNS), "status"));
    sm.put("records", byLabel(f.get(STAGE_RECORDS), "outcome"));
    Map<String, Object> missing = byLabel(f.get(DATA_MISSING), "dataset");
    if (!missing.isEmpty()) {
      sm.put("missing_values_ratio", missing);
    }
  }

  private static void pipelineFromGroup(Map<String, Object> pm, Group g) {
    Map<String, Family> f = g.families();
    Map<String, Object> drift = byLabel(f.get(DATA_DRIFT), "feature");
    if (!drift.isEmpty()) {
      pm.put("drift", drift);
    }
    Map<String, Object> fresh = byLabel(f.get(DATA_NEWEST_RECORD), "dataset");
    if (!fresh.isEmpty()) {
      pm.put("newest_record", fresh);
    }
    Map<String, Object> models = ModelTable.of(f);
    if (!models.isEmpty()) {
      pm.put("models", models);
    }
    Family loss = f.get(TRAINING_LOSS);
    if (loss != null) {
      Map<String, Object> training = new TreeMap<>();
      for (Series s : loss.series().values()) {
        training.put(
            s.labels().get("model") + ":" + s.labels().get("split"), ((Series.Value) s).value());
      }
      pm.put("training_loss", training);
    }
  }

  /** A pushed group whose grouping key names this pipeline (and maybe a stage). */
  @SuppressWarnings("unchecked")
  private static void pushed(Map<String, Object> pm, Group g) {
    List<Object> list = (List<Object>) pm.computeIfAbsent("pushed", k -> new ArrayList<>());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("grouping_key", new LinkedHashMap<>(g.key().labels().toMap()));
    put(m, "stage", g.key().labels().get("stage"));
    if (g.pushTimeSeconds() > 0) {
      m.put("last_push", g.pushTimeSeconds());
    }
    if (g.pushFailureTimeSeconds() > 0) {
      m.put("last_push_failure", g.pushFailureTimeSeconds());
    }
    m.put("families", new ArrayList<>(new java.util.TreeSet<>(g.families().keySet())));
    list.add(m);
  }

  /** Derives each stage's health and problems, then the pipeline's. */
  @SuppressWarnings("unchecked")
  private static void summarize(Map<String, Object> pm, PipelineConfig cfg) {
    String name = (String) pm.get("name");
    Map<String, Double> missingMax = cfg == null ? Map.of() : cfg.missingValuesMaxRatio();
    Map<String, Object> stages = (Map<String, Object>) pm.getOrDefault("stages", Map.of());
    Health worst = Health.unknown;
    List<String> pipelineProblems = new ArrayList<>();
    for (Map.Entry<String, Object> e : stages.entrySet()) {
      Map<String, Object> s = (Map<String, Object>) e.getValue();
      s.putIfAbsent("status", "unknown");
      List<String> problems = new ArrayList<>();
      Health h = stageHealth(s, missingMax, problems);
      s.put("health", h.name());
      s.put("problems", problems);
      worst = Health.worse(worst, h);
      for (String p : problems) {
        pipelineProblems.add(name + "/" + e.getKey() + ": " + p);
      }
    }
    Map<String, Object> drift = (Map<String, Object>) pm.get("drift");
    if (drift != null) {
      double threshold =
          cfg == null || cfg.driftThreshold() == null
              ? DEFAULT_DRIFT_THRESHOLD
              : cfg.driftThreshold();
      pm.put("drift_threshold", threshold);
      for (Map.Entry<String, Object> d : drift.entrySet()) {
        double v = val(d.getValue());
        if (v > threshold) {
          worst = Health.worse(worst, Health.data_problem);
          pipelineProblems.add(
              String.format(
                  Locale.ROOT,
                  "%s: feature %s drifted (%.4g > %.4g)",
                  name,
                  d.getKey(),
                  v,
                  threshold));
        }
      }
    }
    Map<String, Object> losses = (Map<String, Object>) pm.get("training_loss");
    if (losses != null) {
      // Listed, but no state of its own in the order: a diverged training shows as a failed stage.
      losses.forEach(
          (k, v) -> {
            if (!Double.isFinite(val(v))) {
              pipelineProblems.add(name + ": training loss " + k + " is " + val(v));
            }
          });
    }
    pm.put("status", worst.name());
    pm.put("problems", pipelineProblems);
  }

  @SuppressWarnings("unchecked")
  private static Health stageHealth(
      Map<String, Object> s, Map<String, Double> missingMax, List<String> problems) {
    String status = (String) s.get("status");
    boolean running = status.equals("running");
    Health h =
        switch (status) {
          case "running" -> Health.running;
          case "success" -> Health.ok;
          case "failure" -> Health.failed;
          default -> Health.unknown;
        };
    if (h == Health.failed) {
      Object code = s.get("last_exit_code");
      problems.add(
          "failed" + (code instanceof Double c ? " (exit code " + Math.round(c) + ")" : ""));
    }
    Double hbAge = num(s.get("heartbeat_age_seconds"));
    if (running && hbAge != null && hbAge > STALL_SECONDS) {
      h = Health.worse(h, Health.stalled);
      problems.add("stalled: no heartbeat for " + Math.round(hbAge) + " s");
    }
    Double sla = num(s.get("sla_seconds"));
    Double duration =
        running ? num(s.get("duration_seconds")) : num(s.get("last_duration_seconds"));
    if (sla != null && duration != null) {
      boolean over = duration > sla;
      s.put("over_sla", over);
      if (over) {
        h = Health.worse(h, Health.over_sla);
        problems.add(running ? "running over its SLA" : "last run over its SLA");
      }
    }
    Map<String, Object> records = (Map<String, Object>) s.getOrDefault("records", Map.of());
    double bad = val(records.get("invalid")) + val(records.get("corrupt"));
    double all = bad + val(records.get("processed")) + val(records.get("dropped"));
    if (all > 0 && bad / all > CORRUPT_RATIO_MAX) {
      h = Health.worse(h, Health.data_problem);
      problems.add(
          String.format(Locale.ROOT, "%.1f %% invalid or corrupt records", 100 * bad / all));
    }
    Map<String, Object> missing =
        (Map<String, Object>) s.getOrDefault("missing_values_ratio", Map.of());
    Map<String, Object> max = new TreeMap<>();
    for (Map.Entry<String, Object> d : missing.entrySet()) {
      double limit = missingMax.getOrDefault(d.getKey(), DEFAULT_MISSING_MAX);
      max.put(d.getKey(), limit);
      if (val(d.getValue()) > limit) {
        h = Health.worse(h, Health.data_problem);
        problems.add(
            String.format(
                Locale.ROOT,
                "%.1f %% missing values in %s (max %.1f %%)",
                100 * val(d.getValue()),
                d.getKey(),
                100 * limit));
      }
    }
    if (!max.isEmpty()) {
      s.put("missing_values_max_ratio", max);
    }
    return h;
  }

  static Map<String, Object> byLabel(Family f, String label) {
    Map<String, Object> out = new TreeMap<>();
    if (f != null) {
      for (Series s : f.series().values()) {
        if (s instanceof Series.Value v) {
          out.put(s.labels().get(label), v.value());
        }
      }
    }
    return out;
  }

  private static Double single(Family f) {
    if (f == null || f.series().isEmpty()) {
      return null;
    }
    Series s = f.series().values().iterator().next();
    return s instanceof Series.Value v ? v.value() : null;
  }

  private static void put(Map<String, Object> m, String k, Object v) {
    if (v != null) {
      m.put(k, v);
    }
  }

  private static Double num(Object o) {
    return o instanceof Number n ? n.doubleValue() : null;
  }

  private static double val(Object o) {
    return o instanceof Number n ? n.doubleValue() : 0;
  }
}
