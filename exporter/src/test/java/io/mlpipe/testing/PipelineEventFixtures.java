package io.mlpipe.testing;

import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What the events API tests post, in process ({@code EventsApiTest}) and to the packaged agent
 * ({@code PipelineEventsTest}, e2e): a declared pipeline, one event of every type for it, and the
 * families those events must produce (DESIGN.md, "Pipeline metrics").
 */
public final class PipelineEventFixtures {

  private PipelineEventFixtures() {}

  /**
   * The agent's configuration, declaring the churn pipeline that {@link #EVERY_TYPE} reports on.
   *
   * @param pipelinesSettings more lines of its {@code pipelines:} section (say, {@code
   *     run_info_ttl: 1s})
   */
  public static String config(String... pipelinesSettings) {
    StringBuilder b = new StringBuilder("pipelines:\n");
    for (String s : pipelinesSettings) {
      b.append("  ").append(s).append('\n');
    }
    return b.append(
            """
              declared:
                churn:
                  team: growth
                  owner: ana@example.com
                  stages:
                    train: {sla: 2h, expected_interval: 1d}
                  datasets:
                    customers: {missing_values_max_ratio: 0.05}
                  drift_threshold: 0.3
                  model_metric_tolerance: {auc: 0.02}
            """)
        .toString();
  }

  /** One event of every type (ten events, one stage run), for the churn pipeline. */
  public static final String EVERY_TYPE =
      """
      [
       {"type":"stage_started","pipeline":"churn","stage":"train","run_id":"r1","host":"gpu1","id":"e1"},
       {"type":"heartbeat","pipeline":"churn","stage":"train","progress":0.5,"id":"e2"},
       {"type":"records","pipeline":"churn","stage":"train","processed":1000,"invalid":3,"corrupt":1,"dropped":2,"id":"e3"},
       {"type":"data_quality","pipeline":"churn","stage":"train","dataset":"customers","missing_values_ratio":0.01,
        "schema_violations":{"not_null":4},"newest_record_time":"2026-01-02T03:04:05Z","id":"e4"},
       {"type":"drift","pipeline":"churn","feature":"age","score":0.12,"id":"e5"},
       {"type":"training","pipeline":"churn","model":"xgb","epoch":3,"loss":{"train":0.4,"validation":NaN},
        "samples_per_second":1200,"id":"e6"},
       {"type":"model_metric","pipeline":"churn","model":"xgb","version":"v7","metric":"auc","value":0.91,
        "role":"candidate","id":"e7"},
       {"type":"metric","pipeline":"churn","stage":"train","name":"rows_loaded_total","kind":"counter",
        "value":5,"labels":{"table":"users"},"id":"e8"},
       {"type":"metric","pipeline":"churn","name":"feature_count","value":42,"id":"e9"},
       {"type":"stage_finished","pipeline":"churn","stage":"train","run_id":"r1","status":"success",
        "exit_code":0,"cpu_seconds":12.5,"memory_peak_bytes":1048576,"id":"e10"}
      ]
      """;

  /** A documented family: its name (counters with {@code _total}), type and label names. */
  public record Family(String name, String type, SortedSet<String> labels) {
    Family(String name, String type, String... labels) {
      this(name, type, new TreeSet<>(Set.of(labels)));
    }
  }

  /** Every family {@link #EVERY_TYPE} produces, as DESIGN.md documents it. */
  public static final List<Family> DOCUMENTED =
      List.of(
          new Family("mlpipe_pipeline_info", "gauge", "pipeline", "team", "owner"),
          new Family("mlpipe_stage_sla_seconds", "gauge", "pipeline", "stage"),
          new Family("mlpipe_stage_expected_interval_seconds", "gauge", "pipeline", "stage"),
          new Family("mlpipe_stage_runs_total", "counter", "pipeline", "stage", "status"),
          new Family("mlpipe_stage_duration_seconds", "histogram", "pipeline", "stage"),
          new Family("mlpipe_stage_running", "gauge", "pipeline", "stage"),
          new Family("mlpipe_stage_last_start_timestamp_seconds", "gauge", "pipeline", "stage"),
          new Family("mlpipe_stage_last_success_timestamp_seconds", "gauge", "pipeline", "stage"),
          new Family("mlpipe_stage_heartbeat_timestamp_seconds", "gauge", "pipeline", "stage"),
          new Family("mlpipe_stage_progress_ratio", "gauge", "pipeline", "stage"),
          new Family("mlpipe_stage_cpu_seconds_total", "counter", "pipeline", "stage"),
          new Family("mlpipe_stage_memory_peak_bytes", "gauge", "pipeline", "stage"),
          new Family("mlpipe_stage_records_total", "counter", "pipeline", "stage", "outcome"),
          new Family("mlpipe_data_missing_values_ratio", "gauge", "pipeline", "stage", "dataset"),
          new Family("mlpipe_data_missing_values_max_ratio", "gauge", "pipeline", "dataset"),
          new Family(
              "mlpipe_data_schema_violations_total",
              "counter",
              "pipeline",
              "stage",
              "dataset",
              "check"),
          new Family("mlpipe_data_newest_record_timestamp_seconds", "gauge", "pipeline", "dataset"),
          new Family("mlpipe_data_drift_score", "gauge", "pipeline", "feature"),
          new Family("mlpipe_data_drift_threshold", "gauge", "pipeline"),
          new Family("mlpipe_training_epoch", "gauge", "pipeline", "model"),
          new Family("mlpipe_training_loss", "gauge", "pipeline", "model", "split"),
          new Family("mlpipe_training_samples_per_second", "gauge", "pipeline", "model"),
          new Family("mlpipe_model_metric", "gauge", "pipeline", "model", "metric", "role"),
          new Family("mlpipe_model_info", "gauge", "pipeline", "model", "version", "role"),
          new Family("mlpipe_model_metric_tolerance", "gauge", "pipeline", "metric"),
          new Family("mlpipe_run_info", "gauge", "pipeline", "stage", "run_id", "host"));
}
