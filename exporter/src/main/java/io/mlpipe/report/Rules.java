package io.mlpipe.report;

import java.util.Set;

/**
 * The recording rules of {@code rules/recording.yml} the report reads, each with the expression it
 * records: a Prometheus that has the rule gives the recorded series, one without evaluates the
 * expression from the raw series instead (same result, more work per query).
 */
final class Rules {

  static final String PIPELINE_INFO = "pipeline:mlpipe_pipeline_info:max";
  static final String MISSING_MAX =
      "pipeline_dataset:mlpipe_data_missing_values_max_ratio:effective";
  static final String DRIFT_THRESHOLD = "pipeline:mlpipe_data_drift_threshold:effective";
  static final String MAX_AGE = "pipeline_dataset:mlpipe_data_max_age_seconds:effective";
  static final String TOLERANCE = "pipeline_metric:mlpipe_model_metric_tolerance:effective";
  static final String REGRESSION = "pipeline_model_metric:mlpipe_model_metric:regression";

  /** Lower-is-better metric names, as the regression rule tells them apart. */
  static final String LOWER_IS_BETTER = "(?i).*(loss|error|rmse|mse|mae|mape|perplexity|latency).*";

  private final Set<String> loaded;

  Rules(Set<String> loaded) {
    this.loaded = Set.copyOf(loaded);
  }

  boolean any() {
    return loaded.contains(PIPELINE_INFO);
  }

  /** The recorded series, or its expression in parentheses when the rule is not loaded. */
  String get(String name) {
    if (loaded.contains(name)) {
      return name;
    }
    return "(" + raw(name) + ")";
  }

  private static String raw(String name) {
    return switch (name) {
      case PIPELINE_INFO ->
          "topk by (pipeline) (1, max by (pipeline, team) (mlpipe_pipeline_info))";
      case MISSING_MAX ->
          "max by (pipeline, dataset) (mlpipe_data_missing_values_max_ratio) or max by (pipeline,"
              + " dataset) (mlpipe_data_missing_values_ratio) * 0 + 0.1";
      case DRIFT_THRESHOLD ->
          "max by (pipeline) (mlpipe_data_drift_threshold) or max by (pipeline)"
              + " (mlpipe_data_drift_score) * 0 + 0.2";
      case MAX_AGE ->
          "max by (pipeline, dataset) (mlpipe_data_newest_record_timestamp_seconds) * 0 + on"
              + " (pipeline) group_left () (2 * min by (pipeline)"
              + " (mlpipe_stage_expected_interval_seconds)) or max by (pipeline, dataset)"
              + " (mlpipe_data_newest_record_timestamp_seconds) * 0 + 172800";
      case TOLERANCE ->
          "max by (pipeline, metric) (mlpipe_model_metric_tolerance) or max by (pipeline, metric)"
              + " (mlpipe_model_metric) * 0";
      case REGRESSION ->
          "(max by (pipeline, model, metric) (mlpipe_model_metric{role=\"production\", metric!~\""
              + LOWER_IS_BETTER
              + "\"}) - max by (pipeline, model, metric) (mlpipe_model_metric{role=\"candidate\","
              + " metric!~\""
              + LOWER_IS_BETTER
              + "\"})) or (max by (pipeline, model, metric) (mlpipe_model_metric{role=\"candidate\","
              + " metric=~\""
              + LOWER_IS_BETTER
              + "\"}) - max by (pipeline, model, metric) (mlpipe_model_metric{role=\"production\","
              + " metric=~\""
              + LOWER_IS_BETTER
              + "\"}))";
      default -> throw new IllegalArgumentException(name);
    };
  }
}
