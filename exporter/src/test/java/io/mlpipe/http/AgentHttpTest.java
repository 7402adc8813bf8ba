package io.mlpipe.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.Agent;
import io.mlpipe.AgentOptions;
import io.mlpipe.config.ConfigHolder;
import io.mlpipe.testing.Http;
import io.mlpipe.testing.Promtool;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentHttpTest {

  @TempDir Path dir;
  private Path configFile;
  private Agent agent;
  private String base;

  @BeforeEach
  void start() throws Exception {
    configFile = dir.resolve("mlpipe.yml");
    Files.writeString(configFile, "pipelines:\n  declared:\n    churn: {team: growth}\n");
    agent =
        Agent.start(
            AgentOptions.forTest(dir.resolve("data")).withConfig(ConfigHolder.load(configFile)));
    base = "http://127.0.0.1:" + agent.port();
  }

  @AfterEach
  void stop() throws Exception {
    agent.close();
  }

  private String metrics() {
    return Http.get(base + "/metrics").body();
  }

  @Test
  void metricsInTextFormatPassPromtool() {
    Http.Response r = Http.get(base + "/metrics");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("text/plain; version=0.0.4");
    assertThat(r.body())
        .contains("mlpipe_exporter_build_info{java_version=\"" + System.getProperty("java.version"))
        .contains("mlpipe_exporter_collector_success{collector=\"jvm\"} 1")
        .contains("mlpipe_exporter_config_last_reload_successful 1")
        .contains("jvm_memory_used_bytes");
    // Clean except the lint promtool also prints for node_exporter (camelCase node_memory_*).
    assertThat(Promtool.metricProblems(r.body())).isEmpty();
  }

  @Test
  void openMetricsOnRequest() {
    Http.Response r =
        Http.get(
            base + "/metrics", Map.of("Accept", "application/openmetrics-text; version=1.0.0"));
    assertThat(r.header("Content-Type")).startsWith("application/openmetrics-text; version=1.0.0");
    assertThat(r.body()).contains("# TYPE mlpipe_exporter_build_info gauge").endsWith("# EOF\n");
  }

  @Test
  void protobufOnRequest() throws Exception {
    Http.Response r =
        Http.get(
            base + "/metrics",
            Map.of(
                "Accept",
                "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited"));
    assertThat(r.header("Content-Type")).contains("application/vnd.google.protobuf");
    List<String> names = new ArrayList<>();
    InputStream in = new ByteArrayInputStream(r.bytes());
    Metrics.MetricFamily family;
    while ((family = Metrics.MetricFamily.parseDelimitedFrom(in)) != null) {
      names.add(family.getName());
    }
    assertThat(names).contains("mlpipe_exporter_build_info", "mlpipe_exporter_collector_success");
  }

  @Test
  void gzipWhenAsked() throws Exception {
    Http.Response r = Http.get(base + "/metrics", Map.of("Accept-Encoding", "gzip"));
    assertThat(r.header("Content-Encoding")).isEqualTo("gzip");
    String text =
        new String(
            new GZIPInputStream(new ByteArrayInputStream(r.bytes())).readAllBytes(),
            StandardCharsets.UTF_8);
    assertThat(text).contains("mlpipe_exporter_build_info");
  }

  @Test
  void nameFilter() {
    String body =
        Http.get(
                base
                    + "/metrics?name[]=mlpipe_exporter_build_info&name[]=mlpipe_exporter_collector_success")
            .body();
    assertThat(body).contains("mlpipe_exporter_build_info{", "mlpipe_exporter_collector_success{");
    assertThat(body).doesNotContain("jvm_", "mlpipe_exporter_collector_duration_seconds");
  }

  @Test
  void unknownPathIs404InPlainText() {
    Http.Response r = Http.get(base + "/nope");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.header("Content-Type")).startsWith("text/plain");
    assertThat(r.body()).isEqualTo("404 page not found: /nope\n");
    // Below /metrics is the push API: GET there is a wrong method, not an unknown path.
    assertThat(Http.get(base + "/metrics/extra").status()).isEqualTo(405);
  }

  @Test
  void wrongMethodIs405WithAllow() {
    Http.Response r = Http.send("DELETE", base + "/-/healthy", Map.of(), null);
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.header("Allow")).isEqualTo("GET, HEAD");
    assertThat(r.header("Content-Type")).startsWith("text/plain");
    assertThat(Http.get(base + "/-/reload").status()).isEqualTo(405);
  }

  @Test
  void healthAndReadiness() {
    assertThat(Http.get(base + "/-/healthy").body()).isEqualTo("mlpipe is Healthy.\n");
    assertThat(Http.get(base + "/-/ready").status()).isEqualTo(200);
    assertThat(agent.isReady()).isTrue();
  }

  @Test
  void landingPageShowsVersionLinksCollectorsAndConfig() {
    Http.Response r = Http.get(base + "/");
    assertThat(r.header("Content-Type")).startsWith("text/html");
    assertThat(r.body())
        .contains("<title>mlpipe agent</title>")
        .contains("href=\"/metrics\"")
        .contains("<td>jvm</td><td class=\"on\">enabled</td>")
        .contains("team: growth")
        .contains(configFile.toString());
  }

  @Test
  void reloadWithoutAConfigFileIs400WithTheReason() throws Exception {
    try (Agent defaults = Agent.start(AgentOptions.forTest(dir.resolve("defaults")))) {
      Http.Response r =
          Http.send(
              "POST", "http://127.0.0.1:" + defaults.port() + "/-/reload", Map.of(), new byte[0]);
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.body()).contains("started without --config.file");
    }
  }

  @Test
  void reloadSwapsInAGoodConfig() throws Exception {
    Files.writeString(configFile, "pipelines:\n  declared:\n    fraud: {team: risk}\n");
    Http.Response r = Http.send("POST", base + "/-/reload", Map.of(), new byte[0]);
    assertThat(r.status()).isEqualTo(200);
    assertThat(agent.config().get().pipelines().declared()).containsOnlyKeys("fraud");
  }

  @Test
  void reloadKeepsTheOldConfigOnABadFile() throws Exception {
    Files.writeString(configFile, "pipelines:\n  declared:\n    fraud: {team: [risk]}\n");
    Http.Response r = Http.send("POST", base + "/-/reload", Map.of(), new byte[0]);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body())
        .contains(configFile + ":3:19: pipelines.declared.fraud.team: must be a string");
    assertThat(agent.config().get().pipelines().declared()).containsOnlyKeys("churn");
    assertThat(metrics()).contains("mlpipe_exporter_config_last_reload_successful 0");

    Files.writeString(configFile, "pipelines: {}\n");
    assertThat(Http.send("PUT", base + "/-/reload", Map.of(), new byte[0]).status()).isEqualTo(200);
    assertThat(metrics()).contains("mlpipe_exporter_config_last_reload_successful 1");
  }

  @Test
  void requestsAreCountedByHandlerAndCode() {
    Http.get(base + "/nope");
    Http.get(base + "/-/healthy");
    assertThat(metrics())
        .contains(
            "mlpipe_exporter_http_requests_total{code=\"404\",handler=\"unmatched\",method=\"GET\"} 1")
        .contains(
            "mlpipe_exporter_http_requests_total{code=\"200\",handler=\"/-/healthy\",method=\"GET\"} 1")
        .contains("mlpipe_exporter_http_request_duration_seconds_count{handler=\"/-/healthy\"} 1");
  }
}
