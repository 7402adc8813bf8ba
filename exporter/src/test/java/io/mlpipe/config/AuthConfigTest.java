package io.mlpipe.config;

import static io.mlpipe.config.ConfigLoaderTest.onlyError;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthConfigTest {

  private static final String HASH = "a".repeat(64);

  @Test
  void readsTokensAndHttpLimits() throws Exception {
    Config c =
        ConfigLoader.parse(
            "agent.yml",
            """
            auth:
              anonymous: [read]
              basic_auth_scopes: [read]
              tokens:
                - name: team-a
                  sha256: %s
                  pipelines: ["churn*"]
                  jobs: [churn-train]
                  expires: 2027-01-31
            http:
              max_concurrent_requests: 8
              idle_timeout: 10s
              rate_limit: 2.5
              rate_limit_burst: 10
            """
                .formatted(HASH));
    assertThat(c.auth().anonymous()).containsExactly("read");
    assertThat(c.auth().basicAuthScopes()).containsExactly("read");
    TokenConfig t = c.auth().tokens().get(0);
    assertThat(t.name()).isEqualTo("team-a");
    assertThat(t.scopes()).containsExactly("write");
    assertThat(t.sha256()).hasSize(32);
    assertThat(t.pipelines()).containsExactly("churn*");
    assertThat(t.expires()).isEqualTo(Instant.parse("2027-01-31T00:00:00Z"));
    assertThat(c.http().maxConcurrentRequests()).isEqualTo(8);
    assertThat(c.http().idleTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.http().rateLimit()).isEqualTo(2.5);
    assertThat(c.toDisplayMap().toString()).doesNotContain(HASH).contains("<secret>");
  }

  @Test
  void tokensFileIsReadRelativeToTheConfig(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("agent.yml"), "auth:\n  tokens_file: tokens.yml\n  anonymous: [read]\n");
    Files.writeString(
        dir.resolve("tokens.yml"),
        "tokens:\n  - name: ci\n    sha256: " + HASH + "\n    jobs: ['*']\n");
    Config c = ConfigLoader.load(dir.resolve("agent.yml"));
    assertThat(c.auth().tokens()).extracting(TokenConfig::name).containsExactly("ci");

    Files.writeString(dir.resolve("tokens.yml"), "tokens:\n  - name: ci\n    sha256: xyz\n");
    try {
      ConfigLoader.load(dir.resolve("agent.yml"));
      throw new AssertionError("expected an error");
    } catch (ConfigException e) {
      assertThat(e.getMessage()).contains("tokens.yml:3:13: tokens[0].sha256: must be 64 hex");
    }
  }

  @Nested
  class Errors {

    @Test
    void unknownScope() {
      assertThat(onlyError("auth:\n  anonymous: [read, root]\n").toString())
          .isEqualTo(
              "agent.yml:2:21: auth.anonymous[1]: unknown scope 'root' (allowed: admin, read, write)");
    }

    @Test
    void tokenWithoutHash() {
      assertThat(onlyError("auth:\n  tokens:\n    - name: a\n").toString())
          .contains("agent.yml:3:7: auth.tokens[0]: a token needs exactly one of sha256");
    }

    @Test
    void badBcrypt() {
      assertThat(onlyError("auth:\n  tokens:\n    - name: a\n      bcrypt: plain\n").toString())
          .contains("agent.yml:4:15: auth.tokens[0].bcrypt: must be a bcrypt hash");
    }

    @Test
    void duplicateTokenName() {
      assertThat(
              onlyError(
                      ("auth:\n  tokens:\n    - {name: a, sha256: %s}\n    - {name: a, sha256: %s}\n")
                          .formatted(HASH, HASH))
                  .toString())
          .contains("agent.yml:4:14: auth.tokens[1].name: token name 'a' is used twice");
    }

    @Test
    void badExpiry() {
      assertThat(
              onlyError(
                      "auth:\n  tokens:\n    - {name: a, sha256: %s, expires: soon}\n"
                          .formatted(HASH))
                  .toString())
          .contains("auth.tokens[0].expires: must be a date");
    }

    @Test
    void badHttpLimit() {
      assertThat(onlyError("http:\n  max_concurrent_requests: 0\n").toString())
          .isEqualTo(
              "agent.yml:2:28: http.max_concurrent_requests: must be between 1 and 100000, got 0");
    }
  }
}
