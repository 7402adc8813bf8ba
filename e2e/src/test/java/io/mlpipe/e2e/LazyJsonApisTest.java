package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.testing.AgentProcess;
import io.mlpipe.testing.Http;
import io.mlpipe.testing.Wait;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent that is only scraped (and probed) does not load Jackson's databind: the JSON APIs and
 * the audit log build their ObjectMapper on their first use (LazyServlet, AuditLog's holder), so an
 * idle node does not hold ~400 classes it never uses. The APIs still answer from their first call.
 * A real agent process (the packaged jar, hence in e2e), its class loading logged by the JVM.
 */
class LazyJsonApisTest {

  private static final String MAPPER = "com.fasterxml.jackson.databind.ObjectMapper ";

  @TempDir Path dir;

  @Test
  void aScrapedAgentLoadsNoJacksonDatabindUntilAJsonApiIsCalled() throws Exception {
    Path classes = dir.resolve("classes.log");
    try (AgentProcess agent =
        AgentProcess.launchExactly(
            dir,
            0,
            List.of(
                "serve",
                "--web.listen-address=127.0.0.1:0",
                "--storage.path=" + dir.resolve("data"),
                "--audit.path=" + dir.resolve("audit.log")),
            Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + classes))) {
      agent.waitReady();
      for (int i = 0; i < 5; i++) {
        assertThat(Http.get(agent.url() + "/metrics").status()).isEqualTo(200);
      }
      assertThat(Http.get(agent.url() + "/-/healthy").status()).isEqualTo(200);
      assertThat(read(classes)).contains("io.mlpipe.Agent ").doesNotContain(MAPPER);

      Http.Response status = Http.get(agent.url() + "/api/v1/status");
      assertThat(status.status()).isEqualTo(200);
      assertThat(status.body()).startsWith("{\"status\":\"success\"");
      Http.Response event =
          Http.post(
              agent.url() + "/api/v1/events",
              "application/json",
              "{\"type\":\"records\",\"pipeline\":\"p\",\"stage\":\"s\",\"processed\":1}");
      assertThat(event.status()).as(event.body()).isBetween(200, 299);
      assertThat(Http.get(agent.url() + "/api/v1/pipelines").status()).isEqualTo(200);
      Wait.until(
          "ObjectMapper in " + classes,
          Duration.ofSeconds(10),
          () -> read(classes).contains(MAPPER));
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
