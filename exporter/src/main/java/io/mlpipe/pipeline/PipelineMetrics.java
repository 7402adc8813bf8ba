package io.mlpipe.pipeline;

/**
 * The pipeline metric contract (DESIGN.md, "Pipeline metrics"): rules and dashboards query these
 * names, so they never change.
 */
public final class PipelineMetrics {

  private PipelineMetrics() {}

  public static final String PIPELINE_INFO = "mlpipe_pipeline_info";
  public static final String STAGE_SLA = "mlpipe_stage_sla_seconds";
  public static final String STAGE_EXPECTED_INTERVAL = "mlpipe_stage_expected_interval_seconds";
  public static final String STAGE_RUNS = "mlpipe_stage_runs_total";
  public static final String STAGE_DURATION = "mlpipe_stage_duration_seconds";
  public static final String STAGE_LAST_DURATION = "mlpipe_stage_last_duration_seconds";
  public static final String STAGE_RUNNING = "mlpipe_stage_running";
  public static final String STAGE_LAST_START = "mlpipe_stage_last_start_timestamp_seconds";
  public static final String STAGE_LAST_SUCCESS = "mlpipe_stage_last_success_timestamp_seconds";
  public static final String STAGE_LAST_FAILURE = "mlpipe_stage_last_failure_timestamp_seconds";
  public static final String STAGE_LAST_EXIT_CODE = "mlpipe_stage_last_exit_code";
  public static final String STAGE_HEARTBEAT = "mlpipe_stage_heartbeat_timestamp_seconds";
  public static final String STAGE_PROGRESS = "mlpipe_stage_progress_ratio";
  public static final String STAGE_CPU = "mlpipe_stage_cpu_seconds_total";
  public static final String STAGE_MEMORY_PEAK = "mlpipe_stage_memory_peak_bytes";
  public static final String STAGE_RECORDS = "mlpipe_stage_records_total";
  public static final String DATA_MISSING = "mlpipe_data_missing_values_ratio";
  public static final String DATA_MISSING_MAX = "mlpipe_data_missing_values_max_ratio";
  public static final String DATA_SCHEMA_VIOLATIONS = "mlpipe_data_schema_violations_total";
  public static final String DATA_NEWEST_RECORD = "mlpipe_data_newest_record_timestamp_seconds";
  public static final String DATA_DRIFT = "mlpipe_data_drift_score";
  public static final String DATA_DRIFT_THRESHOLD = "mlpipe_data_drift_threshold";
  public static final String TRAINING_EPOCH = "mlpipe_training_epoch";
  public static final String TRAINING_LOSS = "mlpipe_training_loss";
  public static final String TRAINING_THROUGHPUT = "mlpipe_training_samples_per_second";
  public static final String MODEL_METRIC = "mlpipe_model_metric";
  public static final String MODEL_INFO = "mlpipe_model_info";
  public static final String MODEL_METRIC_TOLERANCE = "mlpipe_model_metric_tolerance";
  public static final String RUN_INFO = "mlpipe_run_info";

  /** Internal bookkeeping in a run's group: when it started (never exposed). */
  static final String RUN_STARTED = "__run_started";

  /**
   * Internal, in a stage's group: the last failed run's error (its stderr tail), as the label
   * {@code error}; gone when the stage starts again or succeeds (never exposed).
   */
  static final String STAGE_LAST_ERROR = "__last_error";

  /**
   * Internal, in a pipeline's group: which version each model metric was reported for, one series
   * per version with the report's time as value; the latest per model, role and metric is shown
   * (never exposed).
   */
  static final String MODEL_METRIC_VERSION = "__model_metric_version";

  /** Stage duration buckets, 1 s to 1 day. */
  public static final double[] DURATION_BUCKETS = {
    1,
    5,
    10,
    30,
    60,
    120,
    300,
    600,
    1800,
    3600,
    7200,
    14400,
    28800,
    43200,
    86400,
    Double.POSITIVE_INFINITY
  };
}
