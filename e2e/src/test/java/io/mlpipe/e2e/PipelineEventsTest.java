package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlpipe.testing.AgentProcess;
import io.mlpipe.testing.Http;
import io.mlpipe.testing.PrometheusServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON events API of the packaged agent, as a real Prometheus sees it, and across restarts. */
class PipelineEventsTest {

  @TempDir Path dir;

  static final String CONFIG =
      """
      pipelines:
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
      """;

  static final String EVERY_TYPE =
      """
      [
       {"type":"stage_started","pipeline":"churn","stage":"train","run_id":"r1","host":"gpu1","id":"e1"},
       {"type":"heartbeat","pipeline":"churn","stage":"train","progress":0.5,"id":"e2"},
       {"type":"records","pipeline":"churn","stage":"train","processed":1000,"invalid":3,"id":"e3"},
       {"type":"data_quality","pipeline":"churn","stage":"train","dataset":"customers","missing_values_ratio":0.01,
        "schema_violations":{"not_null":4},"newest_record_time":1767323045,"id":"e4"},
       {"type":"drift","pipeline":"churn","feature":"age","score":0.12,"id":"e5"},
       {"type":"training","pipeline":"churn","model":"xgb","epoch":3,"loss":{"train":0.4,"validation":0.5},
        "samples_per_second":1200,"id":"e6"},
       {"type":"model_metric","pipeline":"churn","model":"xgb","version":"v7","metric":"auc","value":0.91,
        "role":"production","id":"e7"},
       {"type":"stage_finished","pipeline":"churn","stage":"train","run_id":"r1","status":"success",
        "exit_code":0,"cpu_seconds":12.5,"memory_peak_bytes":1048576,"id":"e8"}
      ]
      """;

  /** DESIGN.md's "Pipeline metrics": type, then label names. */
  static final Map<String, String> DOCUMENTED = new LinkedHashMap<>();

  static {
    DOCUMENTED.put("mlpipe_pipeline_info", "gauge pipeline,team,owner");
    DOCUMENTED.put("mlpipe_stage_sla_seconds", "gauge pipeline,stage");
    DOCUMENTED.put("mlpipe_stage_expected_interval_seconds", "gauge pipeline,stage");
    DOCUMENTED.put("mlpipe_stage_runs_total", "counter pipeline,stage,status");
    DOCUMENTED.put("mlpipe_stage_duration_seconds", "histogram pipeline,stage");
    DOCUMENTED.put("mlpipe_stage_running", "gauge pipeline,stage");
    DOCUMENTED.put("mlpipe_stage_last_start_timestamp_seconds", "gauge pipeline,stage");
    DOCUMENTED.put("mlpipe_stage_last_success_timestamp_seconds", "gauge pipeline,stage");
    DOCUMENTED.put("mlpipe_stage_heartbeat_timestamp_seconds", "gauge pipeline,stage");
    DOCUMENTED.put("mlpipe_stage_progress_ratio", "gauge pipeline,stage");
    DOCUMENTED.put("mlpipe_stage_cpu_seconds_total", "counter pipeline,stage");
    DOCUMENTED.put("mlpipe_stage_memory_peak_bytes", "gauge pipeline,stage");
    DOCUMENTED.put("mlpipe_stage_records_total", "counter pipeline,stage,outcome");
    DOCUMENTED.put("mlpipe_data_missing_values_ratio", "gauge pipeline,stage,dataset");
    DOCUMENTED.put("mlpipe_data_missing_values_max_ratio", "gauge pipeline,dataset");
    DOCUMENTED.put("mlpipe_data_schema_violations_total", "counter pipeline,stage,dataset,check");
    DOCUMENTED.put("mlpipe_data_newest_record_timestamp_seconds", "gauge pipeline,dataset");
    DOCUMENTED.put("mlpipe_data_drift_score", "gauge pipeline,feature");
    DOCUMENTED.put("mlpipe_data_drift_threshold", "gauge pipeline");
    DOCUMENTED.put("mlpipe_training_epoch", "gauge pipeline,model");
    DOCUMENTED.put("mlpipe_training_loss", "gauge pipeline,model,split");
    DOCUMENTED.put("mlpipe_training_samples_per_second", "gauge pipeline,model");
    DOCUMENTED.put("mlpipe_model_metric", "gauge pipeline,model,metric,role");
    DOCUMENTED.put("mlpipe_model_info", "gauge pipeline,model,version,role");
    DOCUMENTED.put("mlpipe_model_metric_tolerance", "gauge pipeline,metric");
    DOCUMENTED.put("mlpipe_run_info", "gauge pipeline,stage,run_id,host");
  }

  private AgentProcess start(Path agentDir) throws Exception {
    Path config = dir.resolve("mlpipe.yml");
    Files.writeString(config, CONFIG);
    return AgentProcess.start(agentDir, "--config.file=" + config);
  }

  private static void post(AgentProcess agent, String body) {
    Http.Response r = Http.post(agent.url() + "/api/v1/events", "application/json", body);
    assertThat(r.status()).as(r.body()).isEqualTo(202);
  }

  @Test
  void prometheusSeesEveryEventTypesSeriesWithTheDocumentedTypesAndLabels() throws Exception {
    try (AgentProcess agent = start(dir.resolve("agent"));
        PrometheusServer prom =
            PrometheusServer.builder(dir.resolve("prom"))
                .scrape("mlpipe", agent.hostPort())
                .start()) {
      post(agent, EVERY_TYPE);
      prom.waitUntilUp("mlpipe");
      prom.waitFor("mlpipe_run_info", Duration.ofSeconds(20));
      JsonNode metadata = prom.api("/api/v1/metadata");
      for (Map.Entry<String, String> d : DOCUMENTED.entrySet()) {
        String name = d.getKey();
        String type = d.getValue().substring(0, d.getValue().indexOf(' '));
        JsonNode meta = metadata.path(name);
        if (meta.isMissingNode()) {
          meta = metadata.path(name.replaceAll("_total$", ""));
        }
        assertThat(meta.path(0).path("type").asText()).as("type of " + name).isEqualTo(type);
        List<PrometheusServer.Sample> samples =
            prom.query(type.equals("histogram") ? name + "_count" : name);
        assertThat(samples).as(name).isNotEmpty();
        Set<String> labels = new TreeSet<>(samples.get(0).labels().keySet());
        labels.removeAll(Set.of("__name__", "job", "instance"));
        assertThat(labels)
            .as("labels of " + name)
            .isEqualTo(
                new TreeSet<>(
                    List.of(d.getValue().substring(d.getValue().indexOf(' ') + 1).split(","))));
      }
      assertThat(
              prom.queryValue(
                      "mlpipe_stage_runs_total{pipeline=\"churn\",stage=\"train\",status=\"success\"}")
                  .orElseThrow())
          .isEqualTo(1.0);
      assertThat(
              prom.queryValue(
                      "mlpipe_model_metric{model=\"xgb\",metric=\"auc\",role=\"production\"}"
                          + " - on(pipeline, metric) group_left mlpipe_model_metric_tolerance")
                  .orElseThrow())
          .isCloseTo(0.89, org.assertj.core.data.Offset.offset(1e-9));
    }
  }

  private static Double value(AgentProcess agent, String series) {
    return Http.get(agent.url() + "/metrics")
        .body()
        .lines()
        .filter(l -> l.startsWith(series + " "))
        .map(l -> Double.parseDouble(l.substring(series.length() + 1)))
        .findFirst()
        .orElse(null);
  }

  private static final String RUNS =
      "mlpipe_stage_runs_total{pipeline=\"churn\",stage=\"train\",status=\"success\"}";
  private static final String PROCESSED =
      "mlpipe_stage_records_total{outcome=\"processed\",pipeline=\"churn\",stage=\"train\"}";
  private static final String CPU =
      "mlpipe_stage_cpu_seconds_total{pipeline=\"churn\",stage=\"train\"}";

  private static String finished(String id) {
    return "{\"type\":\"stage_finished\",\"pipeline\":\"churn\",\"stage\":\"train\","
        + "\"status\":\"success\",\"cpu_seconds\":1.5,\"id\":\""
        + id
        + "\"}";
  }

  @Test
  void countersSurviveACleanRestartAndASigkill() throws Exception {
    Path agentDir = dir.resolve("restart");
    AgentProcess agent = start(agentDir);
    post(agent, EVERY_TYPE);
    post(agent, finished("f1"));
    assertThat(value(agent, RUNS)).isEqualTo(2.0);

    agent.close(); // SIGTERM
    agent = start(agentDir);
    assertThat(value(agent, RUNS)).isEqualTo(2.0);
    assertThat(value(agent, PROCESSED)).isEqualTo(1000.0);
    assertThat(value(agent, CPU)).isEqualTo(14.0);
    post(agent, finished("f1")); // a retry after the restart is still a retry
    post(agent, finished("f2"));
    assertThat(value(agent, RUNS)).isEqualTo(3.0);

    agent.process().kill(); // SIGKILL: what was acknowledged is on disk
    agent = start(agentDir);
    try {
      assertThat(value(agent, RUNS)).isEqualTo(3.0);
      assertThat(value(agent, PROCESSED)).isEqualTo(1000.0);
      assertThat(value(agent, CPU)).isEqualTo(15.5);
      assertThat(
              value(
                  agent,
                  "mlpipe_data_schema_violations_total{check=\"not_null\",dataset=\"customers\","
                      + "pipeline=\"churn\",stage=\"train\"}"))
          .isEqualTo(4.0);
      post(agent, finished("f2"));
      assertThat(value(agent, RUNS)).isEqualTo(3.0);
    } finally {
      agent.close();
    }
  }
}
