package io.mlpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** RunArgs reads what picocli reads, or leaves the arguments to picocli. */
class RunArgsTest {

  @TempDir static Path dir;

  /** What picocli makes of {@code args}, with the command line `mlpipe run` really uses. */
  private static RunCommand viaPicocli(String... args) {
    CommandLine.ParseResult parsed = Main.clientCommandLine("run").parseArgs(args);
    return parsed.subcommand().commandSpec().commandLine().getCommand();
  }

  /** Every field either parser sets, with the value's class (a Path is not a String). */
  private static List<Object> fields(RunCommand r) {
    AgentConnection a = r.agent;
    return Arrays.asList(
        r.pipeline,
        r.stage,
        r.heartbeat,
        r.heartbeatWhen,
        r.runId,
        r.host,
        r.command,
        a.agent,
        a.token,
        a.spoolDir,
        a.timeout);
  }

  static Stream<List<String>> plainRuns() throws Exception {
    Path atFile = Files.writeString(dir.resolve("args.txt"), "--replaced\n");
    return Stream.of(
        List.of("run", "--pipeline", "p", "--stage", "s", "--", "true"),
        List.of("run", "--pipeline", "p", "--stage", "s", "true"),
        List.of("run", "--stage=s", "--pipeline=churn", "python", "train.py", "--lr", "1"),
        // after the command, everything is the command's: options of ours, "--", @files
        List.of("run", "--pipeline", "p", "--stage", "s", "sh", "-c", "x", "--", "--stage", "t"),
        List.of("run", "--pipeline", "p", "--stage", "s", "--", "echo", "@" + atFile),
        List.of("run", "--pipeline", "p", "--stage", "s", "--", "--pipeline", "x"),
        List.of("run", "--pipeline", "p", "--stage", "s", "@" + atFile),
        // every option, both spellings
        List.of(
            "run",
            "--pipeline",
            "p",
            "--stage",
            "s",
            "--heartbeat",
            "1m30s",
            "--heartbeat-when",
            "always",
            "--run-id",
            "r-1",
            "--host",
            "gpu-node-1",
            "--agent",
            "http://127.0.0.1:1",
            "--token",
            "t0k=n",
            "--spool-dir",
            "rel/spool",
            "--timeout",
            "500ms",
            "--",
            "true"),
        List.of(
            "run",
            "--pipeline=p",
            "--stage=s",
            "--heartbeat=0",
            "--heartbeat-when=activity",
            "--run-id=r-1",
            "--host=h",
            "--agent=https://agent:9478",
            "--token=a=b",
            "--spool-dir=/tmp/spool",
            "--timeout=10s",
            "true"));
  }

  @ParameterizedTest
  @MethodSource("plainRuns")
  void readsWhatPicocliReads(List<String> args) {
    String[] argv = args.toArray(String[]::new);
    RunCommand fast = RunArgs.parse(argv);
    assertThat(fast).as("read without picocli").isNotNull();
    assertThat(fields(fast)).isEqualTo(fields(viaPicocli(argv)));
  }

  @Test
  void theCommandsArgumentsReachItAsTheyAre() throws Exception {
    Path atFile = Files.writeString(dir.resolve("body.json"), "{}\n");
    String[] argv = {"run", "--pipeline", "p", "--stage", "s", "--", "curl", "-d", "@" + atFile};
    assertThat(viaPicocli(argv).command).containsExactly("curl", "-d", "@" + atFile);
    assertThat(RunArgs.parse(argv).command).containsExactly("curl", "-d", "@" + atFile);
  }

  /** Help, version, usage errors and anything unusual: picocli's, as before. */
  static Stream<List<String>> leftToPicocli() {
    return Stream.of(
        List.of("run"),
        List.of("run", "--help"),
        List.of("run", "-h"),
        List.of("run", "--version"),
        List.of("run", "--pipeline", "p", "--stage", "s"),
        List.of("run", "--pipeline", "p", "--stage", "s", "--"),
        List.of("run", "--pipeline", "p", "--", "true"),
        List.of("run", "--stage", "s", "true"),
        List.of("run", "--pipeline", "p", "--pipeline", "q", "--stage", "s", "true"),
        List.of("run", "--pipeline", "--stage", "s", "true"),
        List.of("run", "--pipeline", "-x", "--stage", "s", "true"),
        List.of("run", "--pipeline=", "--stage", "s", "true"),
        List.of("run", "--pipeline", "p", "--stage", "s", "--nope", "1", "true"),
        List.of("run", "--pipeline", "p", "--stage", "s", "--heartbeat", "soon", "true"),
        List.of("run", "--pipeline", "p", "--stage", "s", "--heartbeat-when", "ALWAYS", "true"),
        List.of("run", "--pipeline", "p", "--stage", "s", "--timeout", "0", "true"),
        List.of("run", "--pipeline", "p", "--stage", "s", "--timeout"),
        List.of("push", "--pipeline", "p", "--stage", "s", "true"));
  }

  @ParameterizedTest
  @MethodSource("leftToPicocli")
  void leavesAnythingElseToPicocli(List<String> args) {
    assertThat(RunArgs.parse(args.toArray(String[]::new))).isNull();
  }

  @Test
  void aUsageErrorIsStillPicoclisWithExitCode2() {
    assertThat(Main.run("run", "--pipeline", "p", "--stage", "s", "--timeout", "0", "true"))
        .isEqualTo(2);
  }

  /** A new option in RunCommand or AgentConnection must be read here too (or its default lost). */
  @Test
  void knowsEveryOptionOfRun() {
    CommandLine run = Main.clientCommandLine("run").getSubcommands().get("run");
    Set<String> names =
        run.getCommandSpec().options().stream()
            .flatMap(o -> Arrays.stream(o.names()))
            .filter(n -> !Set.of("-h", "--help", "-V", "--version").contains(n))
            .collect(Collectors.toSet());
    assertThat(RunArgs.OPTIONS).isEqualTo(names);
    List<String> covered = new ArrayList<>();
    plainRunsUnchecked().forEach(covered::addAll);
    for (String name : names) {
      assertThat(covered).as("a plain run in the test uses " + name).contains(name);
    }
  }

  private static Stream<List<String>> plainRunsUnchecked() {
    try {
      return plainRuns();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
