package io.mlpipe.pipeline;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;

/**
 * The state of a stage, and of a pipeline (its worst stage), worst first: the one order the status
 * page, {@code mlpipe status} and {@code GET /api/v1/pipelines} use (README, "Pipeline status").
 *
 * <pre>{@code
 * Health worst = Health.worse(Health.running, Health.over_sla); // over_sla
 * }</pre>
 */
public enum Health {
  /** The last finished run failed and none runs now. */
  failed,
  /** A run is in progress but has sent no heartbeat for {@link Thresholds#STALL_SECONDS}. */
  stalled,
  /** The run in progress, or else the last finished run, took longer than the stage's SLA. */
  over_sla,
  /** Too many invalid or corrupt records, missing values or drift above their thresholds. */
  data_problem,
  /** A run is in progress and nothing above applies. */
  running,
  /** The last run succeeded and nothing above applies. */
  ok,
  /** Nothing has run yet (also a state a newer agent sends that this version does not know). */
  @JsonEnumDefaultValue
  unknown;

  /** The worse of two. */
  public static Health worse(Health a, Health b) {
    return a.ordinal() <= b.ordinal() ? a : b;
  }
}
