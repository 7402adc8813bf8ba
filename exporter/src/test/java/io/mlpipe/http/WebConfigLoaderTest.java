package io.mlpipe.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.config.ConfigError;
import io.mlpipe.config.ConfigException;
import io.mlpipe.testing.TestCa;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebConfigLoaderTest {

  @TempDir Path dir;

  private ConfigError firstError(String yaml) {
    try {
      WebConfigLoader.parse("web.yml", yaml, dir);
    } catch (ConfigException e) {
      return e.errors().get(0);
    }
    throw new AssertionError("expected a ConfigException for:\n" + yaml);
  }

  private ConfigError onlyError(String yaml) {
    try {
      WebConfigLoader.parse("web.yml", yaml, dir);
    } catch (ConfigException e) {
      assertThat(e.errors()).hasSize(1);
      return e.errors().get(0);
    }
    throw new AssertionError("expected a ConfigException for:\n" + yaml);
  }

  @Test
  void readsTheExporterToolkitFormat() throws Exception {
    TestCa ca = TestCa.create("ca");
    ca.server(dir, "server");
    ca.writeCert(dir.resolve("ca.crt"));
    WebConfig w =
        WebConfigLoader.parse(
            "web.yml",
            """
            tls_server_config:
              cert_file: server.crt
              key_file: server.key
              client_auth_type: VerifyClientCertIfGiven
              client_ca_file: ca.crt
              min_version: TLS13
              cipher_suites: [TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305]
              prefer_server_cipher_suites: true
            http_server_config:
              http2: true
              headers:
                Strict-Transport-Security: max-age=31536000
            basic_auth_users:
              alice: $2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi
            """,
            dir);
    assertThat(w.tls().protocols()).containsExactly("TLSv1.3");
    assertThat(w.tls().cipherSuites())
        .containsExactly("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
    assertThat(w.tls().wantsClientCert()).isTrue();
    assertThat(w.tls().needsClientCert()).isFalse();
    assertThat(w.tls().verifiesClientCert()).isTrue();
    assertThat(w.tls().keyStore().getCertificateChain("server")).hasSize(1);
    assertThat(w.headers()).containsEntry("Strict-Transport-Security", "max-age=31536000");
    assertThat(w.users()).containsKey("alice");
  }

  @Nested
  class Errors {

    @Test
    void unknownKey() {
      assertThat(onlyError("http_server_config: {}\nbasic_auth: {}\n").toString())
          .startsWith("web.yml:2:1: basic_auth: unknown key 'basic_auth'");
    }

    @Test
    void plainPassword() {
      assertThat(onlyError("basic_auth_users:\n  alice: secret\n").toString())
          .startsWith("web.yml:2:10: basic_auth_users.alice: must be a bcrypt hash");
    }

    @Test
    void missingCertificateFile() {
      assertThat(
              firstError("tls_server_config:\n  cert_file: nope.crt\n  key_file: nope.key\n")
                  .toString())
          .startsWith("web.yml:2:14: tls_server_config.cert_file: cannot read");
    }

    @Test
    void unknownClientAuthType() throws Exception {
      TestCa.create("ca").server(dir, "s");
      assertThat(
              onlyError(
                      "tls_server_config:\n  cert_file: s.crt\n  key_file: s.key\n  client_auth_type: Always\n")
                  .toString())
          .startsWith(
              "web.yml:4:21: tls_server_config.client_auth_type: unknown client_auth_type 'Always'");
    }

    @Test
    void verifyWithoutCa() throws Exception {
      TestCa.create("ca").server(dir, "s");
      assertThat(
              onlyError(
                      "tls_server_config:\n  cert_file: s.crt\n  key_file: s.key\n  client_auth_type: RequireAndVerifyClientCert\n")
                  .toString())
          .contains("needs client_ca_file");
    }

    @Test
    void unknownCipher() throws Exception {
      TestCa.create("ca").server(dir, "s");
      assertThat(
              onlyError(
                      "tls_server_config:\n  cert_file: s.crt\n  key_file: s.key\n  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n")
                  .toString())
          .startsWith("web.yml:4:19: tls_server_config.cipher_suites[0]: cipher suite")
          .contains("insecure");
    }

    @Test
    void keyThatIsNotAKey() throws Exception {
      TestCa.Issued s = TestCa.create("ca").server(dir, "s");
      assertThat(
              onlyError("tls_server_config:\n  cert_file: s.crt\n  key_file: s.crt\n").toString())
          .startsWith("web.yml:3:13: tls_server_config.key_file: cannot read a private key");
    }

    @Test
    void headerNotAllowed() {
      assertThat(onlyError("http_server_config:\n  headers:\n    Server: x\n").toString())
          .startsWith("web.yml:3:13: http_server_config.headers.Server: header 'Server' cannot");
    }
  }
}
