package io.mlpipe.security;

import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.mlpipe.config.AuthConfig;
import io.mlpipe.config.TokenConfig;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {

  private static final TokenConfig A =
      new TokenConfig(
          "a",
          Authenticator.sha256("tok-a".getBytes(StandardCharsets.UTF_8)),
          null,
          Set.of("write"),
          List.of("churn*"),
          List.of("churn-?"),
          Instant.parse("2030-01-01T00:00:00Z"));

  private final Authenticator auth =
      new Authenticator(
          AuthConfig.defaults().withTokens(List.of(A)),
          Map.of("u", BCrypt.withDefaults().hashToString(4, "pw".toCharArray())));

  @Test
  void offWhenNothingIsConfigured() {
    Authenticator off = new Authenticator(AuthConfig.defaults(), Map.of());
    assertThat(off.enabled()).isFalse();
    assertThat(off.authenticate(null, Instant.now()).identity()).isEqualTo(Identity.OPEN);
  }

  @Test
  void tokensAndTheirRights() {
    Identity a = auth.authenticate("Bearer tok-a", Instant.now()).identity();
    assertThat(a.name()).isEqualTo("a");
    assertThat(a.mayWritePipeline("churn-eu")).isTrue();
    assertThat(a.mayWritePipeline("fraud")).isFalse();
    assertThat(a.mayWriteGroup(Map.of("job", "churn-1"))).isTrue();
    assertThat(a.mayWriteGroup(Map.of("job", "churn-12"))).isFalse();
    assertThat(a.mayWriteGroup(Map.of("job", "churn-1", "pipeline", "fraud"))).isFalse();
    assertThat(a.has("read")).isFalse();
    assertThat(auth.authenticate("Bearer tok-b", Instant.now()).failure()).isEqualTo("bad_token");
    assertThat(auth.authenticate("Bearer tok-a", Instant.parse("2030-01-01T00:00:00Z")).failure())
        .isEqualTo("expired_token");
    assertThat(auth.authenticate("Digest x", Instant.now()).failure()).isEqualTo("missing");
    assertThat(auth.authenticate(null, Instant.now()).identity().isAnonymous()).isTrue();
  }

  @Test
  void basicAuth() {
    assertThat(auth.authenticate(basic("u", "pw"), Instant.now()).identity().name()).isEqualTo("u");
    assertThat(auth.authenticate(basic("u", "pw"), Instant.now()).ok()).isTrue(); // cached
    assertThat(auth.authenticate(basic("u", "no"), Instant.now()).failure())
        .isEqualTo("bad_password");
    assertThat(auth.authenticate(basic("x", "pw"), Instant.now()).failure())
        .isEqualTo("bad_password");
    assertThat(auth.authenticate("Basic !!!", Instant.now()).failure()).isEqualTo("bad_password");
    assertThat(auth.authenticate(basic("u", "p".repeat(100)), Instant.now()).failure())
        .isEqualTo("bad_password");
  }

  private static String basic(String u, String p) {
    return "Basic " + Base64.getEncoder().encodeToString((u + ":" + p).getBytes());
  }
}
