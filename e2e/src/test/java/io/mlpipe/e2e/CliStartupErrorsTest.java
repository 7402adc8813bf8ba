package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the packaged CLI prints when it will not start, on its real stderr (logging included): one
 * line naming the flag for an unusable path, the same line-numbered errors from {@code
 * check-config} as from {@code serve} for an invalid web config, and never a stack trace.
 */
class CliStartupErrorsTest {

  // No GPU collector: on a node with GPUs it could log before the failure; the rest is quiet.
  private static final String QUIET = "--no-collector.gpu";
  private static final String LISTEN = "--web.listen-address=127.0.0.1:0";

  @TempDir Path dir;

  private static Cli.Result mlpipe(String... args) {
    return Cli.run(Map.of(), null, args);
  }

  @Test
  void theDefaultCommandWithAnAuditPathUnderARegularFileSaysSoInOneLine() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "");
    Path audit = file.resolve("audit.log");

    Cli.Result r =
        mlpipe(LISTEN, QUIET, "--storage.path=" + dir.resolve("data"), "--audit.path=" + audit);

    assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
    assertThat(r.stdout()).isEmpty();
    assertThat(r.stderr())
        .isEqualTo(
            "mlpipe: --audit.path=%s: cannot open the audit log: %s: File exists and is not a"
                    .formatted(audit, file)
                + " directory\n");
  }

  @Test
  void serveWithAStoragePathUnderARegularFileSaysSoInOneLine() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "");
    Path data = file.resolve("data");

    Cli.Result r = mlpipe("serve", LISTEN, QUIET, "--storage.path=" + data);

    assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
    assertThat(r.stderr())
        .isEqualTo(
            "mlpipe: --storage.path=%s: cannot open the store: %s: Not a directory\n"
                .formatted(data, data));
  }

  @Test
  void checkConfigReportsWhatServeRefusesToStartWith() throws Exception {
    Path web =
        Files.writeString(
            dir.resolve("web.yml"),
            """
            tls_server_config:
              cert_file: server.crt
              key_file: server.key
              client_auth_type: Always
            basic_auth_users:
              prometheus: not-a-bcrypt-hash
            """);

    Cli.Result checked = mlpipe("check-config", "--web.config.file=" + web);
    Cli.Result served =
        mlpipe(
            "serve",
            LISTEN,
            QUIET,
            "--storage.path=" + dir.resolve("data"),
            "--web.config.file=" + web);

    assertThat(checked.exitCode()).as("%s", checked).isEqualTo(1);
    List<String> errors = checked.stderr().lines().toList();
    assertThat(errors.subList(0, 2)).containsExactly("Checking " + web, "  FAILED:");
    assertThat(errors.subList(2, errors.size()))
        .containsExactlyInAnyOrder(
            "  "
                + web
                + ":2:14: tls_server_config.cert_file: cannot read "
                + dir.resolve("server.crt"),
            "  "
                + web
                + ":3:13: tls_server_config.key_file: cannot read "
                + dir.resolve("server.key"),
            "  "
                + web
                + ":4:21: tls_server_config.client_auth_type: unknown client_auth_type"
                + " 'Always' (allowed: NoClientCert, RequestClientCert, RequireAndVerifyClientCert,"
                + " RequireAnyClientCert, VerifyClientCertIfGiven)",
            "  "
                + web
                + ":6:15: basic_auth_users.prometheus: must be a bcrypt hash like"
                + " $2y$10$... (htpasswd -nBC 10 USER)");

    assertThat(served.exitCode()).as("%s", served).isEqualTo(1);
    List<String> refused = served.stderr().lines().toList();
    assertThat(refused.get(0)).isEqualTo("mlpipe: invalid web configuration, not starting:");
    assertThat(refused.subList(1, refused.size())).isEqualTo(errors.subList(2, errors.size()));
  }

  @Test
  void checkConfigSaysEachValidFileIsOk() throws Exception {
    Path agent =
        Files.writeString(dir.resolve("mlpipe.yml"), "pipelines:\n  declared:\n    churn: {}\n");
    Path web =
        Files.writeString(
            dir.resolve("web.yml"), "http_server_config:\n  headers:\n    X-Frame-Options: deny\n");

    Cli.Result r = mlpipe("check-config", agent.toString(), "--web.config.file=" + web);

    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.stderr()).isEmpty();
    assertThat(r.stdout())
        .isEqualTo(
            """
            Checking %s
              SUCCESS: 1 pipelines declared
            Checking %s
              SUCCESS: web config: no TLS, 0 basic-auth users, 1 headers
            """
                .formatted(agent, web));
  }
}
