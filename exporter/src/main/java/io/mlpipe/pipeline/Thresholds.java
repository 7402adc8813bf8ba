package io.mlpipe.pipeline;

import io.mlpipe.config.PipelineConfig;

/**
 * The thresholds by which a pipeline has a problem, shared by the status derivation ({@code
 * /pipelines}, {@code GET /api/v1/pipelines}, {@code mlpipe status}) and the alert rules: the
 * config's value first, else the same default as the {@code *:effective} recording rules of
 * rules/recording.yml and the fixed thresholds of the alerts. {@code ThresholdsTest} parses rules/
 * and fails when a default there differs from the one here.
 *
 * <pre>{@code
 * double max = Thresholds.missingValuesMaxRatio(cfg, "customers"); // config, else 0.1
 * }</pre>
 *
 * <p>What the status and the rules judge differently, on purpose: the rules judge invalid and
 * corrupt records over the last hour ({@code increase(...[1h])}) and wait {@code for: 5m} before
 * alerting on anything; the status judges the counters since the agent started and has no {@code
 * for:} (it shows the state now). The rules also judge what the status does not: model regression
 * ({@link #MODEL_METRIC_TOLERANCE}), stale data ({@link #DATA_MAX_AGE_SECONDS}), schedules and
 * success ratios.
 */
public final class Thresholds {

  /**
   * Heartbeat age above which a running stage is stalled: {@code MlpipeStageStalled}'s {@code >
   * 300} (rules/pipeline.yml). Not configurable.
   */
  public static final double STALL_SECONDS = 300;

  /**
   * Missing-values ratio above which a dataset is a problem when the config names none: {@code
   * pipeline_dataset:mlpipe_data_missing_values_max_ratio:effective}'s default.
   */
  public static final double MISSING_VALUES_MAX_RATIO = 0.1;

  /**
   * Drift score above which a feature has drifted when the config names no threshold (PSI
   * "significant shift"): {@code pipeline:mlpipe_data_drift_threshold:effective}'s default.
   */
  public static final double DRIFT_THRESHOLD = 0.2;

  /**
   * Share of invalid plus corrupt records above which a stage has a data problem: {@code
   * MlpipeDataCorruptRecordsHigh}'s {@code > 0.01} (rules/data.yml). Not configurable.
   */
  public static final double CORRUPT_RECORDS_MAX_RATIO = 0.01;

  /**
   * Rules only (the status shows model metrics without judging them): the regression allowed when
   * the config names no tolerance, {@code pipeline_metric:mlpipe_model_metric_tolerance:effective}.
   */
  public static final double MODEL_METRIC_TOLERANCE = 0;

  /**
   * Rules only (the status shows the newest record's time without judging it): how old a dataset's
   * newest record may be when no stage of the pipeline has an expected interval, {@code
   * pipeline_dataset:mlpipe_data_max_age_seconds:effective}'s default (2 days).
   */
  public static final double DATA_MAX_AGE_SECONDS = 172_800;

  private Thresholds() {}

  /** The configured missing-values maximum of a dataset, else the default. */
  public static double missingValuesMaxRatio(PipelineConfig cfg, String dataset) {
    Double configured = cfg == null ? null : cfg.missingValuesMaxRatio().get(dataset);
    return configured == null ? MISSING_VALUES_MAX_RATIO : configured;
  }

  /** The configured drift threshold of a pipeline, else the default. */
  public static double driftThreshold(PipelineConfig cfg) {
    return cfg == null || cfg.driftThreshold() == null ? DRIFT_THRESHOLD : cfg.driftThreshold();
  }
}
