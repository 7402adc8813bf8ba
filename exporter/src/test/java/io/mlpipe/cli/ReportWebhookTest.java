package io.mlpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.mlpipe.testing.FreePort;
import io.mlpipe.testing.PrometheusServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mlpipe report --webhook-url} against a real Prometheus and a webhook receiver on 127.0.0.1
 * (the JDK's HTTP server, which stands for the chat tool and records what it got).
 */
class ReportWebhookTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static PrometheusServer prometheus;

  /** What the receiver got: content type and body of each POST. */
  private record Received(String method, String contentType, String body) {}

  private final List<Received> received = new CopyOnWriteArrayList<>();
  private HttpServer receiver;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void startPrometheus() {
    prometheus = PrometheusServer.builder(dir.resolve("prom")).start();
  }

  @AfterAll
  static void stopPrometheus() throws InterruptedException {
    prometheus.close();
  }

  @AfterEach
  void stopReceiver() {
    if (receiver != null) {
      receiver.stop(0);
    }
  }

  /** A receiver on a free port answering {@code status}; returns its URL with a secret path. */
  private String receiver(int status) throws IOException {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hooks/SECRET",
        ex -> {
          String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          received.add(
              new Received(
                  ex.getRequestMethod(), ex.getRequestHeaders().getFirst("Content-Type"), body));
          byte[] answer = (status / 100 == 2 ? "ok" : "no_text\n").getBytes(StandardCharsets.UTF_8);
          if (status == 204) {
            ex.sendResponseHeaders(status, -1);
          } else {
            ex.sendResponseHeaders(status, answer.length);
            ex.getResponseBody().write(answer);
          }
          ex.close();
        });
    receiver.start();
    return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks/SECRET";
  }

  private int run(String... args) {
    picocli.CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    for (picocli.CommandLine sub : cli.getSubcommands().values()) {
      sub.setOut(new PrintWriter(out, true));
      sub.setErr(new PrintWriter(err, true));
    }
    return cli.execute(args);
  }

  @Test
  void postsTheMarkdownAsSlackStyleJson() throws Exception {
    String url = receiver(200);
    int code =
        run("report", "--prometheus", prometheus.url(), "--since", "1h", "--webhook-url", url);
    assertThat(code).as(err.toString()).isZero();
    assertThat(received).hasSize(1);
    Received r = received.get(0);
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.contentType()).isEqualTo("application/json");
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.size()).isEqualTo(1);
    // The webhook gets the very Markdown that stdout got (the default format is md).
    assertThat(body.path("text").asText()).isEqualTo(out.toString()).startsWith("#");
  }

  @Test
  void textFormatPostsMarkdownEvenWhenStdoutGetsJson() throws Exception {
    String url = receiver(204);
    int code =
        run(
            "report",
            "--prometheus",
            prometheus.url(),
            "--since",
            "1h",
            "--format",
            "json",
            "--webhook-url",
            url,
            "--webhook-format",
            "text");
    assertThat(code).as(err.toString()).isZero();
    assertThat(JSON.readTree(out.toString()).isObject()).isTrue();
    assertThat(received).hasSize(1);
    assertThat(received.get(0).contentType()).startsWith("text/markdown");
    assertThat(received.get(0).body()).startsWith("#").isNotEqualTo(out.toString());
  }

  @Test
  void aRefusingWebhookIsExit1WithOneLineThatHidesTheSecretPath() throws Exception {
    String url = receiver(400);
    int code =
        run("report", "--prometheus", prometheus.url(), "--since", "1h", "--webhook-url", url);
    assertThat(code).isEqualTo(1);
    assertThat(received).hasSize(1);
    List<String> lines = err.toString().lines().toList();
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0))
        .startsWith("mlpipe report: the webhook http://127.0.0.1:")
        .contains("answered HTTP 400: no_text")
        .doesNotContain("SECRET");
  }

  @Test
  void anUnreachableWebhookIsExit1WithOneLine() {
    int port = FreePort.next();
    int code =
        run(
            "report",
            "--prometheus",
            prometheus.url(),
            "--since",
            "1h",
            "--webhook-url",
            "http://127.0.0.1:" + port + "/hooks/SECRET");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString().lines().toList())
        .containsExactly(
            "mlpipe report: cannot post to the webhook http://127.0.0.1:"
                + port
                + ": connection refused");
  }

  @Test
  void aWebhookUrlThatIsNotHttpIsExit1() {
    int code =
        run("report", "--prometheus", prometheus.url(), "--webhook-url", "ftp://127.0.0.1/x");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString().lines().toList())
        .containsExactly("mlpipe report: --webhook-url: not an http:// or https:// URL");
  }
}
