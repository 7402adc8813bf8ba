package io.mlpipe.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.mlpipe.Agent;
import io.mlpipe.AgentOptions;
import io.mlpipe.config.ConfigHolder;
import io.mlpipe.testing.Http;
import io.mlpipe.testing.Wait;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push and events requests are announced to the store by the HTTP server's first handler (before
 * auth, limits and the body), and every way out of such a request settles its announcement: its
 * write queued, refused by auth, a 4xx, a body that never came. The agent's batch linger is made a
 * minute long here, so a request whose announcement stayed open would hold the next commit for that
 * minute, and the first write would hold itself.
 */
class AnnouncedWritesOverHttpTest {

  private static final String TOKEN = "s3cret-write-token";

  @TempDir Path dir;
  private Agent agent;
  private String base;
  private DurableStore store;

  @BeforeEach
  void start() throws Exception {
    String sha =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(TOKEN.getBytes(StandardCharsets.UTF_8)));
    Path config = dir.resolve("mlpipe.yml");
    Files.writeString(
        config,
        """
        limits:
          max_body_bytes: 2000
        auth:
          anonymous: [read]
          tokens:
            - name: writer
              sha256: %s
              scopes: [write, read]
              pipelines: ["*"]
              jobs: ["*"]
        """
            .formatted(sha));
    agent =
        Agent.start(
            AgentOptions.forTest(dir.resolve("data"))
                .withFsync(FsyncMode.batch)
                .withConfig(ConfigHolder.load(config)));
    base = "http://127.0.0.1:" + agent.port();
    store = agent.store();
    store.batchLingerNanos = 60_000_000_000L;
  }

  @AfterEach
  void stop() throws Exception {
    agent.close();
  }

  private Http.Response send(String method, String path, String token, String body) {
    return assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () ->
            Http.send(
                method,
                base + path,
                token == null
                    ? Map.of("Content-Type", "text/plain")
                    : Map.of("Content-Type", "text/plain", "Authorization", "Bearer " + token),
                body.getBytes(StandardCharsets.UTF_8)));
  }

  private void assertSettled(String after) {
    Wait.until(
        "announcements settled after " + after,
        Duration.ofSeconds(10),
        () -> store.expectedWrites() == 0);
  }

  @Test
  void everyWayOutOfAWriteRequestSettlesItsAnnouncement() throws Exception {
    // Accepted: settled when its write is queued, or its own commit would linger for it.
    assertThat(send("PUT", "/metrics/job/a", TOKEN, "g 1\n").status()).isEqualTo(200);
    assertSettled("an accepted push");
    assertThat(send("DELETE", "/metrics/job/a", TOKEN, "").status()).isEqualTo(202);
    assertSettled("a delete");
    assertThat(send("PUT", "/metrics/job/a", null, "g 1\n").status()).isEqualTo(401);
    assertSettled("a push refused by auth");
    assertThat(send("PUT", "/metrics/job/a", TOKEN, "g{ 1\n").status()).isEqualTo(400);
    assertSettled("an unparsable push (its failure time is written)");
    assertThat(send("PUT", "/metrics/job/a", TOKEN, "g 1\n".repeat(1000)).status()).isEqualTo(413);
    assertSettled("a body over the limit");
    assertThat(send("POST", "/api/v1/events", TOKEN, "[{\"type\":").status()).isEqualTo(400);
    assertSettled("unparsable events");
    assertThat(send("POST", "/api/v1/events", TOKEN, "[]").status()).isIn(202, 400);
    assertSettled("an empty events batch");

    // A client that sends half its body and goes away.
    try (Socket socket = new Socket("127.0.0.1", agent.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("PUT /metrics/job/gone HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                  + TOKEN
                  + "\r\nContent-Length: 1000\r\n\r\ng 1\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Wait.until("announced", Duration.ofSeconds(10), () -> store.expectedWrites() == 1);
    }
    assertSettled("a client that went away mid-body");

    // Nothing left announced: a write now commits at once, though the linger is a minute.
    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () ->
            store.write(
                List.of(
                    new Mutation.Replace(
                        new GroupKey(GroupKey.PUSH, LabelSet.of("job", "b")), List.of(), 1, 0))));
    assertThat(send("GET", "/metrics", null, "").status()).isEqualTo(200);
    assertThat(store.expectedWrites()).as("reads are not announced").isZero();
  }
}
