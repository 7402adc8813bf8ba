package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlpipe.testing.AgentProcess;
import io.mlpipe.testing.Http;
import io.mlpipe.testing.PrometheusServer;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's python3-prometheus-client pushing to the agent with push_to_gateway, pushadd_to_gateway
 * and delete_from_gateway, as a pipeline step written in Python does.
 */
class PythonClientPushTest {

  private static final String PYTHON = "/usr/bin/python3";

  @TempDir static Path dir;
  private static AgentProcess agent;

  @BeforeAll
  static void startAgent() {
    agent = AgentProcess.start(dir.resolve("agent"));
  }

  @AfterAll
  static void stopAgent() throws Exception {
    agent.close();
  }

  /** Runs push_client.py; fails the test with its output when it exits non-zero. */
  private static void python(String... args) throws IOException, InterruptedException {
    Path script;
    try {
      script = Path.of(PythonClientPushTest.class.getResource("/python/push_client.py").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    List<String> cmd = new java.util.ArrayList<>(List.of(PYTHON, script.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("python did not finish: " + cmd);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("exit of %s, output:%n%s", cmd, out).isZero();
  }

  @Test
  void pushPushaddDeleteWithASlashInTheGroupingKey() throws Exception {
    // prometheus_client sends the value containing '/' as path@base64/L2RhdGEvdHJhaW4=
    String key = "{\"instance\": \"node-1\", \"dataset\": \"/data/train\"}";
    python("push", agent.hostPort(), "py-train", key, "full");
    ExposedSeries s = ExposedSeries.scrape(agent.url()).ofJob("py-train");
    String labels = "dataset=\"/data/train\",instance=\"node-1\",job=\"py-train\"";
    assertThat(s.series())
        .containsEntry("train_runs_total{" + labels + ",status=\"ok\"}", "3.0")
        .containsEntry("train_loss{" + labels + "}", "0.25")
        .containsEntry("train_step_seconds_bucket{" + labels + ",le=\"0.5\"}", "1.0")
        .containsEntry("train_step_seconds_bucket{" + labels + ",le=\"1.0\"}", "2.0")
        .containsEntry("train_step_seconds_bucket{" + labels + ",le=\"5.0\"}", "3.0")
        .containsEntry("train_step_seconds_bucket{" + labels + ",le=\"+Inf\"}", "3.0")
        .containsEntry("train_step_seconds_sum{" + labels + "}", "4.0")
        .containsEntry("train_step_seconds_count{" + labels + "}", "3.0")
        .containsEntry("train_batch_bytes_sum{" + labels + "}", "6.0")
        .containsEntry("train_batch_bytes_count{" + labels + "}", "2.0")
        .containsEntry("push_time_seconds{" + labels + "}", "set")
        .containsEntry("push_failure_time_seconds{" + labels + "}", "0")
        // the client's _created series arrive as gauges of their own
        .containsKey("train_runs_created{" + labels + ",status=\"ok\"}");
    assertThat(s.types())
        .containsEntry("train_runs_total", io.mlpipe.store.MetricType.COUNTER)
        .containsEntry("train_step_seconds", io.mlpipe.store.MetricType.HISTOGRAM)
        .containsEntry("train_batch_bytes", io.mlpipe.store.MetricType.SUMMARY);

    // pushadd keeps what is there and adds its own families
    python("pushadd", agent.hostPort(), "py-train", key, "extra");
    s = ExposedSeries.scrape(agent.url()).ofJob("py-train");
    assertThat(s.series())
        .containsEntry("train_extra{" + labels + "}", "7.0")
        .containsEntry("train_loss{" + labels + "}", "0.25");

    // push replaces the whole group
    python("push", agent.hostPort(), "py-train", key, "extra");
    s = ExposedSeries.scrape(agent.url()).ofJob("py-train");
    assertThat(s.series()).containsKey("train_extra{" + labels + "}");
    assertThat(s.series().keySet()).noneMatch(k -> k.startsWith("train_loss"));

    python("delete", agent.hostPort(), "py-train", key);
    assertThat(ExposedSeries.scrape(agent.url()).ofJob("py-train").series()).isEmpty();
  }

  @Test
  void aGroupingKeyNamingAPipelineAndStageShowsUnderThatPipeline() throws Exception {
    String key = "{\"pipeline\": \"churn\", \"stage\": \"train\"}";
    python("push", agent.hostPort(), "py-churn", key, "full");
    JsonNode p =
        new ObjectMapper()
            .readTree(Http.get(agent.url() + "/api/v1/pipelines/churn").body())
            .path("data");
    JsonNode g = p.path("pushed").path(0);
    assertThat(g.path("grouping_key").toString())
        .isEqualTo("{\"job\":\"py-churn\",\"pipeline\":\"churn\",\"stage\":\"train\"}");
    assertThat(g.path("stage").asText()).isEqualTo("train");
    assertThat(g.path("last_push").asDouble())
        .isCloseTo(System.currentTimeMillis() / 1000.0, org.assertj.core.data.Offset.offset(60.0));
    assertThat(g.has("last_push_failure")).isFalse();
    assertThat(g.path("families").toString()).contains("train_loss", "train_runs_total");
    assertThat(Http.get(agent.url() + "/pipelines").body())
        .contains("job=py-churn, pipeline=churn, stage=train")
        .contains("train_loss");
    Cli.Result status =
        Cli.run(
            java.util.Map.of("MLPIPE_AGENT", agent.url()), null, "status", "--pipeline", "churn");
    assertThat(status.exitCode()).as(status.toString()).isZero();
    assertThat(status.stdout())
        .contains("churn pushed {job=py-churn,pipeline=churn,stage=train}: last push")
        .contains("train_loss");

    // A refused push is shown as the group's failure.
    Http.Response refused =
        Http.send(
            "PUT",
            agent.url() + "/metrics/job/py-churn/pipeline/churn/stage/train",
            java.util.Map.of(),
            "x 1\nx 2\n".getBytes(StandardCharsets.UTF_8));
    assertThat(refused.status()).isEqualTo(400);
    JsonNode after =
        new ObjectMapper()
            .readTree(Http.get(agent.url() + "/api/v1/pipelines/churn").body())
            .path("data")
            .path("pushed")
            .path(0);
    assertThat(after.path("last_push_failure").asDouble()).isPositive();
  }

  @Test
  void prometheusScrapesPythonPushesWithHonorLabels() throws Exception {
    python("push", agent.hostPort(), "py-eval", "{\"path\": \"/models/v2\"}", "full");
    try (PrometheusServer prom =
        PrometheusServer.builder(dir.resolve("prom"))
            .scrape("mlpipe", agent.hostPort())
            .jobExtra("mlpipe", "    honor_labels: true")
            .start()) {
      prom.waitUntilUp("mlpipe");
      List<PrometheusServer.Sample> runs =
          prom.waitFor(
              "train_runs_total{job=\"py-eval\",path=\"/models/v2\"}", Duration.ofSeconds(15));
      assertThat(runs).hasSize(1);
      assertThat(runs.get(0).value()).isEqualTo(3.0);
      // honor_labels keeps the pushed (empty) instance, and Prometheus drops empty labels
      assertThat(runs.get(0).labels()).containsEntry("status", "ok").doesNotContainKey("instance");
      assertThat(
              prom.queryValue("histogram_quantile(1, train_step_seconds_bucket{job=\"py-eval\"})")
                  .orElseThrow())
          .isEqualTo(5.0);
    }
  }
}
