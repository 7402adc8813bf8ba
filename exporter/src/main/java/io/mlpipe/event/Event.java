package io.mlpipe.event;

import java.util.HashMap;
import java.util.Map;

/**
 * One pipeline event as the JSON events API carries it: the fields every type has, and the type's
 * own in {@link Payload} (written flat beside them). Built by the clients ({@code mlpipe run},
 * {@code mlpipe push}, the demo) and serialized with {@link EventJson}; parsed and validated by the
 * agent into the same record.
 *
 * <pre>{@code
 * new Event("churn", "train", null, "gpu-node-1", "run-7", null, new Payload.Heartbeat(0.5))
 * // {"type":"heartbeat","pipeline":"churn","stage":"train","host":"gpu-node-1","run_id":"run-7","progress":0.5}
 * }</pre>
 *
 * @param stage null for pipeline-wide events (drift, training, model metrics, some metrics)
 * @param time when it happened (Unix seconds); null from a client: the agent's receive time, which
 *     a parsed event always carries
 * @param host may be null
 * @param runId may be null
 * @param id may be null; with one, a retried event is applied once
 */
public record Event(
    String pipeline,
    String stage,
    Double time,
    String host,
    String runId,
    String id,
    Payload payload) {

  /** The event types, by their name on the wire, each with its payload record. */
  public enum Type {
    stage_started(Payload.StageStarted.class),
    stage_finished(Payload.StageFinished.class),
    heartbeat(Payload.Heartbeat.class),
    records(Payload.Records.class),
    data_quality(Payload.DataQuality.class),
    drift(Payload.Drift.class),
    training(Payload.Training.class),
    model_metric(Payload.ModelMetric.class),
    metric(Payload.Metric.class);

    private final Class<? extends Payload> payload;

    Type(Class<? extends Payload> payload) {
      this.payload = payload;
    }

    private static final Map<Class<?>, Type> BY_PAYLOAD = new HashMap<>();

    static {
      for (Type t : values()) {
        BY_PAYLOAD.put(t.payload, t);
      }
    }

    static Type of(Payload p) {
      return BY_PAYLOAD.get(p.getClass());
    }

    /** The record an event of this type carries. */
    public Class<? extends Payload> payload() {
      return payload;
    }

    /** Whether events of this type must name a stage. */
    public boolean needsStage() {
      return switch (this) {
        case drift, training, model_metric, metric -> false;
        default -> true;
      };
    }
  }

  public Type type() {
    return payload.type();
  }

  /** This event with another time (Unix seconds). */
  public Event withTime(Double seconds) {
    return new Event(pipeline, stage, seconds, host, runId, id, payload);
  }
}
