package io.mlpipe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's HTTP API as the CLI uses it: posting events (NDJSON) and reading pipeline status.
 * Every failure is a value, never an exception, so monitoring can never break a pipeline.
 *
 * <pre>{@code
 * AgentClient agent = new AgentClient("http://127.0.0.1:9478", null, Duration.ofSeconds(2));
 * AgentClient.Reply r = agent.postEvents(ndjsonBytes);
 * if (r.outcome() == AgentClient.Outcome.UNREACHABLE) { spool.append(ndjsonBytes); }
 * }</pre>
 */
final class AgentClient {

  /** What became of a request. */
  enum Outcome {
    /** 2xx. */
    ACCEPTED,
    /** 4xx: the agent looked at it and said no; sending it again will not help. */
    REFUSED,
    /** Connection refused, timeout, or 5xx: try again later. */
    UNREACHABLE
  }

  /** The outcome, the HTTP status (0 without one) and the body or the error's description. */
  record Reply(Outcome outcome, int status, String body) {

    /** The agent's {@code errors} as lines like {@code event 2, field status: must be ...}. */
    List<String> errors() {
      List<String> out = new ArrayList<>();
      try {
        JsonNode errors = Json.MAPPER.readTree(body).path("errors");
        for (JsonNode e : errors) {
          int index = e.path("index").asInt(-1);
          String field = e.path("field").asText("");
          out.add(
              (index >= 0 ? "event " + index : "request")
                  + (field.isEmpty() ? "" : ", field " + field)
                  + ": "
                  + e.path("message").asText());
        }
      } catch (IOException | RuntimeException e) {
        // not our JSON: show it as it is
      }
      if (out.isEmpty()) {
        out.add("HTTP " + status + (body.isBlank() ? "" : ": " + body.strip()));
      }
      return out;
    }
  }

  /** Jackson, loaded only when a reply is read (its start-up is not free). */
  static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  private final String base;
  private final String token;
  private final Duration timeout;
  private final HttpClient http;

  AgentClient(String url, String token, Duration timeout) {
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.token = token == null || token.isBlank() ? null : token;
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  String url() {
    return base;
  }

  /** {@code POST /api/v1/events} with one event per line. */
  Reply postEvents(byte[] ndjson) {
    return send(
        request("/api/v1/events")
            .header("Content-Type", "application/x-ndjson")
            .POST(HttpRequest.BodyPublishers.ofByteArray(ndjson)));
  }

  /** {@code GET /api/v1/pipelines}. */
  Reply pipelines() {
    return send(request("/api/v1/pipelines").GET());
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private Reply send(HttpRequest.Builder b) {
    try {
      HttpResponse<String> r =
          http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      int s = r.statusCode();
      Outcome o =
          s >= 200 && s < 300
              ? Outcome.ACCEPTED
              : s >= 400 && s < 500 ? Outcome.REFUSED : Outcome.UNREACHABLE;
      return new Reply(o, s, r.body() == null ? "" : r.body());
    } catch (IOException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      if (e instanceof java.net.ConnectException) {
        why = "connection refused";
      } else if (e instanceof java.net.http.HttpTimeoutException) {
        why = "timed out after " + timeout.toMillis() + " ms";
      }
      return new Reply(Outcome.UNREACHABLE, 0, why);
    } catch (IllegalArgumentException e) {
      return new Reply(Outcome.UNREACHABLE, 0, "bad agent URL: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Reply(Outcome.UNREACHABLE, 0, "interrupted");
    }
  }
}
