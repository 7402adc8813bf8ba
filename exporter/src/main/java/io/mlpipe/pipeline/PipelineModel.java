package io.mlpipe.pipeline;

import static io.mlpipe.pipeline.PipelineMetrics.*;

import io.mlpipe.config.PipelinesConfig;
import io.mlpipe.store.GroupKey;
import io.mlpipe.store.LabelSet;
import io.mlpipe.store.MetricType;
import io.mlpipe.store.Mutation;
import io.mlpipe.store.Mutation.Op;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Turns pipeline events into store mutations: counters and histograms as read-modify-write
 * operations (applied in WAL order, so concurrent events never lose an increment), gauges as sets.
 * Nothing here reads the store: every decision that depends on stored state (which model versions
 * leave a role, how long a run took, whether a run is known) is an operation that the store's
 * single writer evaluates in WAL order, so concurrent events give the result of some serial order.
 *
 * <p>Groups: one per stage ({@code pipeline}, {@code stage}), one per pipeline, one per run ({@code
 * mlpipe_run_info}, short TTL), and one empty marker per event id for deduplication.
 */
public final class PipelineModel {

  private final Supplier<PipelinesConfig> config;

  public PipelineModel(Supplier<PipelinesConfig> config) {
    this.config = config;
  }

  static GroupKey stageKey(String pipeline, String stage) {
    return new GroupKey(GroupKey.EVENTS, LabelSet.of("pipeline", pipeline, "stage", stage));
  }

  static GroupKey pipelineKey(String pipeline) {
    return new GroupKey(GroupKey.EVENTS, LabelSet.of("pipeline", pipeline));
  }

  static GroupKey runKey(String pipeline, String stage, String runId) {
    return new GroupKey(
        GroupKey.EVENTS, LabelSet.of("pipeline", pipeline, "stage", stage, "run_id", runId));
  }

  static GroupKey eventIdKey(String id) {
    return new GroupKey(GroupKey.EVENTS, LabelSet.of("event_id", id));
  }

  /** The mutations for one request, applied together: all or nothing. */
  public List<Mutation> mutations(List<Event> events, long nowMillis) {
    PipelinesConfig cfg = config.get();
    long forget = cfg.forgetAfter().toMillis();
    long runTtl = cfg.runInfoTtl().toMillis();
    List<Mutation> out = new ArrayList<>();
    for (Event e : events) {
      List<Mutation> ms = new ArrayList<>();
      translate(e, nowMillis, forget, runTtl, ms);
      if (e.id() != null) {
        out.add(new Mutation.Once(eventIdKey(e.id()), nowMillis, cfg.dedupWindow().toMillis(), ms));
      } else {
        out.addAll(ms);
      }
    }
    return out;
  }

  private void translate(Event e, long now, long forget, long runTtl, List<Mutation> out) {
    LabelSet stageLabels =
        e.stage() == null ? null : LabelSet.of("pipeline", e.pipeline(), "stage", e.stage());
    LabelSet pipeLabels = LabelSet.of("pipeline", e.pipeline());
    List<Op> stageOps = new ArrayList<>();
    List<Op> pipeOps = new ArrayList<>();
    double t = e.timeSeconds();
    switch (e.type()) {
      case stage_started -> {
        stageOps.add(
            add(STAGE_RUNNING, MetricType.GAUGE, "Runs of the stage in progress.", stageLabels, 1));
        stageOps.add(set(STAGE_LAST_START, "When the stage last started.", stageLabels, t));
        stageOps.add(set(STAGE_HEARTBEAT, "Last sign of life of the stage.", stageLabels, t));
        // What belongs to one run starts afresh; history (last success/failure, counts) stays.
        stageOps.add(new Op.Remove(STAGE_PROGRESS, stageLabels));
        stageOps.add(clearError());
        if (e.runId() != null) {
          out.add(
              new Mutation.Update(
                  runKey(e.pipeline(), e.stage(), e.runId()),
                  List.of(runInfo(e), set(RUN_STARTED, null, LabelSet.EMPTY, t)),
                  now,
                  runTtl));
        }
      }
      case stage_finished -> {
        String status = e.string("status");
        stageOps.add(
            new Op.Add(
                STAGE_RUNNING,
                MetricType.GAUGE,
                "Runs of the stage in progress.",
                stageLabels,
                -1,
                true));
        stageOps.add(
            new Op.Add(
                STAGE_RUNS,
                MetricType.COUNTER,
                "Finished runs of the stage, by status.",
                labels(stageLabels, "status", status),
                1,
                false));
        // Every status appears from the first run on, so rate() and ratios see explicit zeros.
        for (String other : List.of("success", "failure", "cancelled")) {
          if (!other.equals(status)) {
            stageOps.add(
                new Op.Add(
                    STAGE_RUNS,
                    MetricType.COUNTER,
                    "Finished runs of the stage, by status.",
                    labels(stageLabels, "status", other),
                    0,
                    false));
          }
        }
        if (status.equals("success")) {
          stageOps.add(set(STAGE_LAST_SUCCESS, "When the stage last succeeded.", stageLabels, t));
        } else if (status.equals("failure")) {
          stageOps.add(set(STAGE_LAST_FAILURE, "When the stage last failed.", stageLabels, t));
        }
        stageOps.add(clearError());
        if (!status.equals("success") && e.string("error") != null) {
          stageOps.add(set(STAGE_LAST_ERROR, null, LabelSet.of("error", e.string("error")), t));
        }
        stageOps.add(set(STAGE_HEARTBEAT, "Last sign of life of the stage.", stageLabels, t));
        Double duration = e.number("duration_seconds");
        if (duration == null) {
          // From the start as the store holds it when this finish is applied (WAL order).
          Op.Start start =
              e.runId() != null
                  ? new Op.Start(
                      runKey(e.pipeline(), e.stage(), e.runId()), RUN_STARTED, LabelSet.EMPTY, null)
                  : new Op.Start(
                      stageKey(e.pipeline(), e.stage()),
                      STAGE_LAST_START,
                      stageLabels,
                      STAGE_RUNNING);
          stageOps.add(
              new Op.ObserveElapsed(
                  STAGE_DURATION,
                  "Durations of finished runs.",
                  stageLabels,
                  DURATION_BUCKETS,
                  STAGE_LAST_DURATION,
                  "Duration of the last finished run.",
                  t,
                  start));
        } else {
          stageOps.add(
              new Op.Observe(
                  STAGE_DURATION,
                  "Durations of finished runs.",
                  stageLabels,
                  DURATION_BUCKETS,
                  duration));
          stageOps.add(
              set(
                  STAGE_LAST_DURATION,
                  "Duration of the last finished run.",
                  stageLabels,
                  duration));
        }
        if (e.number("exit_code") != null) {
          stageOps.add(
              set(
                  STAGE_LAST_EXIT_CODE,
                  "Exit code of the last wrapped command.",
                  stageLabels,
                  e.number("exit_code")));
        }
        if (e.number("cpu_seconds") != null) {
          stageOps.add(
              new Op.Add(
                  STAGE_CPU,
                  MetricType.COUNTER,
                  "CPU time of wrapped commands.",
                  stageLabels,
                  e.number("cpu_seconds"),
                  false));
        }
        if (e.number("memory_peak_bytes") != null) {
          stageOps.add(
              set(
                  STAGE_MEMORY_PEAK,
                  "Peak resident memory of the last wrapped run.",
                  stageLabels,
                  e.number("memory_peak_bytes")));
        }
        if (e.runId() != null) {
          // The run keeps the host it started on (Init: first writer wins); finishing restarts
          // its TTL.
          Op.Set info = runInfo(e);
          out.add(
              new Mutation.Update(
                  runKey(e.pipeline(), e.stage(), e.runId()),
                  List.of(new Op.Init(info.name(), info.type(), info.help(), info.labels(), 1)),
                  now,
                  runTtl));
        }
      }
      case heartbeat -> {
        stageOps.add(set(STAGE_HEARTBEAT, "Last sign of life of the stage.", stageLabels, t));
        if (e.number("progress") != null) {
          stageOps.add(
              set(
                  STAGE_PROGRESS,
                  "Progress of the running stage, 0..1.",
                  stageLabels,
                  e.number("progress")));
        }
      }
      case records -> {
        for (String outcome : List.of("processed", "invalid", "corrupt", "dropped")) {
          Double n = e.number(outcome);
          stageOps.add(
              new Op.Add(
                  STAGE_RECORDS,
                  MetricType.COUNTER,
                  "Records handled by the stage, by outcome.",
                  labels(stageLabels, "outcome", outcome),
                  n == null ? 0 : n,
                  false));
        }
      }
      case data_quality -> {
        String dataset = e.string("dataset");
        if (e.number("missing_values_ratio") != null) {
          stageOps.add(
              set(
                  DATA_MISSING,
                  "Share of missing values in a dataset, 0..1.",
                  labels(stageLabels, "dataset", dataset),
                  e.number("missing_values_ratio")));
        }
        Map<String, Double> violations = e.map("schema_violations");
        violations.forEach(
            (check, n) ->
                stageOps.add(
                    new Op.Add(
                        DATA_SCHEMA_VIOLATIONS,
                        MetricType.COUNTER,
                        "Schema check violations, by dataset and check.",
                        labels(labels(stageLabels, "dataset", dataset), "check", check),
                        n,
                        false)));
        if (e.number("newest_record_time") != null) {
          pipeOps.add(
              set(
                  DATA_NEWEST_RECORD,
                  "Time of the newest record in a dataset (freshness).",
                  labels(pipeLabels, "dataset", dataset),
                  e.number("newest_record_time")));
        }
      }
      case drift ->
          pipeOps.add(
              set(
                  DATA_DRIFT,
                  "Drift score of a feature.",
                  labels(pipeLabels, "feature", e.string("feature")),
                  e.number("score")));
      case training -> {
        LabelSet model = labels(pipeLabels, "model", e.string("model"));
        if (e.number("epoch") != null) {
          pipeOps.add(set(TRAINING_EPOCH, "Current training epoch.", model, e.number("epoch")));
        }
        Map<String, Double> loss = e.map("loss");
        loss.forEach(
            (split, v) ->
                pipeOps.add(
                    set(
                        TRAINING_LOSS,
                        "Training loss by split.",
                        labels(model, "split", split),
                        v)));
        if (e.number("samples_per_second") != null) {
          pipeOps.add(
              set(
                  TRAINING_THROUGHPUT,
                  "Training throughput.",
                  model,
                  e.number("samples_per_second")));
        }
      }
      case model_metric -> {
        String role = e.string("role") == null ? "candidate" : e.string("role");
        LabelSet model = labels(pipeLabels, "model", e.string("model"));
        pipeOps.add(
            set(
                MODEL_METRIC,
                "Quality of a model, by metric and role.",
                labels(labels(model, "metric", e.string("metric")), "role", role),
                e.number("value")));
        LabelSet metricVersion =
            labels(
                labels(
                    labels(LabelSet.of("model", e.string("model")), "metric", e.string("metric")),
                    "role",
                    role),
                "version",
                e.string("version"));
        pipeOps.add(new Op.RemoveOthers(MODEL_METRIC_VERSION, metricVersion, "version"));
        pipeOps.add(set(MODEL_METRIC_VERSION, null, metricVersion, t));
        // One version holds each role: the info series of other versions in this role go.
        LabelSet info = labels(labels(model, "version", e.string("version")), "role", role);
        pipeOps.add(new Op.RemoveOthers(MODEL_INFO, info, "version"));
        pipeOps.add(set(MODEL_INFO, "Which model version holds each role.", info, 1));
      }
      case metric -> {
        LabelSet base = stageLabels != null ? stageLabels : pipeLabels;
        Map<String, String> user = e.map("labels");
        LabelSet l = LabelSet.of(user).overriddenBy(base);
        boolean counter = "counter".equals(e.string("kind"));
        Op op =
            counter
                ? new Op.Add(
                    e.string("name"),
                    MetricType.COUNTER,
                    "Reported by pipeline " + e.pipeline() + ".",
                    l,
                    e.number("value"),
                    false)
                : set(
                    e.string("name"),
                    "Reported by pipeline " + e.pipeline() + ".",
                    l,
                    e.number("value"));
        (stageLabels != null ? stageOps : pipeOps).add(op);
      }
    }
    if (!stageOps.isEmpty()) {
      out.add(new Mutation.Update(stageKey(e.pipeline(), e.stage()), stageOps, now, forget));
    }
    if (!pipeOps.isEmpty()) {
      out.add(new Mutation.Update(pipelineKey(e.pipeline()), pipeOps, now, forget));
    }
  }

  private static Op.Set runInfo(Event e) {
    LabelSet labels =
        LabelSet.of(
            "pipeline", e.pipeline(),
            "stage", e.stage(),
            "run_id", e.runId(),
            "host", e.host() == null ? "" : e.host());
    return new Op.Set(
        RUN_INFO,
        MetricType.GAUGE,
        "A run in progress or recently finished, with its host (expires).",
        labels,
        1);
  }

  /**
   * Removes the stage's last error, whatever its text: decided by the store's writer, so that an
   * error set earlier in the same request or by a concurrent one is seen.
   */
  private static Op clearError() {
    return new Op.RemoveOthers(STAGE_LAST_ERROR, LabelSet.of("error", ""), "error");
  }

  private static LabelSet labels(LabelSet base, String name, String value) {
    Map<String, String> m = new LinkedHashMap<>(base.toMap());
    m.put(name, value);
    return LabelSet.of(m);
  }

  private static Op set(String name, String help, LabelSet labels, double value) {
    return new Op.Set(name, MetricType.GAUGE, help, labels, value);
  }

  private static Op add(String name, MetricType type, String help, LabelSet labels, double delta) {
    return new Op.Add(name, type, help, labels, delta, false);
  }
}
