package io.mlpipe.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlpipe.Agent;
import io.mlpipe.AgentOptions;
import io.mlpipe.SecurityOptions;
import io.mlpipe.config.ConfigHolder;
import io.mlpipe.security.AuditLog;
import io.mlpipe.testing.Http;
import io.mlpipe.testing.TestCa;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.assertj.core.api.ThrowingConsumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecurityTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TEAM_A = "team-a-secret-0123456789";
  private static final String TEAM_B = "team-b-secret-0123456789";
  private static final String OLD = "expired-secret-0123456789";
  private static final String READER = "reader-secret-0123456789";
  private static final String ADMIN = "admin-secret-0123456789";

  @TempDir Path dir;
  private Agent agent;

  @AfterEach
  void stop() throws Exception {
    if (agent != null) {
      agent.close();
    }
  }

  static String sha256(String token) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
  }

  static String bcrypt(String password) {
    return BCrypt.withDefaults().hashToString(4, password.toCharArray());
  }

  static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, String> bearer(String token) {
    return Map.of("Authorization", "Bearer " + token);
  }

  private String authConfig() throws Exception {
    return """
        auth:
          anonymous: []
          tokens:
            - name: team-a
              sha256: %s
              scopes: [write]
              pipelines: ["churn*"]
              jobs: ["churn-*"]
            - name: team-b
              bcrypt: "%s"
              scopes: [write, read]
              pipelines: [fraud]
              jobs: ["fraud-*"]
            - name: old
              sha256: %s
              scopes: [write, read]
              pipelines: ["*"]
              jobs: ["*"]
              expires: 2020-01-01T00:00:00Z
            - name: reader
              sha256: %s
              scopes: [read]
            - name: admin
              sha256: %s
              scopes: [read, write, admin]
              pipelines: ["*"]
              jobs: ["*"]
        """
        .formatted(sha256(TEAM_A), bcrypt(TEAM_B), sha256(OLD), sha256(READER), sha256(ADMIN));
  }

  private String start(String config, String webConfig) throws Exception {
    Path configFile = dir.resolve("mlpipe.yml");
    Files.writeString(configFile, config);
    SecurityOptions security =
        new SecurityOptions(
            null,
            WebConfig.none(),
            new AuditLog.Settings(dir.resolve("audit/audit.log"), 1 << 20, 2));
    if (webConfig != null) {
      Path web = dir.resolve("web.yml");
      Files.writeString(web, webConfig);
      security = new SecurityOptions(web, WebConfigLoader.load(web), security.audit());
    }
    agent =
        Agent.start(
            AgentOptions.forTest(dir.resolve("data"))
                .withConfig(ConfigHolder.load(configFile))
                .withSecurity(security));
    return "127.0.0.1:" + agent.port();
  }

  /** Waits until the audit log's entries (written asynchronously) pass {@code check}. */
  private void auditSatisfies(ThrowingConsumer<List<JsonNode>> check) {
    Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> check.accept(audit()));
  }

  private List<JsonNode> audit() throws Exception {
    Path log = dir.resolve("audit/audit.log");
    if (!Files.exists(log)) {
      return List.of();
    }
    return Files.readAllLines(log).stream()
        .map(
            l -> {
              try {
                return JSON.readTree(l);
              } catch (Exception e) {
                throw new AssertionError(l, e);
              }
            })
        .toList();
  }

  private String metrics(String base) {
    return Http.get(base + "/metrics", Map.of("Authorization", "Bearer " + READER)).body();
  }

  @Nested
  class Tokens {

    @Test
    void teamsWriteTheirOwnJobsAndPipelinesOnly() throws Exception {
      String base = "http://" + start(authConfig(), null);
      byte[] body = "x 1\n".getBytes(StandardCharsets.UTF_8);
      assertThat(Http.send("PUT", base + "/metrics/job/churn-train", bearer(TEAM_A), body).status())
          .isEqualTo(200);
      Http.Response other = Http.send("PUT", base + "/metrics/job/fraud-x", bearer(TEAM_A), body);
      assertThat(other.status()).isEqualTo(403);
      assertThat(other.body()).contains("team-a may not write the group");
      // a pipeline label in the grouping key must be the team's too
      assertThat(
              Http.send("PUT", base + "/metrics/job/churn-x/pipeline/fraud", bearer(TEAM_A), body)
                  .status())
          .isEqualTo(403);
      assertThat(Http.send("DELETE", base + "/metrics/job/fraud-x", bearer(TEAM_A), null).status())
          .isEqualTo(403);
      // bcrypt token of team b
      assertThat(Http.send("PUT", base + "/metrics/job/fraud-x", bearer(TEAM_B), body).status())
          .isEqualTo(200);

      String ev = "{\"pipeline\":\"churn\",\"stage\":\"train\",\"type\":\"stage_started\"}";
      assertThat(
              Http.send(
                      "POST",
                      base + "/api/v1/events",
                      bearer(TEAM_A),
                      ev.getBytes(StandardCharsets.UTF_8))
                  .status())
          .isEqualTo(202);
      // one foreign event refuses the whole batch
      String mixed =
          "[" + ev + ",{\"pipeline\":\"fraud\",\"stage\":\"train\",\"type\":\"stage_started\"}]";
      Http.Response refused =
          Http.send(
              "POST",
              base + "/api/v1/events",
              bearer(TEAM_A),
              mixed.getBytes(StandardCharsets.UTF_8));
      assertThat(refused.status()).isEqualTo(403);
      assertThat(refused.body()).contains("\"index\":1").contains("may not write pipeline 'fraud'");
      assertThat(metrics(base)).doesNotContain("pipeline=\"fraud\"");
      assertThat(metrics(base))
          .contains("mlpipe_exporter_auth_failures_total{reason=\"forbidden\"} 4.0");

      auditSatisfies(
          audit -> {
            assertThat(audit)
                .anySatisfy(
                    e -> {
                      assertThat(e.get("identity").asText()).isEqualTo("team-a");
                      assertThat(e.get("api").asText()).isEqualTo("/metrics/job");
                      assertThat(e.get("group").asText()).isEqualTo("{job=\"churn-train\"}");
                      assertThat(e.get("count").asInt()).isEqualTo(1);
                      assertThat(e.get("status").asInt()).isEqualTo(200);
                      assertThat(e.get("client").asText()).isEqualTo("127.0.0.1");
                      assertThat(e.get("time").asText()).endsWith("Z");
                    });
            assertThat(audit)
                .anySatisfy(
                    e -> {
                      assertThat(e.get("api").asText()).isEqualTo("/api/v1/events");
                      assertThat(e.get("status").asInt()).isEqualTo(403);
                      assertThat(e.get("reason").asText()).isEqualTo("forbidden");
                      assertThat(e.get("pipelines").toString()).isEqualTo("[\"churn\",\"fraud\"]");
                      assertThat(e.get("count").asInt()).isEqualTo(2);
                    });
          });
    }

    @Test
    void forgettingAPipelineNeedsTheAdminScopeAndIsAudited() throws Exception {
      String base = "http://" + start(authConfig(), null);
      String ev = "{\"pipeline\":\"churn\",\"stage\":\"train\",\"type\":\"stage_started\"}";
      assertThat(
              Http.send(
                      "POST",
                      base + "/api/v1/events",
                      bearer(TEAM_A),
                      ev.getBytes(StandardCharsets.UTF_8))
                  .status())
          .isEqualTo(202);
      // Reading it is read's; forgetting it is admin's, even for the team that writes it.
      assertThat(Http.get(base + "/api/v1/pipelines/churn", bearer(READER)).status())
          .isEqualTo(200);
      Http.Response team =
          Http.send("DELETE", base + "/api/v1/pipelines/churn", bearer(TEAM_A), null);
      assertThat(team.status()).isEqualTo(403);
      assertThat(team.body()).contains("lacks the admin scope");
      Http.Response admin =
          Http.send("DELETE", base + "/api/v1/pipelines/churn", bearer(ADMIN), null);
      assertThat(admin.status()).as(admin.body()).isEqualTo(200);
      assertThat(Http.get(base + "/api/v1/pipelines/churn", bearer(READER)).status())
          .isEqualTo(404);
      assertThat(metrics(base)).doesNotContain("pipeline=\"churn\"");
      assertThat(audit())
          .anySatisfy(
              e -> {
                assertThat(e.get("method").asText()).isEqualTo("DELETE");
                assertThat(e.get("api").asText()).isEqualTo("/api/v1/pipelines/{name}");
                assertThat(e.get("identity").asText()).isEqualTo("admin");
                assertThat(e.get("pipelines").toString()).isEqualTo("[\"churn\"]");
                assertThat(e.get("status").asInt()).isEqualTo(200);
              })
          .anySatisfy(
              e -> {
                assertThat(e.get("method").asText()).isEqualTo("DELETE");
                assertThat(e.get("identity").asText()).isEqualTo("team-a");
                assertThat(e.get("status").asInt()).isEqualTo(403);
              });
    }

    @Test
    void missingBadAndExpiredTokensGet401() throws Exception {
      String base = "http://" + start(authConfig(), null);
      byte[] body = "x 1\n".getBytes(StandardCharsets.UTF_8);
      Http.Response none = Http.send("PUT", base + "/metrics/job/churn-a", Map.of(), body);
      assertThat(none.status()).isEqualTo(401);
      assertThat(none.headers().allValues("WWW-Authenticate")).contains("Bearer realm=\"mlpipe\"");
      Http.Response bad = Http.send("PUT", base + "/metrics/job/churn-a", bearer("nope"), body);
      assertThat(bad.status()).isEqualTo(401);
      assertThat(bad.body()).contains("unknown token");
      Http.Response old = Http.send("PUT", base + "/metrics/job/churn-a", bearer(OLD), body);
      assertThat(old.status()).isEqualTo(401);
      assertThat(old.body()).contains("expired");
      // scrape and write rights are separate
      assertThat(Http.get(base + "/metrics", bearer(TEAM_A)).status()).isEqualTo(403);
      assertThat(Http.get(base + "/metrics").status()).isEqualTo(401);
      assertThat(Http.send("PUT", base + "/metrics/job/x", bearer(READER), body).status())
          .isEqualTo(403);
      // admin endpoints need admin
      assertThat(Http.send("POST", base + "/-/reload", bearer(TEAM_A), new byte[0]).status())
          .isEqualTo(403);
      assertThat(Http.send("POST", base + "/-/reload", bearer(ADMIN), new byte[0]).status())
          .isEqualTo(200);
      // probes stay open
      assertThat(Http.get(base + "/-/healthy").status()).isEqualTo(200);
      String m = metrics(base);
      assertThat(m)
          .contains("mlpipe_exporter_auth_failures_total{reason=\"missing\"} 2.0")
          .contains("mlpipe_exporter_auth_failures_total{reason=\"bad_token\"} 1.0")
          .contains("mlpipe_exporter_auth_failures_total{reason=\"expired_token\"} 1.0")
          .contains("mlpipe_exporter_auth_failures_total{reason=\"forbidden\"} 3.0");
      auditSatisfies(
          audit ->
              assertThat(audit)
                  .extracting(e -> e.path("reason").asText())
                  .contains("missing", "bad_token", "expired_token", "forbidden"));
    }

    @Test
    void anonymousReadKeepsScrapesOpenWhileWritesNeedATokenAndRateIsLimited() throws Exception {
      String config =
          authConfig().replace("anonymous: []", "anonymous: [read]")
              + "http:\n  rate_limit: 1\n  rate_limit_burst: 3\n";
      String base = "http://" + start(config, null);
      assertThat(Http.get(base + "/metrics").status()).isEqualTo(200);
      assertThat(Http.send("PUT", base + "/metrics/job/x", Map.of(), "x 1\n".getBytes()).status())
          .isEqualTo(401);
      int limited = 0;
      String retry = null;
      for (int i = 0; i < 6; i++) {
        Http.Response r =
            Http.send("PUT", base + "/metrics/job/churn-a", bearer(TEAM_A), "x 1\n".getBytes());
        if (r.status() == 429) {
          limited++;
          retry = r.header("Retry-After");
        } else {
          assertThat(r.status()).isEqualTo(200);
        }
      }
      assertThat(limited).isGreaterThanOrEqualTo(2);
      assertThat(retry).isEqualTo("1");
      // another identity has its own bucket
      assertThat(
              Http.send("PUT", base + "/metrics/job/fraud-a", bearer(TEAM_B), "x 1\n".getBytes())
                  .status())
          .isEqualTo(200);
    }
  }

  @Nested
  class WebConfigBasicAuthAndTls {

    @Test
    void basicAuthUsersFromTheWebConfigWithHeaders() throws Exception {
      String web =
          """
          basic_auth_users:
            prometheus: "%s"
          http_server_config:
            headers:
              X-Frame-Options: deny
              Content-Security-Policy: "default-src 'self'"
          """
              .formatted(bcrypt("s3cret"));
      String base = "http://" + start("", web);
      Http.Response ok =
          Http.get(base + "/metrics", Map.of("Authorization", basic("prometheus", "s3cret")));
      assertThat(ok.status()).isEqualTo(200);
      assertThat(ok.header("X-Frame-Options")).isEqualTo("deny");
      assertThat(ok.header("Content-Security-Policy")).isEqualTo("default-src 'self'");
      Http.Response wrong =
          Http.get(base + "/metrics", Map.of("Authorization", basic("prometheus", "guess")));
      assertThat(wrong.status()).isEqualTo(401);
      assertThat(wrong.header("WWW-Authenticate")).startsWith("Basic realm=\"mlpipe\"");
      assertThat(
              Http.get(base + "/metrics", Map.of("Authorization", basic("nobody", "s3cret")))
                  .status())
          .isEqualTo(401);
      assertThat(Http.get(base + "/metrics").status()).isEqualTo(401);
      // all-or-nothing as exporter-toolkit: a basic-auth user may also push
      assertThat(
              Http.send(
                      "PUT",
                      base + "/metrics/job/x",
                      Map.of("Authorization", basic("prometheus", "s3cret")),
                      "x 1\n".getBytes())
                  .status())
          .isEqualTo(200);
      assertThat(
              Http.get(base + "/metrics", Map.of("Authorization", basic("prometheus", "s3cret")))
                  .body())
          .contains("mlpipe_exporter_auth_failures_total{reason=\"bad_password\"} 2.0");

      // reloaded on change: a new password takes over within a few seconds
      Files.writeString(
          dir.resolve("web.yml"),
          web.replace(
              web.lines().skip(1).findFirst().orElseThrow(),
              "  prometheus: \"" + bcrypt("n3w") + "\""));
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  Http.get(base + "/metrics", Map.of("Authorization", basic("prometheus", "n3w")))
                          .status()
                      == 200);
      assertThat(
              Http.get(base + "/metrics", Map.of("Authorization", basic("prometheus", "s3cret")))
                  .status())
          .isEqualTo(401);
    }

    @Test
    void tlsWithMutualAuthentication() throws Exception {
      TestCa ca = TestCa.create("mlpipe-test-ca");
      TestCa.Issued server = ca.server(dir.resolve("tls"), "server");
      TestCa.Issued client = ca.client(dir.resolve("tls"), "pusher");
      ca.writeCert(dir.resolve("tls/ca.crt"));
      TestCa stranger = TestCa.create("other-ca");
      TestCa.Issued foreign = stranger.client(dir.resolve("tls"), "intruder");
      String web =
          """
          tls_server_config:
            cert_file: tls/server.crt
            key_file: tls/server.key
            client_auth_type: RequireAndVerifyClientCert
            client_ca_file: tls/ca.crt
            min_version: TLS12
            cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305]
          """;
      String hostPort = start("", web);
      String url = "https://" + hostPort + "/metrics";
      assertThat(get(ca.clientContext(client), url).statusCode()).isEqualTo(200);
      assertThatThrownBy(() -> get(ca.clientContext(null), url))
          .isInstanceOf(java.io.IOException.class);
      assertThatThrownBy(() -> get(ca.clientContext(foreign), url))
          .isInstanceOf(java.io.IOException.class);
      // plain HTTP is not served
      assertThatThrownBy(() -> Http.get("http://" + hostPort + "/metrics"))
          .isInstanceOf(RuntimeException.class);
    }

    @Test
    void requireAnyClientCertTakesACertificateFromAnyCaUnchecked() throws Exception {
      TestCa ca = TestCa.create("mlpipe-test-ca");
      ca.server(dir.resolve("tls"), "server");
      TestCa stranger = TestCa.create("other-ca");
      TestCa.Issued foreign = stranger.client(dir.resolve("tls"), "anyone");
      String web =
          """
          tls_server_config:
            cert_file: tls/server.crt
            key_file: tls/server.key
            client_auth_type: RequireAnyClientCert
          """;
      String url = "https://" + start("", web) + "/metrics";
      // As Go: any certificate is enough (checked by something in front), none is refused.
      assertThat(get(ca.clientContext(foreign), url).statusCode()).isEqualTo(200);
      assertThatThrownBy(() -> get(ca.clientContext(null), url))
          .isInstanceOf(java.io.IOException.class);
    }

    @Test
    void tlsWithBasicAuthAndCertificateReload() throws Exception {
      TestCa ca = TestCa.create("ca-one");
      ca.server(dir.resolve("tls"), "server");
      String web =
          """
          tls_server_config:
            cert_file: tls/server.crt
            key_file: tls/server.key
          basic_auth_users:
            alice: "%s"
          """
              .formatted(bcrypt("pw"));
      String hostPort = start("", web);
      String url = "https://" + hostPort + "/metrics";
      assertThat(get(ca.clientContext(null), url, basic("alice", "pw")).statusCode())
          .isEqualTo(200);
      assertThat(get(ca.clientContext(null), url, basic("alice", "no")).statusCode())
          .isEqualTo(401);

      // a renewed certificate from another CA is picked up without a restart
      TestCa renewed = TestCa.create("ca-two");
      renewed.server(dir.resolve("tls"), "server");
      // The watcher compares modification times (ms) and sizes: make the change visible without
      // waiting for the clock to move on.
      for (String f : List.of("server.crt", "server.key")) {
        Path p = dir.resolve("tls").resolve(f);
        Files.setLastModifiedTime(
            p, FileTime.from(Files.getLastModifiedTime(p).toInstant().plusSeconds(5)));
      }
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .ignoreExceptions()
          .until(
              () ->
                  get(renewed.clientContext(null), url, basic("alice", "pw")).statusCode() == 200);
    }

    private HttpResponse<String> get(SSLContext ssl, String url) throws Exception {
      return get(ssl, url, null);
    }

    private HttpResponse<String> get(SSLContext ssl, String url, String authorization)
        throws Exception {
      HttpClient c =
          HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
      if (authorization != null) {
        b.header("Authorization", authorization);
      }
      return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
  }
}
