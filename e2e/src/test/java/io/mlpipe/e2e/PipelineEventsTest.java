package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlpipe.testing.AgentProcess;
import io.mlpipe.testing.Http;
import io.mlpipe.testing.PipelineEventFixtures;
import io.mlpipe.testing.PrometheusServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON events API of the packaged agent, as a real Prometheus sees it, and across restarts. */
class PipelineEventsTest {

  @TempDir Path dir;

  private AgentProcess start(Path agentDir) throws Exception {
    Path config = dir.resolve("mlpipe.yml");
    Files.writeString(config, PipelineEventFixtures.config());
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
      post(agent, PipelineEventFixtures.EVERY_TYPE);
      prom.waitUntilUp("mlpipe");
      prom.waitFor("mlpipe_run_info", Duration.ofSeconds(20));
      JsonNode metadata = prom.api("/api/v1/metadata");
      for (PipelineEventFixtures.Family d : PipelineEventFixtures.DOCUMENTED) {
        String name = d.name();
        String type = d.type();
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
        assertThat(labels).as("labels of " + name).isEqualTo(d.labels());
      }
      assertThat(
              prom.queryValue(
                      "mlpipe_stage_runs_total{pipeline=\"churn\",stage=\"train\",status=\"success\"}")
                  .orElseThrow())
          .isEqualTo(1.0);
      assertThat(
              prom.queryValue(
                      "mlpipe_model_metric{model=\"xgb\",metric=\"auc\",role=\"candidate\"}"
                          + " - on(pipeline, metric) group_left mlpipe_model_metric_tolerance")
                  .orElseThrow())
          .isCloseTo(0.89, org.assertj.core.data.Offset.offset(1e-9));
    }
  }

  private static Double value(AgentProcess agent, String series) {
    return Http.sampleValue(agent.url(), series);
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
    post(agent, PipelineEventFixtures.EVERY_TYPE);
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
