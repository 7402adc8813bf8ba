package io.mlpipe.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged agent ({@code exporter/target/mlpipe.jar}) as a real process, for tests that signal,
 * kill or restart it, or that check what a user runs. It listens on port 0 and the port it got is
 * read from its start-up line ({@code listening on 127.0.0.1:0 (port N)}), so parallel tests never
 * race for a port found free and released.
 */
public final class AgentProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("listening on \\S+ \\(port (\\d+)\\)");

  private final ManagedProcess process;
  private final long logStart;
  private volatile int port;

  private AgentProcess(ManagedProcess process, long logStart) {
    this.process = process;
    this.logStart = logStart;
  }

  /**
   * The jar built by the exporter module; the e2e pom passes its path as {@code mlpipe.jar}. Fails
   * when it is missing or older than the exporter's sources, so a test never runs a stale build.
   */
  public static Path jar() {
    Path jar =
        Path.of(System.getProperty("mlpipe.jar", "target/mlpipe.jar")).toAbsolutePath().normalize();
    JarFreshness.check(jar);
    return jar;
  }

  /** Starts {@code mlpipe serve} on 127.0.0.1 port 0 with {@code args}; does not wait. */
  public static AgentProcess launch(Path dir, String... args) {
    return launchUnder(List.of(), dir, args);
  }

  /** As {@link #launch}, the java command run under {@code wrapper} (e.g. {@code nohup}). */
  public static AgentProcess launchUnder(List<String> wrapper, Path dir, String... args) {
    List<String> cmd = new ArrayList<>(wrapper);
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-jar");
    cmd.add(jar().toString());
    cmd.add("serve");
    cmd.add("--web.listen-address=127.0.0.1:0");
    cmd.addAll(List.of(args));
    Path log = dir.resolve("mlpipe.log");
    long logStart;
    try {
      Files.createDirectories(dir);
      // A restarted agent appends to the same log: only what this process writes counts.
      logStart = Files.exists(log) ? Files.size(log) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new AgentProcess(new ManagedProcess("mlpipe", cmd, log, dir), logStart);
  }

  /**
   * Starts {@code java -jar mlpipe.jar ARGS} with exactly {@code args} (which must make it listen
   * on 127.0.0.1:{@code port}) and {@code env}, as a container whose entrypoint is the jar would;
   * does not wait.
   */
  public static AgentProcess launchExactly(
      Path dir, int port, List<String> args, java.util.Map<String, String> env) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-jar");
    cmd.add(jar().toString());
    cmd.addAll(args);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return new AgentProcess(
        new ManagedProcess("mlpipe", cmd, dir.resolve("mlpipe.log"), dir, env), port);
  }

  /** Starts the agent and waits for {@code /-/ready}. */
  public static AgentProcess start(Path dir, String... args) {
    AgentProcess agent = launch(dir, args);
    agent.waitReady();
    return agent;
  }

  public void waitReady() {
    String url = url();
    Wait.until(
        "mlpipe ready at " + url,
        Duration.ofSeconds(60),
        () -> {
          if (!process.isAlive()) {
            throw new AssertionError("mlpipe exited:\n" + process.logTail(40));
          }
          return Http.isOk(url + "/-/ready");
        });
  }

  /** The port the agent got, from its start-up line; waits for that line. */
  public int port() {
    if (port == 0) {
      Wait.until(
          "mlpipe's 'listening on' line in " + process.logFile(),
          Duration.ofSeconds(60),
          () -> {
            Matcher m = LISTENING.matcher(ownLog());
            if (m.find()) {
              port = Integer.parseInt(m.group(1));
              return true;
            }
            if (!process.isAlive()) {
              throw new AssertionError("mlpipe exited before listening:\n" + process.logTail(40));
            }
            return false;
          });
    }
    return port;
  }

  private String ownLog() {
    try {
      byte[] all = Files.readAllBytes(process.logFile());
      int from = (int) Math.min(logStart, all.length);
      return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  public String hostPort() {
    return "127.0.0.1:" + port();
  }

  public ManagedProcess process() {
    return process;
  }

  @Override
  public void close() throws InterruptedException {
    process.close();
  }
}
