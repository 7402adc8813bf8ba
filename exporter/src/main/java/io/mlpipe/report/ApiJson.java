package io.mlpipe.report;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The shapes of Prometheus' HTTP API answers
 * (https://prometheus.io/docs/prometheus/latest/querying/api/) that the report reads; Jackson binds
 * them, so no untyped maps travel further.
 */
final class ApiJson {
  private ApiJson() {}

  /** {@code {"status": "success"|"error", "data": ..., "errorType": ..., "error": ...}}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record QueryResponse(String status, QueryData data, String errorType, String error) {}

  /**
   * {@code resultType} is vector, matrix or scalar; {@code result} is a list of {@link Element}s,
   * or for a scalar one [time, "value"] pair: bound once the type is known.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record QueryData(String resultType, JsonNode result) {}

  /** One vector or matrix element: {@code value} is [time, "v"], {@code values} a list of them. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Element(Map<String, String> metric, List<String> value, List<List<String>> values) {}

  /** {@code /api/v1/rules}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record RulesResponse(String status, RulesData data, String error) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record RulesData(List<RuleGroup> groups) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record RuleGroup(String name, List<Rule> rules) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Rule(String name, String type) {}
}
