package io.mlpipe.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Thresholds of one stage of a declared pipeline.
 *
 * @param sla longest a run may take, or null when not set
 * @param expectedInterval a success is expected at least this often, or null when not set
 */
public record StageConfig(String name, Duration sla, Duration expectedInterval) {

  Map<String, Object> toDisplayMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    if (sla != null) {
      out.put("sla", Durations.format(sla));
    }
    if (expectedInterval != null) {
      out.put("expected_interval", Durations.format(expectedInterval));
    }
    return out;
  }
}
