package io.mlpipe.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One declared pipeline.
 *
 * @param team owning team, used by Alertmanager routing through {@code mlpipe_pipeline_info}
 * @param owner a person or address to contact; may be empty
 * @param stages by stage name, in file order
 * @param missingValuesMaxRatio per dataset, the highest acceptable missing-values ratio
 * @param driftThreshold drift score above which a feature has drifted, or null
 * @param modelMetricTolerance per model metric, the regression allowed from production to candidate
 */
public record PipelineConfig(
    String name,
    String team,
    String owner,
    Map<String, StageConfig> stages,
    Map<String, Double> missingValuesMaxRatio,
    Double driftThreshold,
    Map<String, Double> modelMetricTolerance) {

  public PipelineConfig {
    stages = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(stages));
    missingValuesMaxRatio =
        java.util.Collections.unmodifiableMap(new LinkedHashMap<>(missingValuesMaxRatio));
    modelMetricTolerance =
        java.util.Collections.unmodifiableMap(new LinkedHashMap<>(modelMetricTolerance));
  }

  /** A pipeline with a team and stages only. */
  public PipelineConfig(String name, String team, String owner, Map<String, StageConfig> stages) {
    this(name, team, owner, stages, Map.of(), null, Map.of());
  }

  Map<String, Object> toDisplayMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("team", team);
    out.put("owner", owner);
    Map<String, Object> st = new LinkedHashMap<>();
    stages.forEach((name, s) -> st.put(name, s.toDisplayMap()));
    out.put("stages", st);
    if (!missingValuesMaxRatio.isEmpty()) {
      Map<String, Object> ds = new LinkedHashMap<>();
      missingValuesMaxRatio.forEach((k, v) -> ds.put(k, Map.of("missing_values_max_ratio", v)));
      out.put("datasets", ds);
    }
    if (driftThreshold != null) {
      out.put("drift_threshold", driftThreshold);
    }
    if (!modelMetricTolerance.isEmpty()) {
      out.put("model_metric_tolerance", new LinkedHashMap<>(modelMetricTolerance));
    }
    return out;
  }
}
