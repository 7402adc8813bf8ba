package io.mlpipe.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real process started by a test, its stdout and stderr in a log file. Every instance is tracked
 * so that {@link LogsOnFailure} can print the logs of a failed test's processes.
 */
public class ManagedProcess implements AutoCloseable {

  static final List<ManagedProcess> LIVE = new CopyOnWriteArrayList<>();

  private final String name;
  private final Process process;
  private final Path log;

  public ManagedProcess(String name, List<String> command, Path log) {
    this(name, command, log, null);
  }

  public ManagedProcess(String name, List<String> command, Path log, Path workDir) {
    this(name, command, log, workDir, java.util.Map.of());
  }

  /** As the others, with {@code env} added to this process's environment. */
  public ManagedProcess(
      String name,
      List<String> command,
      Path log,
      Path workDir,
      java.util.Map<String, String> env) {
    this.name = name;
    this.log = log;
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command));
      pb.environment().putAll(env);
      pb.redirectErrorStream(true);
      pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      if (workDir != null) {
        pb.directory(workDir.toFile());
      }
      this.process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("failed to start " + name + ": " + command, e);
    }
    LIVE.add(this);
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Process process() {
    return process;
  }

  public Path logFile() {
    return log;
  }

  /** The whole log so far. */
  public String log() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "<cannot read " + log + ": " + e + ">";
    }
  }

  /** The last {@code lines} lines of the log. */
  public String logTail(int lines) {
    List<String> all = log().lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** Waits for the process to exit by itself and returns its exit code. */
  public int waitFor(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      throw new AssertionError(
          name + " did not exit within " + seconds + " s; log:\n" + logTail(40));
    }
    return process.exitValue();
  }

  /** SIGKILL, no chance to clean up. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
    LIVE.remove(this);
  }

  /** Sends a signal by name (HUP, TERM, ...). */
  public void signal(String signal) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
        .inheritIO()
        .start()
        .waitFor();
  }

  /** SIGTERM, then SIGKILL after 10 s. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
    LIVE.remove(this);
  }
}
