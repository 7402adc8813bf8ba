package io.mlpipe.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.Agent;
import io.mlpipe.AgentOptions;
import io.mlpipe.SecurityOptions;
import io.mlpipe.config.ConfigHolder;
import io.mlpipe.security.AuditLog;
import io.mlpipe.testing.Http;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every answer of a real agent carries the security headers: its pages, its APIs, the refusals of
 * its filters (401, 403, 404, 405) and the errors Jetty answers itself; a web config's header
 * replaces a default.
 */
class SecurityHeadersTest {

  private static final String READER = "reader-secret-0123456789";

  @TempDir Path dir;
  private Agent agent;

  @AfterEach
  void stop() throws Exception {
    if (agent != null) {
      agent.close();
    }
  }

  private String start(String webConfig) throws Exception {
    Path config = dir.resolve("mlpipe.yml");
    Files.writeString(
        config,
        """
        pipelines:
          declared:
            churn: {team: growth, owner: ana}
        auth:
          anonymous: [read]
          tokens:
            - name: reader
              sha256: %s
              scopes: [read]
        """
            .formatted(SecurityTest.sha256(READER)));
    SecurityOptions security = new SecurityOptions(null, WebConfig.none(), AuditLog.Settings.off());
    if (webConfig != null) {
      Path web = dir.resolve("web.yml");
      Files.writeString(web, webConfig);
      security = new SecurityOptions(web, WebConfigLoader.load(web), security.audit());
    }
    agent =
        Agent.start(
            AgentOptions.forTest(dir.resolve("data"))
                .withConfig(ConfigHolder.load(config))
                .withSecurity(security));
    return "http://127.0.0.1:" + agent.port();
  }

  @Test
  void everyHtmlRouteAndEveryRefusalCarriesThem() throws Exception {
    String base = start(null);
    Map<String, Http.Response> answers = new LinkedHashMap<>();
    answers.put("GET /", Http.get(base + "/"));
    answers.put("GET /pipelines", Http.get(base + "/pipelines"));
    answers.put("GET /metrics", Http.get(base + "/metrics"));
    answers.put("GET /api/v1/pipelines", Http.get(base + "/api/v1/pipelines"));
    answers.put("GET /nope (404)", Http.get(base + "/nope"));
    answers.put("DELETE / (405)", Http.send("DELETE", base + "/", Map.of(), null));
    answers.put(
        "bad token (401)",
        Http.get(base + "/pipelines", Map.of("Authorization", "Bearer not-a-token")));
    answers.put(
        "read scope posting (403)",
        Http.send(
            "POST",
            base + "/api/v1/events",
            Map.of("Authorization", "Bearer " + READER, "Content-Type", "application/json"),
            "{}".getBytes(StandardCharsets.UTF_8)));

    assertThat(answers.get("GET /").header("Content-Type")).startsWith("text/html");
    assertThat(answers.get("GET /pipelines").header("Content-Type")).startsWith("text/html");
    assertThat(answers.get("GET /pipelines").body()).contains("churn");
    assertThat(answers.get("GET /nope (404)").status()).isEqualTo(404);
    assertThat(answers.get("DELETE / (405)").status()).isEqualTo(405);
    assertThat(answers.get("bad token (401)").status()).isEqualTo(401);
    assertThat(answers.get("read scope posting (403)").status()).isEqualTo(403);
    answers.forEach(
        (what, r) -> {
          assertThat(r.header("Content-Security-Policy"))
              .as(what)
              .isEqualTo(SecurityHeaders.CONTENT_SECURITY_POLICY)
              .contains("default-src 'none'", "frame-ancestors 'none'")
              .doesNotContain("script-src");
          assertThat(r.header("X-Content-Type-Options")).as(what).isEqualTo("nosniff");
          assertThat(r.header("Referrer-Policy")).as(what).isEqualTo("no-referrer");
        });
  }

  @Test
  void errorsThatJettyAnswersItselfCarryThem() throws Exception {
    String base = start(null);
    int port = agent.port();
    // A path Jetty refuses before any route sees it, and a header over the size limit.
    String badUri = raw(port, "GET /%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    String bigHeader =
        raw(
            port,
            "GET / HTTP/1.1\r\nHost: x\r\nX-Big: "
                + "a".repeat(64 * 1024)
                + "\r\nConnection: close\r\n\r\n");
    assertThat(badUri).startsWith("HTTP/1.1 400");
    assertThat(bigHeader).startsWith("HTTP/1.1 431");
    for (String answer : new String[] {badUri, bigHeader}) {
      assertThat(answer)
          .contains("Content-Security-Policy: " + SecurityHeaders.CONTENT_SECURITY_POLICY)
          .contains("X-Content-Type-Options: nosniff")
          .contains("Content-Type: text/plain")
          .doesNotContain("<html");
    }
    assertThat(Http.get(base + "/-/healthy").header("X-Content-Type-Options")).isEqualTo("nosniff");
  }

  @Test
  void aServletsErrorIsPlainTextWithThem() throws Exception {
    HttpServlet failing =
        new HttpServlet() {
          @Override
          protected void doGet(HttpServletRequest req, HttpServletResponse resp)
              throws IOException {
            if (req.getRequestURI().endsWith("/throw")) {
              throw new IllegalStateException("<script>alert(1)</script>");
            }
            resp.sendError(418, "<script>alert(2)</script>");
          }
        };
    try (HttpServer server =
        new HttpServer(
            new ListenAddress("127.0.0.1", 0),
            List.of(Route.get("/fail/*", failing)),
            new PrometheusRegistry())) {
      server.start();
      String base = "http://127.0.0.1:" + server.port() + "/fail/";
      for (String path : new String[] {"throw", "send"}) {
        Http.Response r = Http.get(base + path, Map.of("Accept", "text/html"));
        assertThat(r.status()).as(path).isIn(500, 418);
        assertThat(r.header("Content-Type")).as(path).startsWith("text/plain");
        assertThat(r.header("Content-Security-Policy"))
            .as(path)
            .isEqualTo(SecurityHeaders.CONTENT_SECURITY_POLICY);
        assertThat(r.header("X-Content-Type-Options")).as(path).isEqualTo("nosniff");
        assertThat(r.body()).as(path).doesNotContain("<html", "IllegalStateException");
      }
    }
  }

  @Test
  void theWebConfigsHeadersReplaceTheDefaults() throws Exception {
    String base =
        start(
            """
            http_server_config:
              headers:
                Content-Security-Policy: "default-src 'self'"
                X-Frame-Options: deny
            """);
    for (String path : new String[] {"/", "/nope"}) {
      Http.Response r = Http.get(base + path);
      assertThat(r.headers().allValues("Content-Security-Policy"))
          .as(path)
          .containsExactly("default-src 'self'");
      assertThat(r.header("X-Frame-Options")).as(path).isEqualTo("deny");
      assertThat(r.header("X-Content-Type-Options")).as(path).isEqualTo("nosniff");
    }
    String badUri = raw(agent.port(), "GET /%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(badUri).contains("Content-Security-Policy: default-src 'self'");
  }

  /** Sends {@code request} as bytes (no client would send it) and reads the whole answer. */
  private static String raw(int port, String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
