package io.mlpipe.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code mlpipe run}'s arguments read without picocli, for the plain form every pipeline uses
 * ({@code run --pipeline P --stage S [--OPTION VALUE | --OPTION=VALUE]... [--] CMD ARGS...}).
 * Building picocli's command line (its converters, annotation proxies, the model of every option)
 * was ~60% of what {@code mlpipe run} did before it started the wrapped command: this reads the
 * same options into the same fields and leaves everything else to picocli, which gives help,
 * version, usage errors and their exit code 2 as before. Whatever this cannot read with certainty
 * (an unknown or repeated option, a value that is empty or starts with {@code -}, a value its
 * converter refuses, a missing option or command) is not an error here: {@link #parse} answers null
 * and picocli parses the arguments. RunArgsTest holds the two to the same result for every option,
 * and fails when RunCommand gains an option this does not know.
 */
final class RunArgs {

  /** The options read here: all of RunCommand's and AgentConnection's but help and version. */
  static final Set<String> OPTIONS =
      Set.of(
          "--pipeline",
          "--stage",
          "--heartbeat",
          "--heartbeat-when",
          "--run-id",
          "--host",
          "--agent",
          "--token",
          "--spool-dir",
          "--timeout");

  // The annotations' defaults ("15s", "activity", "2s") as values, without the duration parser's
  // regex; RunArgsTest compares them with what picocli makes of the annotations.
  static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);
  static final RunCommand.HeartbeatWhen DEFAULT_HEARTBEAT_WHEN = RunCommand.HeartbeatWhen.activity;
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

  private RunArgs() {}

  /**
   * The run command {@code args} (starting with {@code run}) describe, ready to call, or null when
   * picocli must parse them.
   */
  static RunCommand parse(String... args) {
    if (args.length < 2 || !args[0].equals("run")) {
      return null;
    }
    RunCommand run = new RunCommand();
    AgentConnection agent = new AgentConnection();
    run.agent = agent;
    Set<String> seen = new HashSet<>();
    int i = 1;
    try {
      while (i < args.length) {
        String arg = args[i];
        if (arg.equals("--")) {
          i++;
          break;
        }
        if (!arg.startsWith("-")) {
          break; // the command: it and everything after it are the command's (stopAtPositional)
        }
        int eq = arg.indexOf('=');
        String name = eq < 0 ? arg : arg.substring(0, eq);
        String value;
        if (eq >= 0) {
          value = arg.substring(eq + 1);
          i++;
        } else if (i + 1 < args.length) {
          value = args[i + 1];
          i += 2;
        } else {
          return null;
        }
        if (!OPTIONS.contains(name)
            || !seen.add(name)
            || value.isEmpty()
            || value.startsWith("-")) {
          return null;
        }
        switch (name) {
          case "--pipeline" -> run.pipeline = value;
          case "--stage" -> run.stage = value;
          case "--heartbeat" -> run.heartbeat = new Converters.NonNegativeDuration().convert(value);
          case "--heartbeat-when" -> run.heartbeatWhen = RunCommand.HeartbeatWhen.valueOf(value);
          case "--run-id" -> run.runId = value;
          case "--host" -> run.host = value;
          case "--agent" -> agent.agent = value;
          case "--token" -> agent.token = value;
          case "--spool-dir" -> agent.spoolDir = Path.of(value);
          case "--timeout" -> agent.timeout = new Converters.PositiveDuration().convert(value);
          default -> throw new IllegalStateException("an option of OPTIONS not read: " + name);
        }
      }
    } catch (RuntimeException e) {
      return null; // a value the converter refuses: picocli says so, as a usage error
    }
    if (i >= args.length || run.pipeline == null || run.stage == null) {
      return null;
    }
    if (run.heartbeat == null) {
      run.heartbeat = DEFAULT_HEARTBEAT;
    }
    if (run.heartbeatWhen == null) {
      run.heartbeatWhen = DEFAULT_HEARTBEAT_WHEN;
    }
    if (agent.timeout == null) {
      agent.timeout = DEFAULT_TIMEOUT;
    }
    run.command = new ArrayList<>(Arrays.asList(args).subList(i, args.length));
    return run;
  }
}
