package io.mlpipe.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged agent ({@code exporter/target/mlpipe.jar}) as a real process, for tests that signal,
 * kill or restart it, or that check what a user runs.
 */
public final class AgentProcess implements AutoCloseable {

  private final ManagedProcess process;
  private final int port;

  private AgentProcess(ManagedProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /** The jar built by the exporter module; the e2e pom passes its path as {@code mlpipe.jar}. */
  public static Path jar() {
    Path jar =
        Path.of(System.getProperty("mlpipe.jar", "target/mlpipe.jar")).toAbsolutePath().normalize();
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError(jar + " is missing: run mvn package on the exporter first");
    }
    return jar;
  }

  /** Starts {@code mlpipe serve} on a free port with {@code args}; does not wait. */
  public static AgentProcess launch(Path dir, int port, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-jar");
    cmd.add(jar().toString());
    cmd.add("serve");
    cmd.add("--web.listen-address=127.0.0.1:" + port);
    cmd.addAll(List.of(args));
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return new AgentProcess(
        new ManagedProcess("mlpipe", cmd, dir.resolve("mlpipe.log"), dir), port);
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
    AgentProcess agent = launch(dir, FreePort.next(), args);
    agent.waitReady();
    return agent;
  }

  public void waitReady() {
    Wait.until(
        "mlpipe ready on port " + port,
        Duration.ofSeconds(60),
        () -> {
          if (!process.isAlive()) {
            throw new AssertionError("mlpipe exited:\n" + process.logTail(40));
          }
          return Http.isOk(url() + "/-/ready");
        });
  }

  public int port() {
    return port;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public String hostPort() {
    return "127.0.0.1:" + port;
  }

  public ManagedProcess process() {
    return process;
  }

  @Override
  public void close() throws InterruptedException {
    process.close();
  }
}
