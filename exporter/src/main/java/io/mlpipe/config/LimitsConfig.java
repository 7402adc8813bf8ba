package io.mlpipe.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code limits:} section: bounds on what writers may store (defaults documented in README), so
 * that no client can grow the agent to an OOM (Pushgateway has none). The store and the push and
 * events APIs enforce them as they are: a write over a bound is rejected whole and counted by
 * reason.
 */
public record LimitsConfig(
    int maxSeriesPerGroup,
    long maxSeriesTotal,
    int maxLabelsPerSeries,
    int maxLabelNameLength,
    int maxLabelValueLength,
    long maxBodyBytes) {

  public static LimitsConfig defaults() {
    return new LimitsConfig(10_000, 1_000_000, 64, 128, 2048, 16L * 1024 * 1024);
  }

  Map<String, Object> toDisplayMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("max_series_per_group", maxSeriesPerGroup);
    out.put("max_series_total", maxSeriesTotal);
    out.put("max_labels_per_series", maxLabelsPerSeries);
    out.put("max_label_name_length", maxLabelNameLength);
    out.put("max_label_value_length", maxLabelValueLength);
    out.put("max_body_bytes", maxBodyBytes);
    return out;
  }
}
