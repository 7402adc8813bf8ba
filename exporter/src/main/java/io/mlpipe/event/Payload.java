package io.mlpipe.event;

import static io.mlpipe.event.Field.Kind.*;

import java.util.Map;

/**
 * What an event of each type carries besides the common fields of {@link Event}: one record per
 * type. A component is a JSON field of the same name in snake_case ({@code durationSeconds} is
 * {@code duration_seconds}, see {@link Wire}); null means absent. Clients build these records and
 * serialize them ({@link EventJson}), the agent parses into them and the pipeline model consumes
 * them through a {@link Visitor}, so a field is named once and the compiler checks every use.
 */
public sealed interface Payload {

  /** The event type this payload belongs to (the one whose {@link Event.Type#payload} it is). */
  default Event.Type type() {
    return Event.Type.of(this);
  }

  <R> R accept(Visitor<R> v);

  /**
   * One method per payload type: implementing it is an exhaustive switch over the sealed type (Java
   * 17 has no pattern matching switch outside preview), checked by the compiler.
   */
  interface Visitor<R> {
    R stageStarted(StageStarted p);

    R stageFinished(StageFinished p);

    R heartbeat(Heartbeat p);

    R records(Records p);

    R dataQuality(DataQuality p);

    R drift(Drift p);

    R training(Training p);

    R modelMetric(ModelMetric p);

    R metric(Metric p);
  }

  /** How a run ended. */
  enum Status {
    success,
    failure,
    cancelled
  }

  /** Which role a model version's metric is reported for. */
  enum Role {
    candidate,
    production
  }

  /** How a {@code metric} event's value is stored: set (gauge) or added (counter). */
  enum MetricKind {
    gauge,
    counter
  }

  /** A run of the stage started. */
  record StageStarted() implements Payload {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.stageStarted(this);
    }
  }

  /**
   * A run of the stage ended.
   *
   * @param durationSeconds null: from the run's start as the agent holds it
   * @param exitCode of the wrapped command
   * @param error why a run that did not succeed ended
   */
  record StageFinished(
      @Field(value = ONE_OF, required = true) Status status,
      @Field(NON_NEGATIVE) Double durationSeconds,
      @Field(INTEGER) Double exitCode,
      @Field(TEXT) String error,
      @Field(NON_NEGATIVE) Double cpuSeconds,
      @Field(NON_NEGATIVE) Double memoryPeakBytes)
      implements Payload {

    /** A finish with only its status and duration (null: from the start). */
    public static StageFinished of(Status status, Double durationSeconds) {
      return new StageFinished(status, durationSeconds, null, null, null, null);
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.stageFinished(this);
    }
  }

  /** A sign of life of a running stage, with its progress (0..1) where known. */
  record Heartbeat(@Field(RATIO) Double progress) implements Payload {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.heartbeat(this);
    }
  }

  /** Records the stage handled since its last report, by outcome (increments). */
  record Records(
      @Field(COUNT) Double processed,
      @Field(COUNT) Double invalid,
      @Field(COUNT) Double corrupt,
      @Field(COUNT) Double dropped)
      implements Payload {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.records(this);
    }
  }

  /**
   * Quality of a dataset the stage read.
   *
   * @param schemaViolations increments by schema check
   * @param newestRecordTime Unix seconds of the newest record (freshness)
   */
  record DataQuality(
      @Field(value = NAME, required = true) String dataset,
      @Field(RATIO) Double missingValuesRatio,
      @Field(COUNTS) Map<String, Double> schemaViolations,
      @Field(TIME) Double newestRecordTime)
      implements Payload {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.dataQuality(this);
    }
  }

  /** The drift score of one feature. */
  record Drift(
      @Field(value = NAME, required = true) String feature,
      @Field(value = FINITE, required = true) double score)
      implements Payload {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.drift(this);
    }
  }

  /**
   * Training progress of a model.
   *
   * @param loss by split (train, validation); NaN allowed: a diverged run reports it
   */
  record Training(
      @Field(value = NAME, required = true) String model,
      @Field(NON_NEGATIVE) Double epoch,
      @Field(FLOATS) Map<String, Double> loss,
      @Field(NON_NEGATIVE) Double samplesPerSecond)
      implements Payload {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.training(this);
    }
  }

  /**
   * A quality metric of one model version in a role.
   *
   * @param role null: candidate
   */
  record ModelMetric(
      @Field(value = NAME, required = true) String model,
      @Field(value = NAME, required = true) String version,
      @Field(value = NAME, required = true) String metric,
      @Field(value = FINITE, required = true) double value,
      @Field(ONE_OF) Role role)
      implements Payload {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.modelMetric(this);
    }
  }

  /**
   * A metric of the pipeline's own choosing.
   *
   * @param kind null: gauge; a counter's value is an increment
   */
  record Metric(
      @Field(value = METRIC_NAME, required = true) String name,
      @Field(ONE_OF) MetricKind kind,
      @Field(value = FINITE, required = true) double value,
      @Field(LABELS) Map<String, String> labels)
      implements Payload {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.metric(this);
    }
  }
}
