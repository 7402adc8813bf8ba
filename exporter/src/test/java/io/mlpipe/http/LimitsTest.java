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

  @Test
  void aSmallBodyWhoseBytesComeApartIsNotTooSlow() throws Exception {
    // Jetty's own check (average rate from the first byte, no grace) answered this push 408 at the
    // default 1024 B/s: 1 byte, then 3 more 300 ms later, is under 1024 B/s on average.
    int port = start("http:\n  min_request_data_rate: 1024\n");
    String answer =
        paced(
            port,
            "PUT /metrics/job/small HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nx",
            300,
            " 1\n");
    assertThat(answer).startsWith("HTTP/1.1 200");
    assertThat(Http.get("http://127.0.0.1:" + port + "/metrics").body()).contains("x{");
  }

  @Test
  void aBodySlowerThanTheMinimumRateGets408WithTheRateInTheMessage() throws Exception {
    int port = start("http:\n  min_request_data_rate: 1024\n  idle_timeout: 30s\n");
    try (Socket slow = new Socket("127.0.0.1", port)) {
      slow.setSoTimeout(20_000);
      OutputStream out = slow.getOutputStream();
      out.write(
          "PUT /metrics/job/slow HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long t0 = System.nanoTime();
      // one byte every 100 ms: 10 B/s, far under 1024 B/s; the agent must answer within seconds
      // (the grace second plus one read), not after the 30 s idle timeout
      InputStream in = slow.getInputStream();
      StringBuilder answer = new StringBuilder();
      for (int i = 0; i < 150 && in.available() == 0; i++) {
        out.write('#');
        out.flush();
        Thread.sleep(100); // the client's pace, the behaviour under test
      }
      answer.append(new String(in.readAllBytes(), StandardCharsets.US_ASCII)); // Connection: close
      assertThat((System.nanoTime() - t0) / 1e9).isLessThan(10);
      assertThat(answer.toString())
          .startsWith("HTTP/1.1 408")
          .contains("under min_request_data_rate=1024 bytes/s");
    }
    assertThat(Http.get("http://127.0.0.1:" + port + "/metrics").body())
        .doesNotContain("job=\"slow\"");
  }

  /** Sends {@code first}, waits {@code pauseMillis}, sends {@code rest}; the whole answer. */
  private static String paced(int port, String first, long pauseMillis, String rest)
      throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(first.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Thread.sleep(pauseMillis); // the client's pace, the behaviour under test
      out.write(rest.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] buf = new byte[400];
      int n = s.getInputStream().read(buf);
      return new String(buf, 0, Math.max(0, n), StandardCharsets.US_ASCII);
    }
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
