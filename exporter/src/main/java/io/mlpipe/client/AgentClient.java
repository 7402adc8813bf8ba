package io.mlpipe.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's public HTTP API as its clients use it: {@code mlpipe run}, {@code push}, {@code
 * flush} and {@code status} (events, pipeline status), and {@code mlpipe demo} (events and
 * Pushgateway-style pushes). HTTP or HTTPS (the JDK's trust store), with an optional bearer token.
 * Every failure is a value, never an exception, so monitoring can never break a pipeline.
 *
 * <pre>{@code
 * AgentClient agent = new AgentClient("http://127.0.0.1:9478", null, Duration.ofSeconds(2));
 * AgentClient.Reply r = agent.postEvents(EventJson.ndjson(events));
 * if (r.outcome() == AgentClient.Outcome.UNREACHABLE) { spool.append(EventJson.ndjson(events)); }
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
  private final Duration connectTimeout;
  private final Duration timeout;

  /** {@code timeout} bounds both connecting and waiting for the answer. */
  public AgentClient(String url, String token, Duration timeout) {
    this(url, token, timeout, timeout);
  }

  /**
   * @param url the agent's base URL, {@code http://HOST:PORT} or {@code https://HOST:PORT}
   * @param token sent as {@code Authorization: Bearer TOKEN}; null or blank for none
   */
  public AgentClient(String url, String token, Duration connectTimeout, Duration timeout) {
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.token = token == null || token.isBlank() ? null : token;
    this.connectTimeout = connectTimeout;
    this.timeout = timeout;
  }

  /** The same agent with another bearer token (null for none). */
  public AgentClient withToken(String otherToken) {
    return new AgentClient(base, otherToken, connectTimeout, timeout);
  }

  /** The base URL, without a trailing slash. */
  public String url() {
    return base;
  }

  /** {@code POST /api/v1/events} with one event per line (see {@link #ndjson}). */
  public Reply postEvents(byte[] ndjson) {
    return send("POST", "/api/v1/events", "application/x-ndjson", ndjson);
  }

  /** {@code GET /api/v1/pipelines}. */
  public Reply pipelines() {
    return send("GET", "/api/v1/pipelines", null, null);
  }

  /** {@code GET /api/v1/pipelines/NAME}: one pipeline; 404 when the agent knows none by it. */
  public Reply pipeline(String name) {
    return send("GET", "/api/v1/pipelines/" + segment(name), null, null);
  }

  /** {@code DELETE /api/v1/pipelines/NAME}: forget a pipeline's data (admin). */
  public Reply forgetPipeline(String name) {
    return send("DELETE", "/api/v1/pipelines/" + segment(name), null, null);
  }

  /** One URL path segment: percent-encoded, a space as %20 (not the form encoding's +). */
  private static String segment(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
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
        method,
        "/metrics/job/" + groupPath,
        "text/plain; version=0.0.4",
        text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * One request over HttpURLConnection rather than java.net.http.HttpClient: the latter sets up TLS
   * even for http:// URLs, which cost {@code mlpipe run} about 400 classes and 0.2-0.3 s of
   * start-up per wrapped command. Connections are kept alive and reused by the JDK.
   */
  private Reply send(String method, String path, String contentType, byte[] body) {
    HttpURLConnection c = null;
    try {
      c = (HttpURLConnection) URI.create(base + path).toURL().openConnection();
      c.setConnectTimeout(millis(connectTimeout));
      c.setReadTimeout(millis(timeout));
      c.setRequestMethod(method);
      c.setUseCaches(false);
      if (token != null) {
        c.setRequestProperty("Authorization", "Bearer " + token);
      }
      if (body != null) {
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", contentType);
        // Not setFixedLengthStreamingMode: in streaming mode a 401's body is not readable.
        try (OutputStream out = c.getOutputStream()) {
          out.write(body);
        }
      }
      int s = c.getResponseCode();
      InputStream in = s >= 400 ? c.getErrorStream() : c.getInputStream();
      String text = "";
      if (in != null) {
        try (in) {
          text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
      Outcome o =
          s >= 200 && s < 300
              ? Outcome.ACCEPTED
              : s >= 400 && s < 500 ? Outcome.REFUSED : Outcome.UNREACHABLE;
      return new Reply(o, s, text);
    } catch (IOException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      if (e instanceof java.net.ConnectException) {
        why = "connection refused";
      } else if (e instanceof java.net.SocketTimeoutException) {
        why = "timed out after " + timeout.toMillis() + " ms";
      }
      if (c != null) {
        c.disconnect();
      }
      return new Reply(Outcome.UNREACHABLE, 0, why);
    } catch (IllegalArgumentException e) {
      return new Reply(Outcome.UNREACHABLE, 0, "bad agent URL: " + e.getMessage());
    }
  }

  private static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
  }
}
