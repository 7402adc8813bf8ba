package io.mlpipe.pipeline;

import static io.mlpipe.pipeline.PipelineMetrics.*;

import io.mlpipe.config.PipelinesConfig;
import io.mlpipe.event.Event;
import io.mlpipe.event.Payload;
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
    Translation t = new Translation(e, now, runTtl, out);
    e.payload().accept(t);
    if (!t.stageOps.isEmpty()) {
      out.add(new Mutation.Update(stageKey(e.pipeline(), e.stage()), t.stageOps, now, forget));
    }
    if (!t.pipeOps.isEmpty()) {
      out.add(new Mutation.Update(pipelineKey(e.pipeline()), t.pipeOps, now, forget));
    }
  }

  /**
   * One event's operations on its stage's group and its pipeline's group, and the mutations of its
   * run's group: one method per payload type, which the compiler checks are all there.
   */
  private static final class Translation implements Payload.Visitor<Void> {
    private final Event e;
    private final long now;
    private final long runTtl;
    private final List<Mutation> out;
    private final LabelSet stageLabels;
    private final LabelSet pipeLabels;
    private final double t;
    final List<Op> stageOps = new ArrayList<>();
    final List<Op> pipeOps = new ArrayList<>();

    Translation(Event e, long now, long runTtl, List<Mutation> out) {
      this.e = e;
      this.now = now;
      this.runTtl = runTtl;
      this.out = out;
      this.stageLabels =
          e.stage() == null ? null : LabelSet.of("pipeline", e.pipeline(), "stage", e.stage());
      this.pipeLabels = LabelSet.of("pipeline", e.pipeline());
      this.t = e.time();
    }

    @Override
    public Void stageStarted(Payload.StageStarted p) {
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
      return null;
    }

    @Override
    public Void stageFinished(Payload.StageFinished p) {
      Payload.Status status = p.status();
      stageOps.add(
          new Op.Add(
              STAGE_RUNNING,
              MetricType.GAUGE,
              "Runs of the stage in progress.",
              stageLabels,
              -1,
              true));
      stageOps.add(runs(status, 1));
      // Every status appears from the first run on, so rate() and ratios see explicit zeros.
      for (Payload.Status other : Payload.Status.values()) {
        if (other != status) {
          stageOps.add(runs(other, 0));
        }
      }
      if (status == Payload.Status.success) {
        stageOps.add(set(STAGE_LAST_SUCCESS, "When the stage last succeeded.", stageLabels, t));
      } else if (status == Payload.Status.failure) {
        stageOps.add(set(STAGE_LAST_FAILURE, "When the stage last failed.", stageLabels, t));
      }
      stageOps.add(clearError());
      if (status != Payload.Status.success && p.error() != null) {
        stageOps.add(set(STAGE_LAST_ERROR, null, LabelSet.of("error", p.error()), t));
      }
      stageOps.add(set(STAGE_HEARTBEAT, "Last sign of life of the stage.", stageLabels, t));
      Double duration = p.durationSeconds();
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
            set(STAGE_LAST_DURATION, "Duration of the last finished run.", stageLabels, duration));
      }
      if (p.exitCode() != null) {
        stageOps.add(
            set(
                STAGE_LAST_EXIT_CODE,
                "Exit code of the last wrapped command.",
                stageLabels,
                p.exitCode()));
      }
      if (p.cpuSeconds() != null) {
        stageOps.add(
            new Op.Add(
                STAGE_CPU,
                MetricType.COUNTER,
                "CPU time of wrapped commands.",
                stageLabels,
                p.cpuSeconds(),
                false));
      }
      if (p.memoryPeakBytes() != null) {
        stageOps.add(
            set(
                STAGE_MEMORY_PEAK,
                "Peak resident memory of the last wrapped run.",
                stageLabels,
                p.memoryPeakBytes()));
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
      return null;
    }

    private Op runs(Payload.Status status, double delta) {
      return new Op.Add(
          STAGE_RUNS,
          MetricType.COUNTER,
          "Finished runs of the stage, by status.",
          labels(stageLabels, "status", status.name()),
          delta,
          false);
    }

    @Override
    public Void heartbeat(Payload.Heartbeat p) {
      stageOps.add(set(STAGE_HEARTBEAT, "Last sign of life of the stage.", stageLabels, t));
      if (p.progress() != null) {
        stageOps.add(
            set(STAGE_PROGRESS, "Progress of the running stage, 0..1.", stageLabels, p.progress()));
      }
      return null;
    }

    @Override
    public Void records(Payload.Records p) {
      // Every outcome appears from the first report on, so ratios see explicit zeros.
      record Outcome(String name, Double n) {}
      for (Outcome o :
          List.of(
              new Outcome("processed", p.processed()),
              new Outcome("invalid", p.invalid()),
              new Outcome("corrupt", p.corrupt()),
              new Outcome("dropped", p.dropped()))) {
        stageOps.add(
            new Op.Add(
                STAGE_RECORDS,
                MetricType.COUNTER,
                "Records handled by the stage, by outcome.",
                labels(stageLabels, "outcome", o.name()),
                o.n() == null ? 0 : o.n(),
                false));
      }
      return null;
    }

    @Override
    public Void dataQuality(Payload.DataQuality p) {
      LabelSet dataset = labels(stageLabels, "dataset", p.dataset());
      if (p.missingValuesRatio() != null) {
        stageOps.add(
            set(
                DATA_MISSING,
                "Share of missing values in a dataset, 0..1.",
                dataset,
                p.missingValuesRatio()));
      }
      if (p.schemaViolations() != null) {
        p.schemaViolations()
            .forEach(
                (check, n) ->
                    stageOps.add(
                        new Op.Add(
                            DATA_SCHEMA_VIOLATIONS,
                            MetricType.COUNTER,
                            "Schema check violations, by dataset and check.",
                            labels(dataset, "check", check),
                            n,
                            false)));
      }
      if (p.newestRecordTime() != null) {
        pipeOps.add(
            set(
                DATA_NEWEST_RECORD,
                "Time of the newest record in a dataset (freshness).",
                labels(pipeLabels, "dataset", p.dataset()),
                p.newestRecordTime()));
      }
      return null;
    }

    @Override
    public Void drift(Payload.Drift p) {
      pipeOps.add(
          set(
              DATA_DRIFT,
              "Drift score of a feature.",
              labels(pipeLabels, "feature", p.feature()),
              p.score()));
      return null;
    }

    @Override
    public Void training(Payload.Training p) {
      LabelSet model = labels(pipeLabels, "model", p.model());
      if (p.epoch() != null) {
        pipeOps.add(set(TRAINING_EPOCH, "Current training epoch.", model, p.epoch()));
      }
      if (p.loss() != null) {
        p.loss()
            .forEach(
                (split, v) ->
                    pipeOps.add(
                        set(
                            TRAINING_LOSS,
                            "Training loss by split.",
                            labels(model, "split", split),
                            v)));
      }
      if (p.samplesPerSecond() != null) {
        pipeOps.add(set(TRAINING_THROUGHPUT, "Training throughput.", model, p.samplesPerSecond()));
      }
      return null;
    }

    @Override
    public Void modelMetric(Payload.ModelMetric p) {
      String role = (p.role() == null ? Payload.Role.candidate : p.role()).name();
      LabelSet model = labels(pipeLabels, "model", p.model());
      pipeOps.add(
          set(
              MODEL_METRIC,
              "Quality of a model, by metric and role.",
              labels(labels(model, "metric", p.metric()), "role", role),
              p.value()));
      LabelSet metricVersion =
          labels(
              labels(labels(LabelSet.of("model", p.model()), "metric", p.metric()), "role", role),
              "version",
              p.version());
      pipeOps.add(new Op.RemoveOthers(MODEL_METRIC_VERSION, metricVersion, "version"));
      pipeOps.add(set(MODEL_METRIC_VERSION, null, metricVersion, t));
      // One version holds each role: the info series of other versions in this role go.
      LabelSet info = labels(labels(model, "version", p.version()), "role", role);
      pipeOps.add(new Op.RemoveOthers(MODEL_INFO, info, "version"));
      pipeOps.add(set(MODEL_INFO, "Which model version holds each role.", info, 1));
      return null;
    }

    @Override
    public Void metric(Payload.Metric p) {
      LabelSet base = stageLabels != null ? stageLabels : pipeLabels;
      LabelSet l = LabelSet.of(p.labels() == null ? Map.of() : p.labels()).overriddenBy(base);
      String help = "Reported by pipeline " + e.pipeline() + ".";
      Op op =
          p.kind() == Payload.MetricKind.counter
              ? new Op.Add(p.name(), MetricType.COUNTER, help, l, p.value(), false)
              : set(p.name(), help, l, p.value());
      (stageLabels != null ? stageOps : pipeOps).add(op);
      return null;
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
