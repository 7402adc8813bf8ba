package io.mlpipe.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The demo's only way to the agent: its public HTTP APIs ({@code POST /api/v1/events}, {@code PUT
 * /metrics/job/...}), as any pipeline would use them.
 */
final class AgentClient {

  // NaN losses go out as the bare token NaN, which the events API accepts.
  private static final ObjectMapper JSON =
      JsonMapper.builder().disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS).build();

  private final URI base;
  private final String bearerToken;
  private final Consumer<String> log;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  AgentClient(URI base, String bearerToken, Consumer<String> log) {
    String s = base.toString();
    this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    this.bearerToken = bearerToken;
    this.log = log;
  }

  /** Posts events as one JSON array; logs (a few of) the failures and goes on. */
  void events(List<Map<String, Object>> events) {
    if (events.isEmpty()) {
      return;
    }
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(events);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    send("POST", "/api/v1/events", "application/json", body, bearerToken, true);
  }

  /** Replaces a pushed group (Pushgateway API) with {@code text} in the text format. */
  int push(String groupPath, String text) {
    return send(
        "PUT",
        "/metrics/job/" + groupPath,
        "text/plain; version=0.0.4",
        text.getBytes(StandardCharsets.UTF_8),
        bearerToken,
        true);
  }

  /** A push with {@code token} whose refusal is the point: returns the status, logs nothing. */
  int pushWithToken(String groupPath, String text, String token) {
    return send(
        "PUT",
        "/metrics/job/" + groupPath,
        "text/plain; version=0.0.4",
        text.getBytes(StandardCharsets.UTF_8),
        token,
        false);
  }

  long sent() {
    return sent.get();
  }

  long failed() {
    return failed.get();
  }

  private int send(
      String method, String path, String type, byte[] body, String token, boolean logFailures) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", type)
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    sent.incrementAndGet();
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300 && logFailures) {
        fail(method + " " + path + " -> " + r.statusCode() + " " + r.body().strip());
      }
      return r.statusCode();
    } catch (IOException e) {
      if (!logFailures) {
        return -1;
      }
      fail(method + " " + path + " failed: " + e);
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private void fail(String message) {
    long n = failed.incrementAndGet();
    if (n <= 5 || Long.bitCount(n) == 1) {
      log.accept("demo: " + message + " (" + n + " failed requests so far)");
    }
  }
}
