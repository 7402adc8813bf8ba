package io.mlpipe.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** A small blocking HTTP client for tests. */
public final class Http {

  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Http() {}

  /** Status, headers and body as text. */
  public record Response(int status, java.net.http.HttpHeaders headers, byte[] bytes) {
    public String body() {
      return new String(bytes, StandardCharsets.UTF_8);
    }

    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  public static Response get(String url) {
    return get(url, Map.of());
  }

  public static Response get(String url, Map<String, String> headers) {
    return send("GET", url, headers, null);
  }

  public static Response send(String method, String url, Map<String, String> headers, byte[] body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    try {
      HttpResponse<byte[]> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Response(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(method + " " + url + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static Response post(String url, String contentType, String body) {
    return send(
        "POST", url, Map.of("Content-Type", contentType), body.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The value of the one sample on {@code baseUrl}'s {@code /metrics} whose line starts with {@code
   * series} (its name and labels, as exposed), or null when there is none.
   */
  public static Double sampleValue(String baseUrl, String series) {
    return get(baseUrl + "/metrics")
        .body()
        .lines()
        .filter(l -> l.startsWith(series + " "))
        .map(l -> Double.parseDouble(l.substring(series.length() + 1).strip()))
        .findFirst()
        .orElse(null);
  }

  /** True when {@code url} answers 200 right now. */
  public static boolean isOk(String url) {
    try {
      return get(url).status() == 200;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
