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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The state of every pipeline and stage as plain maps (for {@code /api/v1/pipelines}, the status
 * page and {@code mlpipe status}): last run, status, duration against SLA, heartbeat age, records,
 * data quality and model metrics. Declared pipelines appear even before their first event.
 */
public final class PipelineStatus {

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
      if (!g.key().source().equals(GroupKey.EVENTS)) {
        continue;
      }
      LabelSet k = g.key().labels();
      String pipeline = k.get("pipeline");
      if (pipeline == null || k.get("run_id") != null) {
        continue;
      }
      Map<String, Object> pm = pipeline(pipelines, pipeline);
      pm.putIfAbsent("declared", false);
      String stage = k.get("stage");
      if (stage != null) {
        stageFromGroup(stage(pm, stage), g, now);
      } else {
        pipelineFromGroup(pm, g);
      }
    }
    pipelines.values().forEach(PipelineStatus::summarize);
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
    sm.put("runs", byLabel(f.get(STAGE_RUNS), "status"));
    sm.put("records", byLabel(f.get(STAGE_RECORDS), "outcome"));
    Map<String, Object> missing = byLabel(f.get(DATA_MISSING), "dataset");
    if (!missing.isEmpty()) {
      sm.put("missing_values_ratio", missing);
    }
    if (sm.get("sla_seconds") instanceof Double sla
        && sm.get("last_duration_seconds") instanceof Double d) {
      sm.put("over_sla", d > sla);
    }
    if (status.equals("running") && start != null && sm.get("sla_seconds") instanceof Double sla) {
      sm.put("over_sla", now - start > sla);
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
    Family metrics = f.get(MODEL_METRIC);
    if (metrics != null) {
      Map<String, Object> models = new TreeMap<>();
      for (Series s : metrics.series().values()) {
        LabelSet l = s.labels();
        @SuppressWarnings("unchecked")
        Map<String, Object> m =
            (Map<String, Object>) models.computeIfAbsent(l.get("model"), x -> new TreeMap<>());
        m.put(l.get("role") + ":" + l.get("metric"), ((Series.Value) s).value());
      }
      Family info = f.get(MODEL_INFO);
      if (info != null) {
        for (LabelSet l : info.series().keySet()) {
          @SuppressWarnings("unchecked")
          Map<String, Object> m =
              (Map<String, Object>) models.computeIfAbsent(l.get("model"), x -> new TreeMap<>());
          m.put(l.get("role") + ":version", l.get("version"));
        }
      }
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

  @SuppressWarnings("unchecked")
  private static void summarize(Map<String, Object> pm) {
    Map<String, Object> stages = (Map<String, Object>) pm.getOrDefault("stages", Map.of());
    String worst = "unknown";
    for (Object o : stages.values()) {
      Map<String, Object> s = (Map<String, Object>) o;
      String st = (String) s.getOrDefault("status", "unknown");
      if (st.equals("failure") || Boolean.TRUE.equals(s.get("over_sla"))) {
        worst = "failure";
      } else if (st.equals("running") && !worst.equals("failure")) {
        worst = "running";
      } else if (st.equals("success") && worst.equals("unknown")) {
        worst = "success";
      }
    }
    pm.put("status", worst);
  }

  private static Map<String, Object> byLabel(Family f, String label) {
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
}
