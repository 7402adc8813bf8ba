package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.testing.AgentProcess;
import io.mlpipe.testing.Http;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every shell command in a fenced {@code sh} block of README.md, docs/ and rules/README.md is run
 * (against an agent this test starts, its address put where the docs say localhost:9478 or AGENT),
 * or named below with the reason it is not; a doc command that fails, or a new one that is in
 * neither list, fails the build.
 */
class DocCommandsTest {

  private static final Path ROOT =
      Path.of(System.getProperty("mlpipe.root", "..")).toAbsolutePath().normalize();

  /** Commands not run here, by prefix, with why. */
  private static final Map<String, String> NOT_RUN =
      Map.ofEntries(
          Map.entry("scripts/quickstart.sh", "runs until Ctrl-C; QuickstartTest runs it"),
          Map.entry("scripts/test.sh", "the build this test is part of"),
          Map.entry("mvn -B -q package", "the build this test is part of"),
          Map.entry("bin/mlpipe demo --speed", "runs until interrupted; DemoAlertsTest runs it"),
          Map.entry("bin/mlpipe demo --fault", "runs until interrupted; DemoFaultsTest runs it"),
          Map.entry("bin/mlpipe demo --agent http://node-1", "another host"),
          Map.entry("bin/mlpipe --web.listen-address", "a server; AgentProcess runs it"),
          Map.entry(
              "bin/mlpipe run --pipeline churn --stage train -- python train.py",
              "the user's own train.py; MlpipeRunTest wraps real commands"),
          Map.entry("prometheus --config.file", "a server; ExamplePrometheusConfigTest runs it"),
          Map.entry("prometheus-alertmanager", "a server; AlertDeliveryTest runs one"),
          // Nothing here may reach a cluster, a registry or another host.
          Map.entry(
              "helm install",
              "needs a Kubernetes cluster; the helm module renders, lints and runs the chart"),
          Map.entry("kubectl ", "needs a Kubernetes cluster"),
          Map.entry("docker ", "needs a Docker engine; ImageTarballTest checks the image tarball"),
          Map.entry("mvn -B -pl helm -am package -Pregistry", "pushes to a container registry"),
          Map.entry(
              "bin/mlpipe report --prometheus http://prometheus:9090",
              "reads the user's Prometheus; ReportTest runs the same flags against a real one"),
          Map.entry(
              "bin/mlpipe report --prometheus https://prom.example.com",
              "another host; ReportTest covers TLS and basic auth against a real Prometheus"));

  /**
   * Commands the docs show that fail today, each with the issue that fixes it: run and expected to
   * fail, so that this list is emptied when they work.
   */
  private static final Map<String, String> KNOWN_BROKEN = Map.of();

  @TempDir Path dir;

  @Test
  void everyDocCommandRunsOrIsListed() throws Exception {
    List<String> commands = new ArrayList<>();
    for (Path doc : docs()) {
      commands.addAll(commands(Files.readString(doc, StandardCharsets.UTF_8)));
    }
    assertThat(commands).hasSizeGreaterThan(10);
    List<String> failures = new ArrayList<>();
    try (AgentProcess agent = AgentProcess.start(dir.resolve("agent"))) {
      // The pipeline the docs' "--pipeline P" stands for, so that commands about it find one.
      Http.Response started =
          Http.post(
              agent.url() + "/api/v1/events",
              "application/json",
              "[{\"type\":\"stage_started\",\"pipeline\":\"churn\",\"stage\":\"train\"}]");
      assertThat(started.status()).as(started.body()).isEqualTo(202);
      for (String c : commands) {
        String cmd = c.startsWith("mlpipe ") ? "bin/" + c : c;
        if (NOT_RUN.keySet().stream().anyMatch(cmd::startsWith)) {
          continue;
        }
        cmd =
            cmd.replace("localhost:9478", agent.hostPort())
                .replace("http://127.0.0.1:9478", agent.url())
                .replace("AGENT/", agent.url() + "/")
                .replaceAll("--pipeline P\\b", "--pipeline churn");
        boolean broken = KNOWN_BROKEN.keySet().stream().anyMatch(cmd::startsWith);
        String result = run(cmd, agent.url());
        if (broken && result == null) {
          failures.add("works now, remove it from KNOWN_BROKEN: " + cmd);
        } else if (!broken && result != null) {
          failures.add(result);
        }
      }
    }
    assertThat(failures).isEmpty();
  }

  private static List<Path> docs() throws IOException {
    List<Path> docs =
        new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("rules/README.md")));
    try (Stream<Path> s = Files.walk(ROOT.resolve("docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    return docs;
  }

  /** The commands of a Markdown text's sh blocks: continuations joined, comments dropped. */
  static List<String> commands(String markdown) {
    List<String> out = new ArrayList<>();
    Matcher block =
        Pattern.compile("```(?:sh|bash|shell)\\n(.*?)```", Pattern.DOTALL).matcher(markdown);
    while (block.find()) {
      StringBuilder cmd = new StringBuilder();
      for (String line : block.group(1).split("\n")) {
        if (cmd.isEmpty() && (line.isBlank() || line.strip().startsWith("#"))) {
          continue;
        }
        cmd.append(cmd.isEmpty() ? "" : "\n").append(line);
        String s = cmd.toString();
        boolean openQuote = s.chars().filter(ch -> ch == '\'').count() % 2 == 1;
        if (openQuote || s.endsWith("\\")) {
          continue;
        }
        out.add(s.replaceAll("\\s+#\\s[^'\"]*$", "").strip());
        cmd.setLength(0);
      }
    }
    return out;
  }

  /**
   * Null when {@code cmd} exits 0 in time, else what went wrong. A build ({@code mvn ... package},
   * with the CDS archive) gets 240 s: it took over 60 s on the 2-core machine while other tests
   * ran.
   */
  private String run(String cmd, String agentUrl) throws Exception {
    long limitSeconds = cmd.startsWith("mvn ") ? 240 : 60;
    Path out = Files.createTempFile(dir, "cmd", ".out");
    ProcessBuilder pb =
        new ProcessBuilder("bash", "-c", cmd)
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile());
    pb.environment().put("MLPIPE_AGENT", agentUrl);
    pb.environment().put("MLPIPE_SPOOL", dir.resolve("spool").toString());
    Process p = pb.start();
    if (!p.waitFor(limitSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return cmd + ": did not finish in " + limitSeconds + " s";
    }
    return p.exitValue() == 0
        ? null
        : cmd + ": exit " + p.exitValue() + "\n" + Files.readString(out, StandardCharsets.UTF_8);
  }
}
