package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.testing.AgentProcess;
import io.mlpipe.testing.Http;
import io.mlpipe.testing.PrometheusServer;
import io.mlpipe.testing.Promtool;
import io.mlpipe.testing.Wait;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged agent, started as a user would, scraped by a real Prometheus. */
class AgentScrapedByPrometheusTest {

  @TempDir static Path dir;
  private static AgentProcess agent;
  private static Path config;

  @BeforeAll
  static void startAgent() throws Exception {
    config = dir.resolve("mlpipe.yml");
    Files.writeString(config, "pipelines:\n  declared:\n    churn: {team: growth}\n");
    agent = AgentProcess.start(dir.resolve("agent"), "--config.file=" + config);
  }

  @AfterAll
  static void stopAgent() throws Exception {
    agent.close();
  }

  @Test
  void prometheusScrapesTheTextFormat() throws Exception {
    try (PrometheusServer prom =
        PrometheusServer.builder(dir.resolve("prom-text"))
            .scrape("mlpipe", agent.hostPort())
            .start()) {
      prom.waitUntilUp("mlpipe");
      List<PrometheusServer.Sample> build =
          prom.waitFor("mlpipe_exporter_build_info", Duration.ofSeconds(15));
      assertThat(build).hasSize(1);
      assertThat(build.get(0).labels()).containsKeys("version", "revision", "java_version");
      assertThat(build.get(0).value()).isEqualTo(1.0);
      assertThat(prom.queryValue("scrape_samples_scraped{job=\"mlpipe\"}").orElseThrow())
          .isGreaterThan(20);
    }
  }

  @Test
  void prometheusScrapesProtobuf() throws Exception {
    try (PrometheusServer prom =
        PrometheusServer.builder(dir.resolve("prom-proto"))
            .scrape("mlpipe", agent.hostPort())
            .protobuf(true)
            .start()) {
      prom.waitUntilUp("mlpipe");
      // A histogram sent in protobuf arrives with its classic buckets intact.
      prom.waitFor(
          "mlpipe_exporter_http_request_duration_seconds_bucket{handler=\"/metrics\",le=\"+Inf\"}",
          Duration.ofSeconds(15));
      assertThat(prom.queryValue("mlpipe_exporter_collector_success{collector=\"jvm\"}"))
          .hasValue(1.0);
    }
  }

  @Test
  void metricsPassPromtool() {
    // Less the one lint promtool also prints for node_exporter's own output: the camelCase kernel
    // field names in node_memory_* and node_netstat_* (MemTotal, Tcp_ActiveOpens, ...), kept for
    // node-mixin.
    assertThat(Promtool.metricProblems(Http.get(agent.url() + "/metrics").body())).isEmpty();
  }

  @Test
  void sighupReloadKeepsTheOldConfigOnABadFile() throws Exception {
    Files.writeString(config, "pipelines:\n  declared: [oops\n");
    agent.process().signal("HUP");
    Wait.until(
        "reload failure to be reported",
        Duration.ofSeconds(10),
        () ->
            Http.get(agent.url() + "/metrics")
                .body()
                .contains("mlpipe_exporter_config_last_reload_successful 0"));
    assertThat(Http.get(agent.url() + "/").body()).contains("team: growth");
    assertThat(agent.process().log()).contains("configuration reload failed");

    Files.writeString(config, "pipelines:\n  declared:\n    fraud: {team: risk}\n");
    agent.process().signal("HUP");
    Wait.until(
        "reload success to be reported",
        Duration.ofSeconds(10),
        () ->
            Http.get(agent.url() + "/metrics")
                .body()
                .contains("mlpipe_exporter_config_last_reload_successful 1"));
    assertThat(Http.get(agent.url() + "/").body()).contains("team: risk");
  }

  @Test
  void badFlagExitsWithUsageError() throws Exception {
    AgentProcess bad = AgentProcess.launch(dir.resolve("bad"), "--no-such-flag");
    assertThat(bad.process().waitFor(30)).isEqualTo(2);
    assertThat(bad.process().log()).contains("Unknown option: '--no-such-flag'");
  }

  @Test
  void badConfigRefusesToStart() throws Exception {
    Path badConfig = dir.resolve("bad.yml");
    Files.writeString(badConfig, "pipelines:\n  requier_declared: true\n");
    AgentProcess bad = AgentProcess.launch(dir.resolve("badconfig"), "--config.file=" + badConfig);
    assertThat(bad.process().waitFor(30)).isEqualTo(1);
    assertThat(bad.process().log())
        .contains(badConfig + ":2:3: pipelines.requier_declared: unknown key");
  }
}
