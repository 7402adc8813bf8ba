package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlpipe.testing.AgentProcess;
import io.mlpipe.testing.FreePort;
import io.mlpipe.testing.Http;
import io.mlpipe.testing.Wait;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mlpipe run}, {@code push}, {@code flush} and {@code status} against the packaged agent.
 */
class MlpipeRunTest {

  @TempDir static Path dir;
  private static AgentProcess agent;

  @BeforeAll
  static void startAgent() {
    agent = AgentProcess.start(dir.resolve("agent"));
  }

  @AfterAll
  static void stopAgent() throws Exception {
    agent.close();
  }

  private static Map<String, String> env(Path spool) {
    return Map.of("MLPIPE_AGENT", agent.url(), "MLPIPE_SPOOL", spool.toString());
  }

  private static Cli.Result run(String stage, String stdin, String... command) {
    List<String> args =
        new ArrayList<>(List.of("run", "--pipeline", "wrap", "--stage", stage, "--timeout", "10s"));
    args.add("--");
    args.addAll(List.of(command));
    return Cli.run(env(dir.resolve("spool-" + stage)), stdin, args.toArray(String[]::new));
  }

  private static Double value(String url, String series) {
    return Http.sampleValue(url, series);
  }

  private static String stage(String stage) {
    return "{pipeline=\"wrap\",stage=\"" + stage + "\"}";
  }

  private static String runs(String stage, String status) {
    return "mlpipe_stage_runs_total{pipeline=\"wrap\",stage=\""
        + stage
        + "\",status=\""
        + status
        + "\"}";
  }

  @Test
  void aCommandThatSucceeds() {
    Cli.Result r = run("ok", null, "true");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.stderr()).isEmpty();
    assertThat(value(agent.url(), runs("ok", "success"))).isEqualTo(1.0);
    assertThat(value(agent.url(), "mlpipe_stage_last_exit_code" + stage("ok"))).isEqualTo(0.0);
    assertThat(value(agent.url(), "mlpipe_stage_running" + stage("ok"))).isEqualTo(0.0);
    assertThat(value(agent.url(), "mlpipe_stage_duration_seconds_count" + stage("ok")))
        .isEqualTo(1.0);
    assertThat(Http.get(agent.url() + "/metrics").body())
        .containsPattern(
            "mlpipe_run_info\\{host=\"[^\"]+\",pipeline=\"wrap\",run_id=\"[^\"]+\",stage=\"ok\"} 1.0");
  }

  @Test
  void aCommandThatFailsGivesItsExitCode() {
    Cli.Result r = run("fail", null, "sh", "-c", "echo oops >&2; exit 3");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
    assertThat(r.stderr()).isEqualTo("oops\n");
    assertThat(value(agent.url(), runs("fail", "failure"))).isEqualTo(1.0);
    assertThat(value(agent.url(), runs("fail", "success"))).isEqualTo(0.0);
    assertThat(value(agent.url(), "mlpipe_stage_last_exit_code" + stage("fail"))).isEqualTo(3.0);
    assertThat(value(agent.url(), "mlpipe_stage_last_failure_timestamp_seconds" + stage("fail")))
        .isPositive();
  }

  @Test
  void aCommandKilledByASignalExitsWith128PlusN() {
    Cli.Result r = run("killed", null, "sh", "-c", "kill -TERM $$");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(143);
    assertThat(value(agent.url(), runs("killed", "failure"))).isEqualTo(1.0);
    assertThat(value(agent.url(), "mlpipe_stage_last_exit_code" + stage("killed")))
        .isEqualTo(143.0);
  }

  @Test
  void sigtermIsForwardedAndTheRunIsCancelled() throws Exception {
    Path marker = dir.resolve("started");
    Process p =
        Cli.start(
            env(dir.resolve("spool-term")),
            "run",
            "--pipeline",
            "wrap",
            "--stage",
            "term",
            "--heartbeat",
            "1s",
            "--",
            "sh",
            "-c",
            "echo $MLPIPE_PIPELINE/$MLPIPE_STAGE > " + marker + "; exec sleep 60");
    Wait.until("the command to start", Duration.ofSeconds(30), () -> Files.exists(marker));
    Wait.until(
        "a heartbeat",
        Duration.ofSeconds(15),
        () -> value(agent.url(), "mlpipe_stage_running" + stage("term")) == 1.0);
    new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
    Cli.Result r = Cli.finish(p, null);
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(143);
    assertThat(Files.readString(marker)).isEqualTo("wrap/term\n");
    assertThat(value(agent.url(), runs("term", "cancelled"))).isEqualTo(1.0);
    assertThat(value(agent.url(), "mlpipe_stage_running" + stage("term"))).isEqualTo(0.0);
  }

  @Test
  void sigintIsForwardedToTheCommandWhichDecidesHowToEnd() throws Exception {
    // Not from a terminal (no Ctrl-C reached the command already), so mlpipe passes SIGINT on;
    // the Python command handles it as a training script would (checkpoint, exit 130).
    Path started = dir.resolve("int-started");
    Path caught = dir.resolve("int-caught");
    Process p =
        Cli.start(
            env(dir.resolve("spool-int")),
            "run",
            "--pipeline",
            "wrap",
            "--stage",
            "int",
            "--",
            "/usr/bin/python3",
            "-c",
            """
            import pathlib, signal, sys, time
            def on_int(*_):
                pathlib.Path(sys.argv[2]).write_text("checkpointed")
                sys.exit(130)
            signal.signal(signal.SIGINT, on_int)
            pathlib.Path(sys.argv[1]).write_text("started")
            time.sleep(60)
            """,
            started.toString(),
            caught.toString());
    Wait.until("the command to start", Duration.ofSeconds(30), () -> Files.exists(started));
    new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
    Cli.Result r = Cli.finish(p, null);
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(130);
    assertThat(caught).hasContent("checkpointed");
    assertThat(value(agent.url(), runs("int", "cancelled"))).isEqualTo(1.0);
    assertThat(value(agent.url(), "mlpipe_stage_last_exit_code" + stage("int"))).isEqualTo(130.0);
  }

  @Test
  void cpuAndPeakMemoryOfTheProcessTree() {
    // A shell whose child allocates 64 MiB and burns CPU: both are counted for the stage.
    Cli.Result r =
        run(
            "burn",
            null,
            "sh",
            "-c",
            "/usr/bin/python3 -c 'x = bytearray(64 << 20); s = sum(range(10**8))'; true");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(value(agent.url(), "mlpipe_stage_cpu_seconds_total" + stage("burn")))
        .isGreaterThan(0.3);
    assertThat(value(agent.url(), "mlpipe_stage_memory_peak_bytes" + stage("burn")))
        .isGreaterThan(64.0 * 1024 * 1024);
  }

  @Test
  void stdinStdoutAndEnvironmentPassThrough() {
    Cli.Result r =
        Cli.run(
            env(dir.resolve("spool-io")),
            "hello\nworld\n",
            "run",
            "--pipeline",
            "wrap",
            "--stage",
            "io",
            "--run-id",
            "r-42",
            "--",
            "sh",
            "-c",
            "tr a-z A-Z; echo $MLPIPE_PIPELINE $MLPIPE_STAGE $MLPIPE_RUN_ID");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.stdout()).isEqualTo("HELLO\nWORLD\nwrap io r-42\n");
    assertThat(Http.get(agent.url() + "/metrics").body()).contains("run_id=\"r-42\"");
  }

  @Test
  void withTheAgentDownTheCommandRunsAndItsEventsAreDeliveredLater() throws Exception {
    // Nothing listens there; the agent that comes up later gets a port of its own, and the spool
    // is delivered to whichever agent MLPIPE_AGENT names when flushing.
    String downUrl = "http://127.0.0.1:" + FreePort.next();
    Path spool = dir.resolve("spool-down");
    Map<String, String> downEnv = Map.of("MLPIPE_AGENT", downUrl, "MLPIPE_SPOOL", spool.toString());

    Cli.Result r =
        Cli.run(
            downEnv,
            null,
            "run",
            "--pipeline",
            "wrap",
            "--stage",
            "down",
            "--",
            "sh",
            "-c",
            "echo working; exit 5");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(5);
    assertThat(r.stdout()).isEqualTo("working\n");
    assertThat(r.stderr().lines().toList())
        .singleElement()
        .asString()
        .startsWith("mlpipe: warning: agent " + downUrl + " unreachable")
        .contains(spool.toString());
    Cli.Result pushed =
        Cli.run(
            downEnv,
            null,
            "push",
            "--pipeline",
            "wrap",
            "--stage",
            "down",
            "--type",
            "records",
            "--processed",
            "1000",
            "--invalid",
            "3");
    assertThat(pushed.exitCode()).as(pushed.toString()).isZero();
    try (Stream<Path> files = Files.list(spool)) {
      assertThat(files.filter(f -> f.toString().endsWith(".ndjson")).count()).isGreaterThan(1);
    }
    // A file the agent will refuse: moved aside, never retried.
    Files.writeString(
        spool.resolve("0000000000001-0000000001-000001.ndjson"),
        "{\"type\":\"bogus\",\"pipeline\":\"wrap\"}\n");

    try (AgentProcess late = AgentProcess.start(dir.resolve("late"))) {
      String url = late.url();
      Map<String, String> env = Map.of("MLPIPE_AGENT", url, "MLPIPE_SPOOL", spool.toString());
      Cli.Result flushed = Cli.run(env, null, "flush", "--timeout", "10s");
      assertThat(flushed.exitCode()).as(flushed.toString()).isZero();
      assertThat(flushed.stdout()).contains("sent 3 events").contains("1 files refused");
      assertThat(flushed.stderr()).contains("refused spooled events").contains("rejected");
      assertThat(spool.resolve("rejected")).isDirectoryContaining("glob:**.ndjson");
      assertThat(value(url, runs("down", "failure"))).isEqualTo(1.0);
      assertThat(value(url, "mlpipe_stage_last_exit_code" + stage("down"))).isEqualTo(5.0);
      assertThat(value(url, "mlpipe_stage_running" + stage("down"))).isEqualTo(0.0);
      assertThat(value(url, "mlpipe_stage_duration_seconds_count" + stage("down"))).isEqualTo(1.0);

      // Nothing is sent twice: flushing again, and the next run, count only what is new.
      assertThat(Cli.run(env, null, "flush").stdout()).contains("sent 0 events");
      Cli.Result next =
          Cli.run(
              env,
              null,
              "run",
              "--pipeline",
              "wrap",
              "--stage",
              "down",
              "--timeout",
              "10s",
              "--",
              "true");
      assertThat(next.exitCode()).as(next.toString()).isZero();
      assertThat(value(url, runs("down", "failure"))).isEqualTo(1.0);
      assertThat(value(url, runs("down", "success"))).isEqualTo(1.0);
      assertThat(
              value(
                  url,
                  "mlpipe_stage_records_total{outcome=\"processed\",pipeline=\"wrap\",stage=\"down\"}"))
          .isEqualTo(1000.0);

      Cli.Result status = Cli.run(env, null, "status");
      assertThat(status.exitCode()).as(status.toString()).isZero();
      assertThat(status.stdout())
          .startsWith("PIPELINE")
          .containsPattern("wrap +ok +down +ok .*invalid=3 processed=1000");
    }
  }

  @Test
  void aBadAgentUrlLeavesTheCommandRunningUnreported() {
    Cli.Result r =
        Cli.run(
            Map.of(
                "MLPIPE_AGENT",
                "localhost:9478",
                "MLPIPE_SPOOL",
                dir.resolve("spool-bad").toString()),
            null,
            "run",
            "--pipeline",
            "wrap",
            "--stage",
            "bad",
            "--",
            "sh",
            "-c",
            "echo ran; exit 4");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
    assertThat(r.stdout()).isEqualTo("ran\n");
    assertThat(r.stderr())
        .isEqualTo(
            "mlpipe: warning: the agent URL must look like http://HOST:PORT, got 'localhost:9478';"
                + " running the command without reporting\n");
  }

  @Test
  void pushRefusedByTheAgentExits1WithItsErrorsAndUsageErrorsExit2() {
    Map<String, String> env = env(dir.resolve("spool-push"));
    Cli.Result refused =
        Cli.run(
            env,
            null,
            "push",
            "--pipeline",
            "wrap",
            "--stage",
            "s",
            "--type",
            "heartbeat",
            "--progress",
            "1.5");
    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
    assertThat(refused.stderr()).contains("field progress: must be a ratio between 0 and 1");
    Cli.Result usage =
        Cli.run(
            env,
            null,
            "push",
            "--pipeline",
            "wrap",
            "--type",
            "drift",
            "--feature",
            "f",
            "--processed",
            "3");
    assertThat(usage.exitCode()).as(usage.toString()).isEqualTo(2);
    assertThat(usage.stderr())
        .contains("--score is required for drift events")
        .contains("--processed does not apply to drift events");
    assertThat(dir.resolve("spool-push")).doesNotExist();
  }

  @Test
  void aFailedRunSendsTheTailOfItsStderrWhichPassesThroughUnchanged() throws Exception {
    // 30 lines of a traceback-like stderr, and output on stdout that must not be mixed in.
    String script =
        "for i in $(seq 1 29); do echo \"  frame $i\" >&2; done; echo out;"
            + " echo 'RuntimeError: CUDA out of memory' >&2; exit 1";
    Cli.Result r = run("oom", null, "sh", "-c", script);
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    StringBuilder expected = new StringBuilder();
    for (int i = 1; i <= 29; i++) {
      expected.append("  frame ").append(i).append('\n');
    }
    expected.append("RuntimeError: CUDA out of memory\n");
    assertThat(r.stderr()).isEqualTo(expected.toString());
    assertThat(r.stdout()).isEqualTo("out\n");

    JsonNode stage = stageStatus("oom");
    String error = stage.path("last_error").asText();
    assertThat(error.lines().toList())
        .hasSize(20)
        .startsWith("  frame 11")
        .endsWith("RuntimeError: CUDA out of memory");
    assertThat(Http.get(agent.url() + "/pipelines").body())
        .contains("RuntimeError: CUDA out of memory");
    Cli.Result status =
        Cli.run(env(dir.resolve("spool-oom")), null, "status", "--pipeline", "wrap");
    assertThat(status.stdout())
        .contains("wrap/oom last failure:", "  | RuntimeError: CUDA out of memory");

    // It goes with the next run.
    assertThat(run("oom", null, "true").exitCode()).isZero();
    assertThat(stageStatus("oom").has("last_error")).isFalse();
  }

  @Test
  void aHungCommandStopsItsHeartbeatsWhileABusyOneKeepsSendingThem() throws Exception {
    Map<String, String> env = env(dir.resolve("spool-hb"));
    Process hung =
        Cli.start(
            env,
            "run",
            "--pipeline",
            "wrap",
            "--stage",
            "hung",
            "--heartbeat",
            "1s",
            "--",
            "sleep",
            "600");
    Process busy =
        Cli.start(
            env,
            "run",
            "--pipeline",
            "wrap",
            "--stage",
            "busy",
            "--heartbeat",
            "1s",
            "--",
            "/usr/bin/python3",
            "-c",
            "while True: pass");
    Process old =
        Cli.start(
            env,
            "run",
            "--pipeline",
            "wrap",
            "--stage",
            "always",
            "--heartbeat",
            "1s",
            "--heartbeat-when",
            "always",
            "--",
            "sleep",
            "600");
    try {
      Wait.until(
          "all three to start",
          Duration.ofSeconds(30),
          () ->
              Stream.of("hung", "busy", "always")
                  .allMatch(st -> value(agent.url(), "mlpipe_stage_running" + stage(st)) == 1.0));
      double hungStart =
          value(agent.url(), "mlpipe_stage_last_start_timestamp_seconds" + stage("hung"));
      double busyStart =
          value(agent.url(), "mlpipe_stage_last_start_timestamp_seconds" + stage("busy"));
      double alwaysStart =
          value(agent.url(), "mlpipe_stage_last_start_timestamp_seconds" + stage("always"));
      // Four beats of the busy command (and of the one told to beat always) ...
      Wait.until(
          "heartbeats of the busy command and of --heartbeat-when always",
          Duration.ofSeconds(30),
          () ->
              value(agent.url(), "mlpipe_stage_heartbeat_timestamp_seconds" + stage("busy"))
                      >= busyStart + 4
                  && value(
                          agent.url(), "mlpipe_stage_heartbeat_timestamp_seconds" + stage("always"))
                      >= alwaysStart + 4);
      // ... and meanwhile the sleeping one sent none after its start (at most one, for exec).
      double hungBeat =
          value(agent.url(), "mlpipe_stage_heartbeat_timestamp_seconds" + stage("hung"));
      assertThat(hungBeat).isLessThan(hungStart + 1.5);
      JsonNode hungStatus = stageStatus("hung");
      assertThat(hungStatus.path("heartbeat_age_seconds").asDouble()).isGreaterThan(2.0);
    } finally {
      for (Process p : List.of(hung, busy, old)) {
        new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
        Cli.finish(p, null);
      }
    }
  }

  private static JsonNode stageStatus(String stage) throws Exception {
    JsonNode p =
        new ObjectMapper().readTree(Http.get(agent.url() + "/api/v1/pipelines/wrap").body());
    return p.path("data").path("stages").path(stage);
  }
}
