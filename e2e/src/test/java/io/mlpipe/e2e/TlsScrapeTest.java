package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.mlpipe.testing.AgentProcess;
import io.mlpipe.testing.PrometheusServer;
import io.mlpipe.testing.TestCa;
import io.mlpipe.testing.Wait;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged agent behind TLS and basic auth (a web config in exporter-toolkit's format, with a
 * CA made by the test), scraped by a real Prometheus with {@code scheme: https}, {@code
 * tls_config.ca_file} and {@code basic_auth}; wrong passwords are counted per reason.
 */
class TlsScrapeTest {

  @TempDir Path dir;

  @Test
  void prometheusScrapesOverTlsWithBasicAuth() throws Exception {
    TestCa ca = TestCa.create("mlpipe-e2e-ca");
    ca.server(dir, "server");
    Path caFile = ca.writeCert(dir.resolve("ca.crt"));
    Path web = dir.resolve("web.yml");
    Files.writeString(
        web,
        """
        tls_server_config:
          cert_file: server.crt
          key_file: server.key
          min_version: TLS12
        basic_auth_users:
          prometheus: "%s"
        """
            .formatted(BCrypt.withDefaults().hashToString(10, "scrape-pw".toCharArray())));
    try (AgentProcess agent =
        AgentProcess.launch(dir.resolve("agent"), "--web.config.file=" + web)) {
      int port = agent.port();
      SSLContext ssl = ca.clientContext(null);
      String url = "https://127.0.0.1:" + port;
      Wait.until(
          "agent ready over TLS",
          Duration.ofSeconds(60),
          () -> {
            try {
              return get(ssl, url + "/-/ready", null) == 200;
            } catch (Exception e) {
              return false;
            }
          });
      assertThat(get(ssl, url + "/metrics", "prometheus:wrong")).isEqualTo(401);
      assertThat(get(ssl, url + "/metrics", null)).isEqualTo(401);
      try (PrometheusServer prom =
          PrometheusServer.builder(dir.resolve("prom"))
              .scrape("mlpipe", "127.0.0.1:" + port)
              .jobExtra(
                  "mlpipe",
                  """
                      scheme: https
                      tls_config:
                        ca_file: %s
                      basic_auth:
                        username: prometheus
                        password: scrape-pw\
                  """
                      .formatted(caFile))
              .start()) {
        prom.waitUntilUp("mlpipe");
        assertThat(
                prom.waitFor(
                        "mlpipe_exporter_auth_failures_total{reason=\"bad_password\"} >= 1",
                        Duration.ofSeconds(20))
                    .get(0)
                    .value())
            .isEqualTo(1.0);
        assertThat(
                prom.queryValue("mlpipe_exporter_auth_failures_total{reason=\"missing\"}")
                    .orElseThrow())
            .isEqualTo(1.0);
      }
    }
  }

  private static int get(SSLContext ssl, String url, String userPassword) throws Exception {
    HttpClient c =
        HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (userPassword != null) {
      b.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder().encodeToString(userPassword.getBytes(StandardCharsets.UTF_8)));
    }
    return c.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
