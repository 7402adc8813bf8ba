package io.mlpipe.e2e;

import io.mlpipe.testing.AgentProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The packaged CLI ({@code java -jar mlpipe.jar ARGS}) as a user runs it, output captured. */
final class Cli {

  /** Exit code, stdout and stderr. */
  record Result(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }

  private Cli() {}

  static List<String> command(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-jar");
    cmd.add(AgentProcess.jar().toString());
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Starts the CLI; stdin is a pipe the caller may write and close. */
  static Process start(Map<String, String> env, String... args) {
    ProcessBuilder pb = new ProcessBuilder(command(args));
    pb.environment().remove("MLPIPE_AGENT");
    pb.environment().remove("MLPIPE_SPOOL");
    pb.environment().remove("MLPIPE_TOKEN");
    pb.environment().putAll(env);
    try {
      return pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Result run(Map<String, String> env, String stdin, String... args) {
    Process p = start(env, args);
    return finish(p, stdin);
  }

  static Result finish(Process p, String stdin) {
    try {
      CompletableFuture<String> out = read(p, true);
      CompletableFuture<String> err = read(p, false);
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        // the command did not read its input
      }
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("mlpipe did not exit within 60 s");
      }
      return new Result(p.exitValue(), out.get(), err.get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  private static CompletableFuture<String> read(Process p, boolean stdout) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return new String(
                (stdout ? p.getInputStream() : p.getErrorStream()).readAllBytes(),
                StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "<" + e + ">";
          }
        });
  }
}
