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
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The state of every pipeline and stage as {@link PipelineView} records (for {@code
 * /api/v1/pipelines}, the status page and {@code mlpipe status}, which all show this one
 * derivation): last run, status, duration against SLA, heartbeat age, records, data quality, model
 * metrics, pushed groups, and each stage's and pipeline's {@link Health} with the problems behind
 * it, judged by {@link Thresholds}. Declared pipelines appear even before their first event.
 *
 * <pre>{@code
 * Map<String, PipelineView> all = PipelineStatus.all(store.groups(), config.pipelines(), now);
 * }</pre>
 */
public final class PipelineStatus {

  private PipelineStatus() {}

  /** Every pipeline by name. */
  public static SortedMap<String, PipelineView> all(
      List<Group> groups, PipelinesConfig cfg, double now) {
    Map<String, PipelineAcc> pipelines = new TreeMap<>();
    for (PipelineConfig p : cfg.declared().values()) {
      PipelineAcc pa = pipelines.computeIfAbsent(p.name(), PipelineAcc::new);
      pa.declared = true;
      pa.team = p.team();
      pa.owner = p.owner();
      for (StageConfig s : p.stages().values()) {
        StageAcc sa = pa.stage(s.name());
        if (s.sla() != null) {
          sa.slaSeconds = s.sla().toMillis() / 1000.0;
        }
        if (s.expectedInterval() != null) {
          sa.expectedIntervalSeconds = s.expectedInterval().toMillis() / 1000.0;
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
        pipelines.computeIfAbsent(pipeline, PipelineAcc::new).pushed.add(pushed(g));
        continue;
      }
      if (!g.key().source().equals(GroupKey.EVENTS) || k.get("run_id") != null) {
        continue;
      }
      PipelineAcc pa = pipelines.computeIfAbsent(pipeline, PipelineAcc::new);
      String stage = k.get("stage");
      if (stage != null) {
        pa.stage(stage).read(g.families(), now);
      } else {
        pa.read(g.families());
      }
    }
    SortedMap<String, PipelineView> out = new TreeMap<>();
    pipelines.forEach((name, pa) -> out.put(name, pa.view(cfg.declared().get(name))));
    return out;
  }

  /** A pushed group whose grouping key names this pipeline (and maybe a stage). */
  private static PushedGroupView pushed(Group g) {
    return new PushedGroupView(
        new TreeMap<>(g.key().labels().toMap()),
        g.key().labels().get("stage"),
        g.pushTimeSeconds() > 0 ? g.pushTimeSeconds() : null,
        g.pushFailureTimeSeconds() > 0 ? g.pushFailureTimeSeconds() : null,
        new ArrayList<>(new TreeSet<>(g.families().keySet())));
  }

  /** One pipeline while its groups are read. */
  private static final class PipelineAcc {
    final String name;
    boolean declared;
    String team;
    String owner;
    final Map<String, StageAcc> stages = new LinkedHashMap<>();
    SortedMap<String, Double> drift;
    SortedMap<String, Double> newestRecord;
    SortedMap<String, ModelView> models;
    SortedMap<String, Double> trainingLoss;
    final List<PushedGroupView> pushed = new ArrayList<>();

    PipelineAcc(String name) {
      this.name = name;
    }

    StageAcc stage(String stage) {
      return stages.computeIfAbsent(stage, k -> new StageAcc());
    }

    /** The pipeline's own group (no stage label): drift, freshness, models, training. */
    void read(Map<String, Family> f) {
      drift = nonEmpty(byLabel(f.get(DATA_DRIFT), "feature"));
      newestRecord = nonEmpty(byLabel(f.get(DATA_NEWEST_RECORD), "dataset"));
      models = nonEmpty(ModelTable.of(f));
      Family loss = f.get(TRAINING_LOSS);
      if (loss != null) {
        trainingLoss = new TreeMap<>();
        for (Series s : loss.series().values()) {
          if (s instanceof Series.Value v) {
            trainingLoss.put(s.labels().get("model") + ":" + s.labels().get("split"), v.value());
          }
        }
      }
    }

    /** Each stage's health and problems, then the pipeline's. */
    PipelineView view(PipelineConfig cfg) {
      Health worst = Health.unknown;
      List<String> problems = new ArrayList<>();
      Map<String, StageView> stageViews = new LinkedHashMap<>();
      for (Map.Entry<String, StageAcc> e : stages.entrySet()) {
        StageView s = e.getValue().view(cfg);
        stageViews.put(e.getKey(), s);
        worst = Health.worse(worst, s.health());
        for (String p : s.problems()) {
          problems.add(name + "/" + e.getKey() + ": " + p);
        }
      }
      Double driftThreshold = null;
      if (drift != null) {
        double threshold = Thresholds.driftThreshold(cfg);
        driftThreshold = threshold;
        for (Map.Entry<String, Double> d : drift.entrySet()) {
          if (d.getValue() > threshold) {
            worst = Health.worse(worst, Health.data_problem);
            problems.add(
                String.format(
                    Locale.ROOT,
                    "%s: feature %s drifted (%.4g > %.4g)",
                    name,
                    d.getKey(),
                    d.getValue(),
                    threshold));
          }
        }
      }
      if (trainingLoss != null) {
        // Listed, but no state of its own in the order: a diverged training shows as a failed
        // stage.
        trainingLoss.forEach(
            (k, v) -> {
              if (!Double.isFinite(v)) {
                problems.add(name + ": training loss " + k + " is " + v);
              }
            });
      }
      return new PipelineView(
          name,
          declared,
          declared ? team : null,
          declared ? owner : null,
          worst,
          problems,
          stageViews.isEmpty() ? null : stageViews,
          drift,
          driftThreshold,
          newestRecord,
          models,
          trainingLoss,
          pushed.isEmpty() ? null : pushed);
    }
  }

  /** One stage while its group is read. */
  private static final class StageAcc {
    Double slaSeconds;
    Double expectedIntervalSeconds;
    Double running;
    Double lastStart;
    Double lastSuccess;
    Double lastFailure;
    Double lastDuration;
    Double lastExitCode;
    Double progress;
    String lastError;
    Double heartbeatAge;
    StageView.RunState status = StageView.RunState.unknown;
    Double duration;
    StageView.Runs runs;
    StageView.Records records;
    SortedMap<String, Double> missing;

    void read(Map<String, Family> f, double now) {
      running = single(f.get(STAGE_RUNNING));
      lastStart = single(f.get(STAGE_LAST_START));
      lastSuccess = single(f.get(STAGE_LAST_SUCCESS));
      lastFailure = single(f.get(STAGE_LAST_FAILURE));
      lastDuration = single(f.get(STAGE_LAST_DURATION));
      lastExitCode = single(f.get(STAGE_LAST_EXIT_CODE));
      progress = single(f.get(STAGE_PROGRESS));
      Family error = f.get(STAGE_LAST_ERROR);
      if (error != null && !error.series().isEmpty()) {
        lastError = error.series().keySet().iterator().next().get("error");
      }
      Double hb = single(f.get(STAGE_HEARTBEAT));
      if (hb != null) {
        heartbeatAge = Math.max(0, now - hb);
      }
      double lastEnd =
          Math.max(lastSuccess == null ? 0 : lastSuccess, lastFailure == null ? 0 : lastFailure);
      if (running != null && running > 0) {
        status = StageView.RunState.running;
      } else if (lastFailure != null && lastFailure >= lastEnd && lastFailure > 0) {
        status = StageView.RunState.failure;
      } else if (lastSuccess != null && lastSuccess > 0) {
        status = StageView.RunState.success;
      }
      if (status == StageView.RunState.running && lastStart != null) {
        // The run in progress: its own duration so far, not the last finished run's.
        duration = Math.max(0, now - lastStart);
      }
      Map<String, Double> r = byLabel(f.get(STAGE_RUNS), "status");
      runs = new StageView.Runs(r.get("cancelled"), r.get("failure"), r.get("success"));
      Map<String, Double> rec = byLabel(f.get(STAGE_RECORDS), "outcome");
      records =
          new StageView.Records(
              rec.get("corrupt"), rec.get("dropped"), rec.get("invalid"), rec.get("processed"));
      missing = nonEmpty(byLabel(f.get(DATA_MISSING), "dataset"));
    }

    /** The stage with its health and the problems behind it. */
    StageView view(PipelineConfig cfg) {
      List<String> problems = new ArrayList<>();
      boolean isRunning = status == StageView.RunState.running;
      Health h =
          switch (status) {
            case running -> Health.running;
            case success -> Health.ok;
            case failure -> Health.failed;
            case unknown -> Health.unknown;
          };
      if (h == Health.failed) {
        problems.add(
            "failed"
                + (lastExitCode != null ? " (exit code " + Math.round(lastExitCode) + ")" : ""));
      }
      if (isRunning && heartbeatAge != null && heartbeatAge > Thresholds.STALL_SECONDS) {
        h = Health.worse(h, Health.stalled);
        problems.add("stalled: no heartbeat for " + Math.round(heartbeatAge) + " s");
      }
      Double judged = isRunning ? duration : lastDuration;
      Boolean overSla = null;
      if (slaSeconds != null && judged != null) {
        overSla = judged > slaSeconds;
        if (overSla) {
          h = Health.worse(h, Health.over_sla);
          problems.add(isRunning ? "running over its SLA" : "last run over its SLA");
        }
      }
      if (records != null) {
        double bad = records.bad();
        double all = records.all();
        if (all > 0 && bad / all > Thresholds.CORRUPT_RECORDS_MAX_RATIO) {
          h = Health.worse(h, Health.data_problem);
          problems.add(
              String.format(Locale.ROOT, "%.1f %% invalid or corrupt records", 100 * bad / all));
        }
      }
      SortedMap<String, Double> max = null;
      if (missing != null) {
        max = new TreeMap<>();
        for (Map.Entry<String, Double> d : missing.entrySet()) {
          double limit = Thresholds.missingValuesMaxRatio(cfg, d.getKey());
          max.put(d.getKey(), limit);
          if (d.getValue() > limit) {
            h = Health.worse(h, Health.data_problem);
            problems.add(
                String.format(
                    Locale.ROOT,
                    "%.1f %% missing values in %s (max %.1f %%)",
                    100 * d.getValue(),
                    d.getKey(),
                    100 * limit));
          }
        }
      }
      return new StageView(
          slaSeconds,
          expectedIntervalSeconds,
          running,
          lastStart,
          lastSuccess,
          lastFailure,
          lastDuration,
          lastExitCode,
          progress,
          lastError,
          heartbeatAge,
          status,
          duration,
          runs,
          records,
          missing,
          max,
          overSla,
          h,
          problems);
    }
  }

  /** The value of each series of a family by one label (a gauge or counter per dataset, ...). */
  static SortedMap<String, Double> byLabel(Family f, String label) {
    SortedMap<String, Double> out = new TreeMap<>();
    if (f != null) {
      for (Series s : f.series().values()) {
        if (s instanceof Series.Value v) {
          out.put(s.labels().get(label), v.value());
        }
      }
    }
    return out;
  }

  private static <V> SortedMap<String, V> nonEmpty(SortedMap<String, V> m) {
    return m.isEmpty() ? null : m;
  }

  private static Double single(Family f) {
    if (f == null || f.series().isEmpty()) {
      return null;
    }
    Series s = f.series().values().iterator().next();
    return s instanceof Series.Value v ? v.value() : null;
  }
}
