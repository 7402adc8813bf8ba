package io.mlpipe.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pipelines declared in the config, and whether undeclared ones are accepted.
 *
 * @param requireDeclared refuse events and pushes for pipelines not declared here
 * @param declared by pipeline name, in file order
 */
public record PipelinesConfig(boolean requireDeclared, Map<String, PipelineConfig> declared) {

  public PipelinesConfig {
    declared = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(declared));
  }

  public static PipelinesConfig defaults() {
    return new PipelinesConfig(false, Map.of());
  }

  Map<String, Object> toDisplayMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("require_declared", requireDeclared);
    Map<String, Object> pipes = new LinkedHashMap<>();
    declared.forEach((name, p) -> pipes.put(name, p.toDisplayMap()));
    out.put("declared", pipes);
    return out;
  }

  /** Declared pipelines in file order. */
  public List<PipelineConfig> list() {
    return List.copyOf(declared.values());
  }
}
