package io.mlpipe.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlpipe.cli.Main;
import io.mlpipe.testing.AgentProcess;
import io.mlpipe.testing.FreePort;
import io.mlpipe.testing.TestCa;
import io.mlpipe.testing.Wait;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rendered DaemonSet really runs: its container's args and env start the real agent jar, with
 * the host's /proc, /sys and / in place of /host/..., and its ConfigMap and Secret as files, until
 * the rendered readiness probe passes, after {@code mlpipe check-config} passed the same files. A
 * flag the chart passes that the agent does not take, or a config it refuses, fails here.
 */
class RenderedDaemonSetRunsTest {

  /** What the existing Secret of the existing-secret value set holds. */
  private static final Map<String, String> EXISTING_SECRET =
      Map.of(
          "web.yml",
          "http_server_config:\n  headers:\n    X-Frame-Options: deny\n",
          "tokens.yml",
          "tokens:\n  - name: ci\n    sha256: "
              + "32027d5ede75cea8e4661a0e48fb36c04972af0ac656933d348a6cf4fcd74133\n"
              + "    scopes: [read, write]\n    pipelines: ['*']\n    jobs: ['*']\n");

  private static final String GROWTH_TOKEN = "growth-token";

  static List<String> valueSets() {
    return Chart.valueSets();
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void theRenderedContainerPassesCheckConfigAndStartsTheAgentUntilReady(
      String set, @TempDir Path dir) throws Exception {
    PodOnThisMachine pod = layout(set, dir);
    checkConfig(pod);
    try (Running agent = start(pod, dir)) {
      assertThat(agent.probe("/livenessProbe").statusCode()).isEqualTo(200);
      HttpResponse<String> metrics = agent.get("/metrics", Map.of());
      if (set.equals("existing-secret")) {
        // its tokens turn auth on and give no anonymous read
        assertThat(metrics.statusCode()).isEqualTo(401);
      } else {
        assertThat(metrics.statusCode()).isEqualTo(200);
        // the host's figures through the mapped --path.procfs/sysfs/rootfs
        assertThat(metrics.body())
            .contains("node_cpu_seconds_total", "node_filesystem_avail_bytes");
      }
      if (set.equals("auth")) {
        pushesNeedTheChartsTokens(agent);
      }
    }
  }

  /** The tokens reach the agent through the Secret and the tokens_file the config names. */
  private static void pushesNeedTheChartsTokens(Running agent) {
    String body = "churn_rows 1\n";
    assertThat(agent.push("/metrics/job/churn-ingest", body, null).statusCode()).isEqualTo(401);
    assertThat(agent.push("/metrics/job/churn-ingest", body, GROWTH_TOKEN).statusCode())
        .isEqualTo(200);
    assertThat(agent.push("/metrics/job/recsys-ingest", body, GROWTH_TOKEN).statusCode())
        .isEqualTo(403);
    assertThat(agent.get("/metrics", Map.of()).body()).contains("churn_rows");
  }

  /** {@code mlpipe check-config} (in this JVM) on the config and web config the pod gets. */
  private static void checkConfig(PodOnThisMachine pod) {
    List<String> args = new ArrayList<>();
    args.add("check-config");
    args.add(pod.argPath("--config.file").toString());
    Path web = pod.argPath("--web.config.file");
    if (web != null) {
      args.add("--web.config.file=" + web);
    }
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int status;
    try (PrintStream to = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      System.setOut(to);
      System.setErr(to);
      status = Main.run(args.toArray(String[]::new));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    String said = captured.toString(StandardCharsets.UTF_8);
    assertThat(status).as(said).isZero();
    assertThat(said).contains("SUCCESS").doesNotContain("FAILED");
  }

  private static PodOnThisMachine layout(String set, Path dir) throws IOException {
    Path root = dir.resolve("root");
    Map<String, Map<String, String>> external = Map.of("mlpipe-auth", EXISTING_SECRET);
    if (set.equals("tls")) {
      Path tls = Files.createDirectories(dir.resolve("tls"));
      TestCa.Issued server = TestCa.create("mlpipe-helm-test").server(tls, "server");
      external =
          Map.of(
              "mlpipe-tls",
              Map.of(
                  "tls.crt", Files.readString(server.cert()),
                  "tls.key", Files.readString(server.key())));
    }
    return new PodOnThisMachine(Chart.template(set), root, external);
  }

  private static Running start(PodOnThisMachine pod, Path dir) throws InterruptedException {
    int port = FreePort.next();
    AgentProcess agent =
        AgentProcess.launchExactly(dir.resolve("run"), port, pod.args(port), pod.env());
    Running running = new Running(pod, agent, port);
    try {
      Wait.until(
          "the rendered readiness probe on port " + port,
          Duration.ofSeconds(60),
          () -> {
            if (!agent.process().isAlive()) {
              throw new AssertionError(
                  "the agent exited:\n"
                      + agent.process().logTail(40)
                      + "\nargs: "
                      + pod.args(port));
            }
            return running.probe("/readinessProbe").statusCode() == 200;
          });
    } catch (RuntimeException | AssertionError e) {
      running.close();
      throw e;
    }
    return running;
  }

  /** The agent of the pod, reached as the kubelet's probes and the pipeline pods would. */
  private record Running(PodOnThisMachine pod, AgentProcess agent, int port)
      implements AutoCloseable {

    String base() {
      String scheme = pod.container.at("/readinessProbe/httpGet/scheme").asText("HTTP");
      return scheme.toLowerCase(java.util.Locale.ROOT) + "://127.0.0.1:" + port;
    }

    HttpResponse<String> probe(String which) {
      JsonNode get = pod.container.at(which + "/httpGet");
      assertThat(get.at("/port").asText()).isEqualTo("http");
      return get(get.at("/path").asText(), Map.of());
    }

    HttpResponse<String> get(String path, Map<String, String> headers) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).GET();
      headers.forEach(b::header);
      return send(b);
    }

    HttpResponse<String> push(String path, String body, String token) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(base() + path))
              .PUT(HttpRequest.BodyPublishers.ofString(body))
              .header("Content-Type", "text/plain; version=0.0.4");
      if (token != null) {
        b.header("Authorization", "Bearer " + token);
      }
      return send(b);
    }

    private HttpResponse<String> send(HttpRequest.Builder b) {
      try {
        return client()
            .send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    private HttpClient client() {
      HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
      if (base().startsWith("https")) {
        b.sslContext(trustAll());
      }
      return b.build();
    }

    @Override
    public void close() {
      try {
        agent.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The probe's view: the kubelet does not verify the agent's certificate either. */
  private static SSLContext trustAll() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(
          null,
          new javax.net.ssl.TrustManager[] {
            new javax.net.ssl.X509TrustManager() {
              @Override
              public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {}

              @Override
              public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {}

              @Override
              public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
              }
            }
          },
          null);
      return ctx;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
