package io.mlpipe.client;

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
import java.util.Map;

/**
 * The agent's public HTTP API as its clients use it: {@code mlpipe run}, {@code push}, {@code
 * flush} and {@code status} (events, pipeline status), and {@code mlpipe demo} (events and
 * Pushgateway-style pushes). HTTP or HTTPS (the JDK's trust store), with an optional bearer token.
 * Every failure is a value, never an exception, so monitoring can never break a pipeline.
 *
 * <pre>{@code
 * AgentClient agent = new AgentClient("http://127.0.0.1:9478", null, Duration.ofSeconds(2));
 * AgentClient.Reply r = agent.postEvents(AgentClient.ndjson(events));
 * if (r.outcome() == AgentClient.Outcome.UNREACHABLE) { spool.append(AgentClient.ndjson(events)); }
 * }</pre>
 */
public final class AgentClient {

  /** What became of a request. */
  public enum Outcome {
    /** 2xx. */
    ACCEPTED,
    /** 4xx: the agent looked at it and said no; sending it again will not help. */
    REFUSED,
    /** Connection refused, timeout, or 5xx: try again later. */
    UNREACHABLE
  }

  /** The outcome, the HTTP status (0 without one) and the body or the error's description. */
  public record Reply(Outcome outcome, int status, String body) {

    /** The agent's {@code errors} as lines like {@code event 2, field status: must be ...}. */
    public List<String> errors() {
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
  public static final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}
  }

  private final String base;
  private final String token;
  private final Duration timeout;
  private final HttpClient http;

  /** {@code timeout} bounds both connecting and the whole request. */
  public AgentClient(String url, String token, Duration timeout) {
    this(url, token, timeout, timeout);
  }

  /**
   * @param url the agent's base URL, {@code http://HOST:PORT} or {@code https://HOST:PORT}
   * @param token sent as {@code Authorization: Bearer TOKEN}; null or blank for none
   */
  public AgentClient(String url, String token, Duration connectTimeout, Duration timeout) {
    this(
        url.endsWith("/") ? url.substring(0, url.length() - 1) : url,
        token,
        timeout,
        HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .version(HttpClient.Version.HTTP_1_1)
            .build());
  }

  private AgentClient(String base, String token, Duration timeout, HttpClient http) {
    this.base = base;
    this.token = token == null || token.isBlank() ? null : token;
    this.timeout = timeout;
    this.http = http;
  }

  /** The same agent with another bearer token (null for none), sharing the connections. */
  public AgentClient withToken(String otherToken) {
    return new AgentClient(base, otherToken, timeout, http);
  }

  /** The base URL, without a trailing slash. */
  public String url() {
    return base;
  }

  /** {@code POST /api/v1/events} with one event per line (see {@link #ndjson}). */
  public Reply postEvents(byte[] ndjson) {
    return send(
        request("/api/v1/events")
            .header("Content-Type", "application/x-ndjson")
            .POST(HttpRequest.BodyPublishers.ofByteArray(ndjson)));
  }

  /** {@code GET /api/v1/pipelines}. */
  public Reply pipelines() {
    return send(request("/api/v1/pipelines").GET());
  }

  /**
   * A Pushgateway-style push of {@code text} (the text format) to {@code /metrics/job/GROUPPATH}:
   * {@code PUT} replaces the group, {@code POST} only the metrics it names.
   */
  public Reply push(String method, String groupPath, String text) {
    if (!method.equals("PUT") && !method.equals("POST")) {
      throw new IllegalArgumentException("a push is a PUT or a POST, not " + method);
    }
    return send(
        request("/metrics/job/" + groupPath)
            .header("Content-Type", "text/plain; version=0.0.4")
            .method(method, HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8)));
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

  /**
   * One JSON object per line. Written by hand (flat maps of strings, numbers and maps) rather than
   * with Jackson, whose start-up would add to every wrapped command; NaN stays a bare NaN token, as
   * the events API reads it (a training loss can be NaN).
   */
  public static byte[] ndjson(List<Map<String, Object>> events) {
    StringBuilder b = new StringBuilder();
    for (Map<String, Object> e : events) {
      json(b, e);
      b.append('\n');
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void json(StringBuilder b, Object v) {
    if (v instanceof Map<?, ?> m) {
      b.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> x : m.entrySet()) {
        if (!first) {
          b.append(',');
        }
        first = false;
        string(b, String.valueOf(x.getKey()));
        b.append(':');
        json(b, x.getValue());
      }
      b.append('}');
    } else if (v instanceof Double d) {
      if (d.isNaN()) {
        b.append("NaN");
      } else if (d.isInfinite()) {
        b.append(d > 0 ? "Infinity" : "-Infinity");
      } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
        b.append((long) (double) d);
      } else {
        b.append(d);
      }
    } else if (v instanceof Number || v instanceof Boolean) {
      b.append(v);
    } else if (v == null) {
      b.append("null");
    } else {
      string(b, v.toString());
    }
  }

  private static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
