package io.mlpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlpipe.testing.FreePort;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The client subcommands' parts that need no agent: events, spool, table, /proc parsing. */
class ClientCommandsTest {

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void pushChecksFlagsAgainstTheTypeBeforeSending() {
    assertThat(
            run("push", "--pipeline", "p", "--type", "records", "--processed", "1", "--score", "2"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("--stage is required for records events")
        .contains("--score does not apply to records events");
    assertThat(run("push", "--pipeline", "p", "--type", "wrong")).isEqualTo(2);
    assertThat(run("push", "--pipeline", "p", "--stage", "s", "--type", "records")).isEqualTo(2);
    assertThat(err.toString()).contains("a records event needs --processed");
    // Records are counted: 1.5 of them is a usage error, before anything is sent.
    assertThat(
            run(
                "push",
                "--pipeline",
                "p",
                "--stage",
                "s",
                "--type",
                "records",
                "--processed",
                "1.5"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--processed").contains("must be a whole number");
  }

  @Test
  void pushTypesItsFlagsAtParseTime() {
    // Times are Unix seconds or RFC 3339, enums their constants: a typo is a usage error (2).
    String[] heartbeat = {"push", "--pipeline", "p", "--stage", "s", "--type", "heartbeat"};
    assertThat(run(concat(heartbeat, "--time", "yesterday"))).isEqualTo(2);
    assertThat(err.toString())
        .contains("Invalid value for option '--time'")
        .contains(
            "must be Unix seconds or an RFC 3339 time like 2026-01-02T03:04:05Z, got 'yesterday'");
    assertThat(run(concat(heartbeat, "--time", "-5"))).isEqualTo(2);
    assertThat(
            run(
                "push",
                "--pipeline",
                "p",
                "--stage",
                "s",
                "--type",
                "stage_finished",
                "--status",
                "ok"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("Invalid value for option '--status'")
        .contains("[success, failure, cancelled]");
    assertThat(new Converters.UnixTime().convert("2026-01-02T03:04:05.5Z")).isEqualTo(1767323045.5);
    assertThat(new Converters.UnixTime().convert("1767323045")).isEqualTo(1767323045.0);
  }

  private static String[] concat(String[] a, String... b) {
    return java.util.stream.Stream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b))
        .toArray(String[]::new);
  }

  @Test
  void aBadAgentUrlIsAUsageErrorForPush() {
    assertThat(
            run(
                "push",
                "--agent",
                "localhost:9478",
                "--pipeline",
                "p",
                "--stage",
                "s",
                "--type",
                "heartbeat"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("the agent URL must look like http://HOST:PORT");
  }

  @Test
  void pushSpoolsWhenTheAgentIsUnreachableAndFlushSaysWhatWaits() throws Exception {
    String agent = "http://127.0.0.1:" + FreePort.next();
    Path spool = dir.resolve("spool");
    assertThat(
            run(
                "push",
                "--agent",
                agent,
                "--spool-dir",
                spool.toString(),
                "--pipeline",
                "p",
                "--stage",
                "s",
                "--type",
                "records",
                "--processed",
                "7",
                "--id",
                "x1"))
        .isZero();
    assertThat(err.toString())
        .contains("unreachable (connection refused)")
        .contains(spool.toString());
    List<Path> files = new Spool(spool).pending();
    assertThat(files).hasSize(1);
    assertThat(new ObjectMapper().readTree(Files.readString(files.get(0))).path("id").asText())
        .isEqualTo("x1");
    assertThat(run("flush", "--agent", agent, "--spool-dir", spool.toString())).isEqualTo(1);
    assertThat(out.toString()).contains("1 files waiting");
  }

  @Test
  void statusTableShowsStagesWithAgesSlaRecordsErrorsAndPushedGroups() throws Exception {
    String json =
        """
        [{"name":"churn","status":"failed","stages":{
          "train":{"status":"failure","health":"failed","last_start":900,"last_failure":990,
                   "last_duration_seconds":90,"sla_seconds":60,"over_sla":true,
                   "heartbeat_age_seconds":10,"records":{"corrupt":0,"invalid":3,"processed":1000},
                   "last_error":"Traceback (most recent call last):\\nRuntimeError: CUDA out of memory"},
          "eval":{"status":"running","health":"running","last_start":995,"duration_seconds":5,
                  "last_duration_seconds":120,"progress":0.5,"records":{}}},
          "problems":["churn/train: failed (exit code 1)"],
          "pushed":[{"grouping_key":{"job":"trainer","pipeline":"churn","stage":"train"},
                     "last_push":998,"families":["gpu_seconds_total","loss"]}]},
         {"name":"fresh","status":"unknown"}]
        """;
    String table =
        StatusCommand.table(StatusCommand.pipelines(new ObjectMapper().readTree(json)), 1000);
    assertThat(table.lines().toList())
        .containsExactly(
            "PIPELINE  STATUS   STAGE  STAGE STATUS  LAST RUN        DURATION / SLA      HEARTBEAT  RECORDS",
            "churn     failed   train  failed        10s ago         1m30s / 1m00s OVER  10s ago    invalid=3 processed=1000",
            "churn     failed   eval   running 50%   started 5s ago  5s                  -          -",
            "fresh     unknown  -      -             -               -                   -          -",
            "churn/train last failure:",
            "  | Traceback (most recent call last):",
            "  | RuntimeError: CUDA out of memory",
            "problem: churn/train: failed (exit code 1)",
            "churn pushed {job=trainer,pipeline=churn,stage=train}: last push 2s ago,"
                + " last failed push -, families gpu_seconds_total loss");
  }

  @Test
  void procStatTimesAreReadAfterTheCommandName() throws Exception {
    Path stat = dir.resolve("stat");
    // A command name with spaces and parentheses; utime..cstime are fields 14..17.
    Files.writeString(
        stat,
        "4242 (my (odd) cmd) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 30 7 3 20 0 1 0 100 1000 50\n");
    assertThat(ProcessTreeUsage.ticks(stat)).containsExactly(250, 30, 7, 3);
    assertThat(ProcessTreeUsage.ticks(dir.resolve("gone"))).isNull();
    Path status = dir.resolve("status");
    Files.writeString(status, "Name:\tx\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\n");
    assertThat(ProcessTreeUsage.memory(status)).containsExactly(1024L * 1024, 2048L * 1024);
  }

  @Test
  void procFieldsAreSplitAtRunsOfWhitespace() {
    assertThat(ProcessTreeUsage.words(" 12\t 34  kB\n")).containsExactly("12", "34", "kB");
    assertThat(ProcessTreeUsage.words("one")).containsExactly("one");
    assertThat(ProcessTreeUsage.words(" \t\n")).isEmpty();
  }
}
