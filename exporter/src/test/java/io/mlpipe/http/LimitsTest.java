package io.mlpipe.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.Agent;
import io.mlpipe.AgentOptions;
import io.mlpipe.config.ConfigHolder;
import io.mlpipe.testing.Http;
import io.mlpipe.testing.Wait;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code http:} limits: header size, slow clients, concurrent requests. */
class LimitsTest {

  @TempDir Path dir;
  private Agent agent;

  @AfterEach
  void stop() throws Exception {
    if (agent != null) {
      agent.close();
    }
  }

  private int start(String config) throws Exception {
    Path file = dir.resolve("mlpipe.yml");
    Files.writeString(file, config);
    agent =
        Agent.start(AgentOptions.forTest(dir.resolve("data")).withConfig(ConfigHolder.load(file)));
    return agent.port();
  }

  @Test
  void oversizedHeadersGet431() throws Exception {
    int port = start("http:\n  max_request_header_bytes: 2048\n");
    Http.Response r =
        Http.get("http://127.0.0.1:" + port + "/metrics", Map.of("X-Big", "a".repeat(4000)));
    assertThat(r.status()).isEqualTo(431);
    assertThat(Http.get("http://127.0.0.1:" + port + "/-/healthy").status()).isEqualTo(200);
  }

  @Test
  void aSlowClientIsCutOffAndHoldsNoSlotMeanwhileOthersGet503() throws Exception {
    int port = start("http:\n  max_concurrent_requests: 1\n  idle_timeout: 2s\n");
    try (Socket slow = new Socket("127.0.0.1", port)) {
      OutputStream out = slow.getOutputStream();
      // headers promise a body that never comes: the request holds the only slot
      out.write(
          ("PUT /metrics/job/slow HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nx 1")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // Only once the slow request holds the slot (seen in-process, without a request that could
      // take the slot first and get the slow one refused) does a GET meet the limit.
      Wait.until(
          "the slow request holds the only slot",
          Duration.ofSeconds(10),
          () -> inFlight() == 1,
          () -> "in flight: " + inFlight());
      Http.Response busy = Http.get("http://127.0.0.1:" + port + "/metrics");
      assertThat(busy.status()).isEqualTo(503);
      assertThat(busy.header("Retry-After")).isEqualTo("1");
      // the idle timeout ends the slow request; its slot is free again
      slow.setSoTimeout(10_000);
      long t0 = System.nanoTime();
      InputStream in = slow.getInputStream();
      byte[] answer = in.readAllBytes();
      assertThat((System.nanoTime() - t0) / 1e9).isLessThan(8);
      assertThat(new String(answer, StandardCharsets.US_ASCII)).doesNotContain(" 200 ");
    }
    assertThat(Http.get("http://127.0.0.1:" + port + "/metrics").status()).isEqualTo(200);
    assertThat(Http.get("http://127.0.0.1:" + port + "/metrics").body())
        .contains("mlpipe_exporter_http_requests_limited_total{reason=\"concurrency\"} 1.0");
  }

  /** {@code mlpipe_exporter_http_requests_in_flight}, read from the agent's registry. */
  private double inFlight() {
    return ((GaugeSnapshot)
            agent.registry().scrape("mlpipe_exporter_http_requests_in_flight"::equals).stream()
                .findFirst()
                .orElseThrow())
        .getDataPoints()
        .get(0)
        .getValue();
  }
}
