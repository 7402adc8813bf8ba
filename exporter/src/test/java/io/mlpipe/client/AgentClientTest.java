package io.mlpipe.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.mlpipe.client.AgentClient.Outcome;
import io.mlpipe.client.AgentClient.Reply;
import io.mlpipe.event.Event;
import io.mlpipe.event.EventJson;
import io.mlpipe.event.Payload.Heartbeat;
import io.mlpipe.event.Payload.StageFinished;
import io.mlpipe.event.Payload.Status;
import io.mlpipe.event.Payload.Training;
import io.mlpipe.ingest.EventsParser;
import io.mlpipe.testing.FreePort;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one HTTP client of the agent (CLI and demo), against a stub that records each request. */
class AgentClientTest {

  /** What the stub saw. */
  record Seen(String method, String path, String contentType, String authorization, String body) {}

  private final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
  private volatile int status = 202;
  private volatile String reply = "{}";
  private HttpServer server;
  private String url;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        x -> {
          seen.add(
              new Seen(
                  x.getRequestMethod(),
                  x.getRequestURI().getPath(),
                  x.getRequestHeaders().getFirst("Content-Type"),
                  x.getRequestHeaders().getFirst("Authorization"),
                  new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
          byte[] b = reply.getBytes(StandardCharsets.UTF_8);
          x.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
          x.getResponseBody().write(b);
          x.close();
        });
    server.start();
    url = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private AgentClient client(String token) {
    return new AgentClient(url, token, Duration.ofSeconds(5));
  }

  @Test
  void postsNdjsonEventsWithTheBearerToken() throws Exception {
    AgentClient c = client("s3cret");
    assertThat(c.url()).isEqualTo(url.substring(0, url.length() - 1));
    Reply r =
        c.postEvents(
            EventJson.ndjson(
                List.of(new Event("p", "s", null, null, null, null, new Heartbeat(null)))));
    assertThat(r).isEqualTo(new Reply(Outcome.ACCEPTED, 202, "{}"));
    assertThat(seen.take())
        .isEqualTo(
            new Seen(
                "POST",
                "/api/v1/events",
                "application/x-ndjson",
                "Bearer s3cret",
                "{\"type\":\"heartbeat\",\"pipeline\":\"p\",\"stage\":\"s\"}\n"));
  }

  @Test
  void pushesPutAndPostInTheTextFormatWithNoTokenOrAnother() throws Exception {
    AgentClient c = client(" ");
    status = 200;
    assertThat(c.push("PUT", "demo/instance/h1", "up 1\n").outcome()).isEqualTo(Outcome.ACCEPTED);
    assertThat(seen.take())
        .isEqualTo(
            new Seen(
                "PUT",
                "/metrics/job/demo/instance/h1",
                "text/plain; version=0.0.4",
                null,
                "up 1\n"));
    status = 401;
    reply = "unauthorized";
    Reply r = c.withToken("wrong").push("POST", "demo", "up 1\n");
    assertThat(r).isEqualTo(new Reply(Outcome.REFUSED, 401, "unauthorized"));
    assertThat(seen.take().authorization()).isEqualTo("Bearer wrong");
    assertThat(r.errors()).containsExactly("HTTP 401: unauthorized");
    assertThatThrownBy(() -> c.push("DELETE", "demo", ""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsPipelinesAndTheAgentsErrors() throws Exception {
    reply = "{\"data\":[]}";
    status = 200;
    assertThat(client(null).pipelines()).isEqualTo(new Reply(Outcome.ACCEPTED, 200, reply));
    Seen get = seen.take();
    assertThat(get.method() + " " + get.path()).isEqualTo("GET /api/v1/pipelines");
    assertThat(get.authorization()).isNull();
    status = 400;
    reply =
        "{\"errors\":[{\"index\":2,\"field\":\"status\",\"message\":\"must be success\"},"
            + "{\"index\":-1,\"message\":\"too many\"}]}";
    Reply r = client(null).postEvents(new byte[0]);
    assertThat(r.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(r.errors())
        .containsExactly("event 2, field status: must be success", "request: too many");
  }

  @Test
  void serverErrorsAndNoAgentAreUnreachable() {
    status = 503;
    reply = "recovering";
    assertThat(client(null).pipelines())
        .isEqualTo(new Reply(Outcome.UNREACHABLE, 503, "recovering"));
    AgentClient none =
        new AgentClient("http://127.0.0.1:" + FreePort.next(), null, Duration.ofSeconds(2));
    assertThat(none.pipelines()).isEqualTo(new Reply(Outcome.UNREACHABLE, 0, "connection refused"));
  }

  @Test
  void aSlowAgentTimesOut() {
    server.createContext(
        "/slow",
        x -> {
          try {
            Thread.sleep(3_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          x.close();
        });
    AgentClient c = new AgentClient(url + "slow", null, Duration.ofMillis(200));
    assertThat(c.pipelines())
        .isEqualTo(new Reply(Outcome.UNREACHABLE, 0, "timed out after 200 ms"));
  }

  @Test
  void theClientsNdjsonIsWhatTheEventsApiReads() {
    Map<String, Double> loss = new LinkedHashMap<>();
    loss.put("train", Double.NaN);
    Event e =
        new Event(
            "p \"quoted\" \\ slash",
            null,
            1.7e9,
            null,
            null,
            null,
            new Training("m", 3.0, loss, 12.5));
    byte[] body = EventJson.ndjson(List.of(e, e));
    assertThat(new String(body, StandardCharsets.UTF_8))
        .startsWith("{\"type\":\"training\",\"pipeline\":\"p \\\"quoted\\\" \\\\ slash\",")
        .contains("\"epoch\":3,")
        .contains("{\"train\":NaN}");
    EventsParser.Result r = EventsParser.parse(body, true, 0);
    assertThat(r.problems()).isEmpty();
    assertThat(r.events()).containsExactly(e, e);
    Event error =
        new Event(
            "p",
            "s",
            null,
            null,
            null,
            null,
            new StageFinished(Status.failure, null, null, "a\tb\n\u0001", null, null));
    assertThat(new String(EventJson.ndjson(List.of(error)), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"type\":\"stage_finished\",\"pipeline\":\"p\",\"stage\":\"s\",\"status\":\"failure\","
                + "\"error\":\"a\\tb\\n\\u0001\"}\n");
  }
}
