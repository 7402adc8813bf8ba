package io.mlpipe.pipeline;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.SortedMap;

/**
 * One stage of a pipeline as {@code GET /api/v1/pipelines}, the status page and {@code mlpipe
 * status} show it. Timestamps are Unix seconds; a field is null (and left out of the JSON) when the
 * agent has no value for it.
 *
 * <pre>{@code
 * if (stage.health() == Health.stalled) { ... stage.heartbeatAgeSeconds() ... }
 * }</pre>
 *
 * @param slaSeconds the stage's SLA from the config
 * @param expectedIntervalSeconds how often a success is expected, from the config
 * @param running runs in progress
 * @param lastDurationSeconds of the last finished run
 * @param lastExitCode of the last finished wrapped command
 * @param lastError the last failure's error text, until the stage runs again
 * @param status what the last event says: running, success, failure or unknown
 * @param durationSeconds of the run in progress so far (only while running)
 * @param missingValuesRatio by dataset
 * @param missingValuesMaxRatio by dataset: the threshold each ratio was judged by
 * @param overSla whether the run in progress, or else the last run, took longer than the SLA (null
 *     without an SLA or a duration)
 * @param health the derived state, worst first (see {@link Health})
 * @param problems why the health is not ok, as sentences
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record StageView(
    Double slaSeconds,
    Double expectedIntervalSeconds,
    Double running,
    Double lastStart,
    Double lastSuccess,
    Double lastFailure,
    Double lastDurationSeconds,
    Double lastExitCode,
    Double progress,
    String lastError,
    Double heartbeatAgeSeconds,
    RunState status,
    Double durationSeconds,
    Runs runs,
    Records records,
    SortedMap<String, Double> missingValuesRatio,
    SortedMap<String, Double> missingValuesMaxRatio,
    Boolean overSla,
    Health health,
    List<String> problems) {

  public StageView {
    missingValuesRatio = Views.sorted(missingValuesRatio);
    missingValuesMaxRatio = Views.sorted(missingValuesMaxRatio);
    problems = problems == null ? List.of() : List.copyOf(problems);
    status = status == null ? RunState.unknown : status;
    health = health == null ? Health.unknown : health;
  }

  /** What the stage's last event says, before any threshold is applied. */
  public enum RunState {
    running,
    success,
    failure,
    @JsonEnumDefaultValue
    unknown
  }

  /** Finished runs by status ({@code mlpipe_stage_runs_total}); null where none was counted. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Runs(Double cancelled, Double failure, Double success) {}

  /** Records by outcome ({@code mlpipe_stage_records_total}); null where none was counted. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Records(Double corrupt, Double dropped, Double invalid, Double processed) {

    /** Invalid plus corrupt records. */
    public double bad() {
      return n(invalid) + n(corrupt);
    }

    /** Every record counted, whatever its outcome. */
    public double all() {
      return bad() + n(processed) + n(dropped);
    }

    private static double n(Double d) {
      return d == null ? 0 : d;
    }
  }
}
