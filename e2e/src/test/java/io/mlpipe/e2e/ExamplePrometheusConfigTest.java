package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.testing.AgentProcess;
import io.mlpipe.testing.Http;
import io.mlpipe.testing.PrometheusServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shipped Prometheus configurations, run by the real Prometheus with only their addresses
 * rewritten: a series pushed with the Pushgateway API keeps its {@code job} (honor_labels), not
 * {@code exported_job}.
 */
class ExamplePrometheusConfigTest {

  private static final Path ROOT =
      Path.of(System.getProperty("mlpipe.root", "..")).toAbsolutePath().normalize();

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"examples/prometheus.yml", "examples/compose/prometheus.yml"})
  void aPushedSeriesKeepsItsJob(String example) throws Exception {
    try (AgentProcess agent = AgentProcess.start(dir.resolve("agent"))) {
      String shipped = Files.readString(ROOT.resolve(example));
      String rewritten =
          shipped
              .replace("'localhost:9478'", "'" + agent.hostPort() + "'")
              .replace("'agent:9478'", "'" + agent.hostPort() + "'")
              .replace("scrape_interval: 15s", "scrape_interval: 1s")
              .replace("../rules/*.yml", ROOT.resolve("rules") + "/*.yml")
              .replace("/etc/prometheus/rules/*.yml", ROOT.resolve("rules") + "/*.yml");
      assertThat(rewritten).as("addresses rewritten").doesNotContain(":9478");
      Http.Response pushed =
          Http.send(
              "PUT",
              agent.url() + "/metrics/job/nightly-etl/instance/batch-7",
              Map.of(),
              "# TYPE rows_loaded gauge\nrows_loaded 42\n".getBytes());
      assertThat(pushed.status()).isEqualTo(200);
      try (PrometheusServer prom =
          PrometheusServer.builder(dir.resolve("prom")).config(rewritten).start()) {
        List<PrometheusServer.Sample> s = prom.waitFor("rows_loaded", Duration.ofSeconds(60));
        assertThat(s)
            .singleElement()
            .satisfies(
                sample -> {
                  assertThat(sample.labels())
                      .containsEntry("job", "nightly-etl")
                      .containsEntry("instance", "batch-7")
                      .doesNotContainKey("exported_job");
                  assertThat(sample.value()).isEqualTo(42.0);
                });
      }
    }
  }
}
