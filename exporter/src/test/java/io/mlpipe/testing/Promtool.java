package io.mlpipe.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Debian's promtool. */
public final class Promtool {

  /** Exit code and combined output. */
  public record Result(int exitCode, String output) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  private Promtool() {}

  /** {@code promtool check metrics} on an exposition text. */
  public static Result checkMetrics(String exposition) {
    return run(exposition, "check", "metrics");
  }

  /**
   * What {@code promtool check metrics} says, less the one lint it also prints for node_exporter's
   * own output: the camelCase kernel field names of {@code node_memory_*} (/proc/meminfo: MemTotal,
   * ...) and {@code node_netstat_*} (/proc/net/snmp: Tcp_ActiveOpens, ...), which node-mixin
   * queries by exactly those names.
   */
  public static List<String> metricProblems(String exposition) {
    return checkMetrics(exposition)
        .output()
        .lines()
        .filter(
            l ->
                !l.matches(
                    "^node_(memory|netstat)_\\S+ metric names should be written in 'snake_case'"
                        + " not 'camelCase'$"))
        .toList();
  }

  /** Any promtool command, e.g. {@code run(null, "check", "rules", file)}. */
  public static Result run(String stdin, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Binaries.require("promtool").toString());
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      if (stdin != null) {
        try (OutputStream in = p.getOutputStream()) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      } else {
        p.getOutputStream().close();
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("promtool " + String.join(" ", args) + " timed out");
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      throw new AssertionError("cannot run promtool", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
