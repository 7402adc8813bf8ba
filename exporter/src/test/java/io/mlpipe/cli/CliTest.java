package io.mlpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.testing.TestCa;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class CliTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    for (CommandLine sub : cli.getSubcommands().values()) {
      sub.setOut(new PrintWriter(out, true));
      sub.setErr(new PrintWriter(err, true));
    }
    return cli.execute(args);
  }

  /** Starts serve with {@code flag}, which must refuse (exit 1); returns what it printed. */
  private List<String> serveRefusal(Path dir, String flag) {
    err.getBuffer().setLength(0);
    assertThat(
            run(
                "serve",
                "--web.listen-address=127.0.0.1:0",
                "--storage.path=" + dir.resolve("data"),
                flag))
        .isEqualTo(1);
    return err.toString().lines().toList();
  }

  /**
   * No command line of mlpipe reads {@code @FILE} as "FILE's lines" (picocli's default): a value
   * that starts with @ (push --host @gpu1, a wrapped command's curl -d @body.json) must arrive as
   * it was typed. RunArgsTest shows it for run's arguments end to end.
   */
  @ParameterizedTest
  @CsvSource({"run", "push", "flush", "status"})
  void noCommandLineExpandsAtFiles(String name) {
    for (CommandLine cli :
        List.of(Main.commandLine(), Main.clientCommandLine(name), Main.serveCommandLine())) {
      assertThat(cli.isExpandAtFiles()).as(cli.getCommandSpec().qualifiedName()).isFalse();
    }
  }

  /**
   * The client subcommands are built alone (Main.clientCommandLine) so that `mlpipe run` starts its
   * command sooner; to a user they are the same: name, usage errors, exit code 2, help.
   */
  @ParameterizedTest
  @CsvSource({"run", "push", "flush", "status"})
  void aClientSubcommandBuiltAloneIsTheSameCommand(String name) {
    CommandLine alone = Main.clientCommandLine(name);
    CommandLine whole = Main.commandLine().getSubcommands().get(name);
    CommandLine sub = alone.getSubcommands().get(name);
    assertThat(sub.getCommandSpec().qualifiedName()).isEqualTo("mlpipe " + name);
    assertThat(sub.getCommandSpec().options().stream().map(o -> o.longestName()).toList())
        .isEqualTo(whole.getCommandSpec().options().stream().map(o -> o.longestName()).toList());
    assertThat(sub.getUsageMessage()).isEqualTo(whole.getUsageMessage());
    for (CommandLine c : List.of(alone, sub)) {
      c.setErr(new PrintWriter(err, true));
    }
    assertThat(alone.execute(name, "--pipeline", "p", "--no-such-flag")).isEqualTo(2);
    String aloneSaid = err.toString();
    err.getBuffer().setLength(0);
    assertThat(run(name, "--pipeline", "p", "--no-such-flag")).isEqualTo(2);
    assertThat(aloneSaid).isEqualTo(err.toString()).contains("see 'mlpipe " + name + " --help'");
  }

  /**
   * serve is built alone too (Main.serveCommandLine), so that the agent does not load every other
   * subcommand's classes; to a user it is the same command, also as the default one.
   */
  @Test
  void serveBuiltAloneIsTheSameCommand() {
    CommandLine alone = Main.serveCommandLine();
    CommandLine whole = Main.commandLine().getSubcommands().get("serve");
    CommandLine sub = alone.getSubcommands().get("serve");
    assertThat(sub.getCommandSpec().qualifiedName()).isEqualTo("mlpipe serve");
    assertThat(sub.getCommandSpec().options().stream().map(o -> o.longestName()).toList())
        .isEqualTo(whole.getCommandSpec().options().stream().map(o -> o.longestName()).toList());
    assertThat(sub.getUsageMessage()).isEqualTo(whole.getUsageMessage());
    for (CommandLine c : List.of(alone, sub)) {
      c.setErr(new PrintWriter(err, true));
    }
    assertThat(alone.execute("serve", "--web.listen-adress=:1")).isEqualTo(2);
    String aloneSaid = err.toString();
    err.getBuffer().setLength(0);
    assertThat(run("serve", "--web.listen-adress=:1")).isEqualTo(2);
    assertThat(aloneSaid).isEqualTo(err.toString()).contains("see 'mlpipe serve --help'");
  }

  @Test
  void serveIsChosenForNoArgumentsServeAndServesFlagsOnly() {
    assertThat(Main.isServe(new String[0])).isTrue();
    assertThat(Main.isServe(new String[] {"serve", "--log.level=warn"})).isTrue();
    assertThat(Main.isServe(new String[] {"--web.listen-address=:0"})).isTrue();
    for (String word : List.of("--help", "-h", "--version", "-V", "report", "demo", "staus")) {
      assertThat(Main.isServe(new String[] {word})).as(word).isFalse();
    }
  }

  @Test
  void runBuiltAloneStillLeavesTheCommandsFlagsToTheCommand() {
    CommandLine.ParseResult parsed =
        Main.clientCommandLine("run")
            .parseArgs("run", "--pipeline", "p", "--stage", "s", "python", "x.py", "--lr", "1");
    assertThat(parsed.subcommand().matchedPositionals().get(0).<List<String>>getValue())
        .containsExactly("python", "x.py", "--lr", "1");
  }

  @Test
  void unknownFlagIsAUsageErrorWithExitCode2() {
    assertThat(run("serve", "--web.listen-adress=:1")).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option: '--web.listen-adress=:1'");
  }

  @Test
  void aUsageErrorIsTheProblemAndWhereToReadMoreNotTheWholeUsage() {
    assertThat(run("serve", "--log.level=loud")).isEqualTo(2);
    assertThat(err.toString().lines().toList())
        .containsExactly(
            "Invalid value for option '--log.level': expected one of [debug, info, warn, error]"
                + " (case-sensitive) but was 'loud'",
            "see 'mlpipe serve --help'");
    err.getBuffer().setLength(0);
    assertThat(run("status", "--bogus")).isEqualTo(2);
    assertThat(err.toString().lines().toList())
        .containsExactly("Unknown option: '--bogus'", "see 'mlpipe status --help'");
  }

  @Test
  void picocliDoubledWordsAreSaidOnce() {
    assertThat(Main.wording("Missing required parameter for option option '--x'"))
        .isEqualTo("Missing required parameter for option '--x'");
    assertThat(Main.wording("--x: got '1 1'")).isEqualTo("--x: got '1 1'");
  }

  /** rules/README.md and the runbooks quote run's heartbeat default: the flag is the one source. */
  @Test
  void theDocsQuoteRunsHeartbeatDefault() throws Exception {
    String def =
        Main.commandLine()
            .getSubcommands()
            .get("run")
            .getCommandSpec()
            .findOption("--heartbeat")
            .defaultValue();
    assertThat(Files.readString(Path.of("../rules/README.md")))
        .contains("(`mlpipe run --heartbeat`, default " + def + ")")
        .doesNotContain("60 s heartbeat interval");
    assertThat(Files.readString(Path.of("../docs/runbooks.md")))
        .contains("whose `--heartbeat` default is " + def);
  }

  @Test
  void durationsAndSizesAreTypedOptions() {
    CommandLine cli = Main.commandLine();
    cli.parseArgs("serve", "--audit.max-size=2KiB", "--collector.gpu.interval=1m30s");
    ServeCommand serve = cli.getSubcommands().get("serve").getCommand();
    assertThat(serve.auditMaxSize).isEqualTo(2048L);
    assertThat(serve.gpuInterval).isEqualTo(java.time.Duration.ofSeconds(90));
    assertThat(run("serve", "--collector.gpu.timeout=soon")).isEqualTo(2);
    assertThat(err.toString())
        .startsWith(
            "Invalid value for option '--collector.gpu.timeout': must be a duration like 500ms, 5s"
                + " or 1m, got 'soon'");
    err.getBuffer().setLength(0);
    assertThat(run("status", "--timeout=0s")).isEqualTo(2);
    assertThat(err.toString()).contains("'--timeout': must be a duration");
  }

  @Test
  void badListenAddressIsAUsageError() {
    assertThat(run("serve", "--web.listen-address=localhost")).isEqualTo(2);
    assertThat(err.toString()).contains("listen address 'localhost' must be host:port or :port");
  }

  @Test
  void badLogLevelIsAUsageError() {
    assertThat(run("serve", "--log.level=loud")).isEqualTo(2);
    assertThat(err.toString()).contains("debug, info, warn, error");
  }

  @Test
  void versionPrintsTheBuild() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).startsWith("mlpipe, version ");
  }

  @Test
  void helpListsCollectorFlagsFromTheCatalog() {
    assertThat(run("serve", "--help")).isZero();
    assertThat(out.toString())
        .contains("--[no-]collector.jvm", "--web.listen-address", "--path.procfs");
  }

  @Test
  void collectorFlagsTurnCollectorsOffAndOn() {
    CommandLine cli = Main.commandLine();
    cli.parseArgs("serve", "--no-collector.filesystem", "--no-collector.gpu", "--collector.jvm");
    ServeCommand serve = cli.getSubcommands().get("serve").getCommand();
    assertThat(serve.collectorChoices())
        .containsExactlyInAnyOrderEntriesOf(
            java.util.Map.of("filesystem", false, "gpu", false, "jvm", true));
  }

  @Test
  void netstatFieldsDefaultIsNodeExporters150AndABadRegexIsAUsageError() {
    assertThat(run("serve", "--help")).isZero();
    assertThat(out.toString()).contains("--collector.netstat.fields", "--[no-]collector.netstat");
    CommandLine cli = Main.commandLine();
    cli.parseArgs("serve");
    ServeCommand serve = cli.getSubcommands().get("serve").getCommand();
    assertThat(serve.netstatFields)
        .isEqualTo(
            "^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|"
                + "OutMsgs)|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts)|Tcp_(ActiveOpens|"
                + "InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)|Udp6?_(InDatagrams|"
                + "OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$");
    assertThat(run("serve", "--collector.netstat.fields=^(Tcp_")).isEqualTo(2);
    assertThat(err.toString()).contains("--collector.netstat.fields: invalid regular expression");
  }

  @Test
  void aGrafanaUrlMustBeAnHttpBaseUrl() {
    for (String url : List.of("grafana.example.com", "ftp://grafana", "https://g/?orgId=1")) {
      err.getBuffer().setLength(0);
      assertThat(run("serve", "--web.grafana-url=" + url)).as(url).isEqualTo(2);
      assertThat(err.toString())
          .contains("--web.grafana-url=" + url + ": must be Grafana's base URL");
    }
    assertThat(run("demo", "--web.grafana-url=grafana:3000")).isEqualTo(2);
  }

  @Test
  void anEmptyPathIsAUsageError() {
    for (String flag : List.of("--storage.path=", "--audit.path=", "--config.file= ")) {
      err.getBuffer().setLength(0);
      assertThat(run("serve", flag)).as(flag).isEqualTo(2);
      assertThat(err.toString())
          .contains("Invalid value for option '" + flag.substring(0, flag.indexOf('=')) + "'")
          .contains("must not be empty");
    }
    assertThat(run("demo", "--storage.path=")).isEqualTo(2);
  }

  @Test
  void unknownCollectorIsAUsageError() {
    assertThat(run("serve", "--no-collector.nosuch")).isEqualTo(2);
  }

  @Test
  void checkConfigAcceptsTheShippedExample() {
    assertThat(run("check-config", "../examples/mlpipe.yml")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("SUCCESS");
  }

  @Test
  void checkConfigAcceptsAGoodFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("ok.yml");
    Files.writeString(f, "pipelines:\n  declared:\n    churn: {team: growth}\n");
    assertThat(run("check-config", f.toString())).isZero();
    assertThat(out.toString()).contains("SUCCESS: 1 pipelines declared");
  }

  @Test
  void checkConfigReportsLineNumbersAndFails(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("bad.yml");
    Files.writeString(f, "pipelines:\n  declared:\n    churn: {teem: growth}\n");
    assertThat(run("check-config", f.toString())).isEqualTo(1);
    assertThat(err.toString())
        .contains(f + ":3:13: pipelines.declared.churn.teem: unknown key 'teem'");
  }

  @Test
  void checkConfigChecksTheWebConfigWithTheAgentsLoader(@TempDir Path dir) throws Exception {
    Path good = dir.resolve("web.yml");
    Files.writeString(
        good,
        """
        basic_auth_users:
          prometheus: $2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi
        http_server_config:
          headers:
            X-Frame-Options: deny
        """);
    assertThat(run("check-config", "--web.config.file=" + good)).isZero();
    assertThat(out.toString())
        .contains("Checking " + good, "SUCCESS: web config: no TLS, 1 basic-auth users, 1 headers");

    Path bad = dir.resolve("bad-web.yml");
    Files.writeString(
        bad,
        """
        tls_server_config:
          cert_file: missing.crt
          key_file: missing.key
        basic_auth_users:
          prometheus: plain-text-password
        """);
    Path agent = dir.resolve("ok.yml");
    Files.writeString(agent, "pipelines:\n  declared:\n    churn: {team: growth}\n");
    assertThat(run("check-config", agent.toString(), "--web.config.file=" + bad)).isEqualTo(1);
    assertThat(out.toString()).contains("SUCCESS: 1 pipelines declared");
    assertThat(err.toString())
        .contains(
            "Checking " + bad,
            "FAILED",
            bad + ":2:14: tls_server_config.cert_file:",
            bad + ":5:15: basic_auth_users.prometheus: must be a bcrypt hash");
  }

  @Test
  void checkConfigReadsTlsFilesRelativeToTheWebConfigNotTheWorkingDirectory(@TempDir Path dir)
      throws Exception {
    Path tls = dir.resolve("tls");
    TestCa ca = TestCa.create("check-config-ca");
    ca.server(tls, "server");
    ca.writeCert(tls.resolve("ca.pem"));
    Path web =
        Files.writeString(
            tls.resolve("web.yml"),
            """
            tls_server_config:
              cert_file: server.crt
              key_file: server.key
              client_auth_type: RequireAndVerifyClientCert
              client_ca_file: ca.pem
            """);
    assertThat(Path.of("server.crt")).doesNotExist(); // relative to the working directory: none

    assertThat(run("check-config", "--web.config.file=" + web)).as("%s", err).isZero();
    assertThat(out.toString())
        .contains(
            "Checking " + web,
            "SUCCESS: web config: TLS TLSv1.2/TLSv1.3, client certificates:"
                + " RequireAndVerifyClientCert, 0 basic-auth users, 0 headers");
    assertThat(err.toString()).isEmpty();
  }

  /** An invalid web config, one line per YAML line ('|' for a newline), and one error it has. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      quoteCharacter = '"',
      textBlock =
          """
          bad YAML;           basic_auth_users: {alice: x;  web.yml:2:1: invalid YAML: while parsing a flow mapping
          unknown field;      basic_auth: {};               web.yml:1:1: basic_auth: unknown key 'basic_auth'
          bad bcrypt hash;    basic_auth_users:|  alice: secret;  web.yml:2:10: basic_auth_users.alice: must be a bcrypt hash like $2y$10$...
          missing cert file;  tls_server_config:|  cert_file: none.crt|  key_file: none.key;  web.yml:2:14: tls_server_config.cert_file: cannot read
          bad client_auth_type;  tls_server_config:|  cert_file: a|  key_file: b|  client_auth_type: Always;  web.yml:4:21: tls_server_config.client_auth_type: unknown client_auth_type 'Always'
          bad TLS version;    tls_server_config:|  min_version: TLS10;  web.yml:2:16: tls_server_config.min_version: TLS versions below TLS12 are disabled
          """)
  void checkConfigRefusesAWebConfigWithTheLinesServeRefusesToStartWith(
      String what, String yaml, String expected, @TempDir Path dir) throws Exception {
    Path web = Files.writeString(dir.resolve("web.yml"), yaml.replace('|', '\n') + "\n");
    String error = web + expected.strip().substring("web.yml".length());

    assertThat(run("check-config", "--web.config.file=" + web)).as("%s", err).isEqualTo(1);
    List<String> checked = err.toString().lines().toList();
    assertThat(checked.subList(0, 2)).containsExactly("Checking " + web, "  FAILED:");
    assertThat(checked).anySatisfy(line -> assertThat(line).startsWith("  " + error));
    assertThat(out.toString()).doesNotContain("SUCCESS");

    List<String> refused = serveRefusal(dir, "--web.config.file=" + web);
    assertThat(refused.get(0)).isEqualTo("mlpipe: invalid web configuration, not starting:");
    assertThat(refused.subList(1, refused.size()))
        .as("what serve refuses to start with is what check-config reports")
        .isEqualTo(checked.subList(2, checked.size()));
    assertThat(dir.resolve("data")).doesNotExist();
  }

  @Test
  void checkConfigChecksTheTokensFileTheConfigNames(@TempDir Path dir) throws Exception {
    Path agent = Files.writeString(dir.resolve("agent.yml"), "auth:\n  tokens_file: tokens.yml\n");
    Path tokens =
        Files.writeString(
            dir.resolve("tokens.yml"),
            "tokens:\n  - name: ci\n    sha256: " + "a".repeat(64) + "\n    jobs: ['*']\n");
    assertThat(run("check-config", agent.toString())).as("%s", err).isZero();
    assertThat(out.toString()).contains("Checking " + agent, "SUCCESS");

    Files.writeString(tokens, "tokens:\n  - name: ci\n    sha256: xyz\n");
    err.getBuffer().setLength(0);
    assertThat(run("check-config", agent.toString())).isEqualTo(1);
    List<String> checked = err.toString().lines().toList();
    assertThat(checked)
        .contains("Checking " + agent, "  FAILED:")
        .anySatisfy(
            line ->
                assertThat(line).startsWith("  " + tokens + ":3:13: tokens[0].sha256: must be 64"));

    List<String> refused = serveRefusal(dir, "--config.file=" + agent);
    assertThat(refused.get(0)).isEqualTo("mlpipe: invalid configuration, not starting:");
    assertThat(refused.subList(1, refused.size())).isEqualTo(checked.subList(2, checked.size()));

    Files.delete(tokens);
    err.getBuffer().setLength(0);
    assertThat(run("check-config", agent.toString())).isEqualTo(1);
    assertThat(err.toString())
        .contains(tokens + ": cannot read auth.tokens_file: No such file or directory");
  }

  @Test
  void checkConfigNeedsSomethingToCheck() {
    assertThat(run("check-config")).isEqualTo(2);
    assertThat(err.toString()).contains("at least one FILE or --web.config.file");
  }

  @Test
  void unusablePathsEndStartUpWithOneLineNamingTheFlag(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "");
    String listen = "--web.listen-address=127.0.0.1:0";
    String store = "--storage.path=" + dir.resolve("data");

    assertThat(run("serve", listen, store, "--audit.path=" + file.resolve("audit.log")))
        .isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(
            String.format(
                "mlpipe: --audit.path=%s: cannot open the audit log: %s: File exists and is not"
                    + " a directory%n",
                file.resolve("audit.log"), file));

    err.getBuffer().setLength(0);
    assertThat(run("serve", listen, "--storage.path=" + file.resolve("data"))).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(
            "mlpipe: --storage.path=%s: cannot open the store: %s: Not a directory%n"
                .formatted(file.resolve("data"), file.resolve("data")));
  }

  @Test
  void anAuditPathThatIsADirectoryEndsStartUpWithOneLine(@TempDir Path dir) throws Exception {
    String listen = "--web.listen-address=127.0.0.1:0";
    String store = "--storage.path=" + dir.resolve("data");

    assertThat(run("serve", listen, store, "--audit.path=" + dir)).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(
            "mlpipe: --audit.path=%s: cannot open the audit log: %s: Is a directory%n"
                .formatted(dir, dir));

    // "/" has no parent directory to create
    err.getBuffer().setLength(0);
    assertThat(run("serve", listen, store, "--audit.path=/")).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(
            "mlpipe: --audit.path=/: cannot open the audit log: /: Is a directory%n".formatted());
  }

  @Test
  void aStoreFromANewerVersionEndsStartUpWithOneLineNamingTheFlag(@TempDir Path dir)
      throws Exception {
    Path data = Files.createDirectory(dir.resolve("data"));
    Files.write(
        data.resolve("wal-00000000000000000001.log"),
        new byte[] {'M', 'L', 'P', 'W', 'A', 'L', 9, 0});
    assertThat(run("serve", "--web.listen-address=127.0.0.1:0", "--storage.path=" + data))
        .isEqualTo(1);
    assertThat(err.toString())
        .startsWith("mlpipe: --storage.path=" + data + ": cannot open the store: ")
        .contains("was written by a newer mlpipe (WAL format version 9")
        .hasLineCount(1);
  }

  @Test
  void demoWithAnUnusableStoragePathEndsWithOneLine(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "");
    Path data = file.resolve("data");
    assertThat(
            run(
                "demo",
                "--web.listen-address=127.0.0.1:0",
                "--duration=1s",
                "--storage.path=" + data))
        .isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(
            "mlpipe demo: --storage.path=%s: cannot open the store: %s: Not a directory%n"
                .formatted(data, data));
  }

  @Test
  void aListenAddressInUseEndsStartUpWithOneLine(@TempDir Path dir) throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      String address = "127.0.0.1:" + taken.getLocalPort();
      assertThat(
              run(
                  "serve",
                  "--web.listen-address=" + address,
                  "--storage.path=" + dir.resolve("data")))
          .isEqualTo(1);
      assertThat(err.toString())
          .startsWith("mlpipe: --web.listen-address=" + address + ": cannot listen: ")
          .contains("Address already in use")
          .doesNotContain("\tat ");
    }
  }

  @Test
  void serveRefusesToStartOnABadConfig(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("bad.yml");
    Files.writeString(f, "nope: 1\n");
    assertThat(run("serve", "--web.listen-address=127.0.0.1:0", "--config.file=" + f)).isEqualTo(1);
  }
}
