package io.mlpipe.pipeline;

import java.util.Map;

/**
 * One validated pipeline event, as the JSON events API and {@code mlpipe run} send it.
 *
 * @param type one of {@link Type}
 * @param stage null for pipeline-wide events (drift, training, model metrics, some metrics)
 * @param timeSeconds when it happened (Unix seconds); the receive time when not given
 * @param host may be null
 * @param runId may be null
 * @param id may be null; with one, a retried event is applied once
 * @param fields the type's own fields, validated: numbers as Double, maps as Map
 */
public record Event(
    Type type,
    String pipeline,
    String stage,
    double timeSeconds,
    String host,
    String runId,
    String id,
    Map<String, Object> fields) {

  /** The event types. */
  public enum Type {
    stage_started,
    stage_finished,
    heartbeat,
    records,
    data_quality,
    drift,
    training,
    model_metric,
    metric;

    /** Whether events of this type must name a stage. */
    public boolean needsStage() {
      return switch (this) {
        case drift, training, model_metric, metric -> false;
        default -> true;
      };
    }
  }

  public Double number(String field) {
    return (Double) fields.get(field);
  }

  public String string(String field) {
    return (String) fields.get(field);
  }

  @SuppressWarnings("unchecked")
  public <V> Map<String, V> map(String field) {
    Object v = fields.get(field);
    return v == null ? Map.of() : (Map<String, V>) v;
  }
}
