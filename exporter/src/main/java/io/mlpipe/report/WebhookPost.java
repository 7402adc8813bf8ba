package io.mlpipe.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * POSTs a rendered report to a chat tool's incoming webhook. {@code json} sends {@code {"text":
 * "<markdown>"}}, which Slack, Mattermost and Rocket.Chat incoming webhooks all accept; {@code
 * text} sends the Markdown itself as {@code text/markdown} for receivers that take a raw body. The
 * JVM's default trust store verifies an https webhook (chat tools have public certificates).
 */
public final class WebhookPost {

  /** How the body is shaped. */
  public enum Format {
    json,
    text
  }

  /** The webhook could not be reached or did not answer 2xx: its message is one line. */
  public static final class WebhookException extends Exception {
    WebhookException(String message) {
      super(message);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Longest part of a refusing webhook's answer quoted in the error, so it stays one line. */
  private static final int QUOTED = 200;

  private WebhookPost() {}

  /** The JSON body Slack-style incoming webhooks take: {@code {"text": "..."}}. */
  record TextMessage(String text) {}

  /** POSTs {@code markdown} to {@code url}; returns the HTTP status (2xx) or throws. */
  public static int post(String url, Format format, String markdown, Duration timeout)
      throws WebhookException {
    URI uri = parse(url);
    String body;
    String contentType;
    try {
      if (format == Format.json) {
        body = JSON.writeValueAsString(new TextMessage(markdown));
        contentType = "application/json";
      } else {
        body = markdown;
        contentType = "text/markdown; charset=utf-8";
      }
    } catch (JsonProcessingException e) {
      throw new WebhookException("cannot encode the report as JSON: " + e.getMessage());
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
    HttpRequest req =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
    HttpResponse<String> resp;
    try {
      resp = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WebhookException("interrupted while posting to the webhook " + redacted(uri));
    } catch (IOException e) {
      throw new WebhookException(
          "cannot post to the webhook " + redacted(uri) + ": " + why(e, uri, timeout));
    }
    int status = resp.statusCode();
    if (status / 100 != 2) {
      String answer = resp.body().strip().replaceAll("\\s+", " ");
      if (answer.length() > QUOTED) {
        answer = answer.substring(0, QUOTED) + "...";
      }
      throw new WebhookException(
          "the webhook "
              + redacted(uri)
              + " answered HTTP "
              + status
              + (answer.isEmpty() ? "" : ": " + answer));
    }
    return status;
  }

  private static URI parse(String url) throws WebhookException {
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      throw new WebhookException("--webhook-url: not a URL (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new WebhookException("--webhook-url: not an http:// or https:// URL");
    }
    if (uri.getHost() == null) {
      throw new WebhookException("--webhook-url: no host in the URL");
    }
    return uri;
  }

  /**
   * Scheme, host and port only: a webhook URL's path is its secret (Slack's /services/T../B../X..),
   * so it must not reach the CronJob's logs.
   */
  static String redacted(URI uri) {
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
  }

  private static String why(IOException e, URI uri, Duration timeout) {
    if (e instanceof ConnectException || e.getCause() instanceof ConnectException) {
      return "connection refused";
    }
    if (e instanceof HttpTimeoutException) {
      return "no answer within " + timeout.toSeconds() + " s";
    }
    if (e instanceof UnknownHostException || e.getCause() instanceof UnknownHostException) {
      return "unknown host " + uri.getHost();
    }
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.strip().replaceAll("\\s+", " ");
  }
}
