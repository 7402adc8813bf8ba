package io.mlpipe.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.SortedMap;

/**
 * One model of a pipeline: by role, the version that holds it ({@code mlpipe_model_info}) and each
 * metric with the version it was reported for, so an {@code accuracy} of v1 is never shown beside a
 * later {@code auc} push's v2. A role nothing was reported for is null.
 *
 * <pre>{@code
 * {"candidate": {"version": "v2",
 *                "metrics": {"auc": {"value": 0.91, "version": "v2"},
 *                            "accuracy": {"value": 0.8, "version": "v1"}}}}
 * }</pre>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelView(Role candidate, Role production) {

  /** A role's version (null when no model_info names one) and metrics (null when none). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Role(String version, SortedMap<String, Metric> metrics) {
    public Role {
      metrics = Views.sorted(metrics);
    }
  }

  /** A metric's value and the version of the report it came from (null when unknown). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Metric(double value, String version) {}
}
