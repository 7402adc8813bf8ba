package io.mlpipe.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One declared pipeline.
 *
 * @param team owning team, used by Alertmanager routing through {@code mlpipe_pipeline_info}
 * @param owner a person or address to contact; may be empty
 * @param stages by stage name, in file order
 */
public record PipelineConfig(
    String name, String team, String owner, Map<String, StageConfig> stages) {

  public PipelineConfig {
    stages = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(stages));
  }

  Map<String, Object> toDisplayMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("team", team);
    out.put("owner", owner);
    Map<String, Object> st = new LinkedHashMap<>();
    stages.forEach((name, s) -> st.put(name, s.toDisplayMap()));
    out.put("stages", st);
    return out;
  }
}
