package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.testing.Binaries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Debian's headless Chromium for the page tests: {@code --dump-dom} (the DOM after scripts ran) and
 * screenshots, with the page's console (messages, uncaught errors, Content-Security-Policy
 * violations) logged to stderr so a test can require it to stay quiet.
 *
 * <pre>{@code
 * Chromium chromium = new Chromium(dir);
 * chromium.assertConsoleCheckWorks();
 * Chromium.Run run = chromium.dumpDom(url);
 * Chromium.assertQuietConsole(run);
 * }</pre>
 */
final class Chromium {

  /** What the console shows on stderr with {@code --enable-logging=stderr}: messages and errors. */
  static final Pattern CONSOLE_PROBLEM =
      Pattern.compile("(?i)CONSOLE|Uncaught|ERR_|Refused to|Content Security Policy");

  /** One run: the page (for --dump-dom) and what Chromium logged. */
  record Run(String stdout, String stderr) {}

  private final Path dir;

  /** Chromium keeps its profile and output under {@code dir}. */
  Chromium(Path dir) {
    this.dir = dir;
  }

  /** The DOM of {@code url} after its scripts ran (if any), serialized as HTML. */
  Run dumpDom(String url) throws Exception {
    return run(List.of("--dump-dom", url));
  }

  /** A screenshot of {@code url} at {@code width x height} into {@code png}, replacing it. */
  void screenshot(String url, Path png, int width, int height) throws Exception {
    Files.createDirectories(png.toAbsolutePath().getParent());
    Files.deleteIfExists(png);
    run(
        List.of(
            "--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height, url));
    assertThat(png).exists();
    assertThat(Files.size(png)).isGreaterThan(10_000);
  }

  /**
   * Shows that what {@link #assertQuietConsole} looks for does reach stderr, so that its check can
   * fail: a page logging to the console, and a page whose Content-Security-Policy refuses its
   * inline style (the violation the agent's pages must not cause).
   */
  void assertConsoleCheckWorks() throws Exception {
    Path noisy = dir.resolve("chromium-noisy.html");
    Files.writeString(
        noisy, "<!DOCTYPE html><title>x</title><script>console.error('console-check')</script>");
    assertThat(dumpDom(noisy.toUri().toString()).stderr()).contains("console-check");
    Path refused = dir.resolve("chromium-csp.html");
    Files.writeString(
        refused,
        "<!DOCTYPE html><meta http-equiv=\"Content-Security-Policy\" content=\"style-src 'none'\">"
            + "<title>x</title><style>body{color:red}</style>");
    assertThat(dumpDom(refused.toUri().toString()).stderr()).containsPattern(CONSOLE_PROBLEM);
  }

  /** Nothing on the console: no message, no uncaught error, no refused load, no CSP violation. */
  static void assertQuietConsole(Run run) {
    // Only the matching lines: the rest of stderr is Chromium's own noise (D-Bus, GPU).
    assertThat(run.stderr().lines().filter(l -> CONSOLE_PROBLEM.matcher(l).find()))
        .as("console of the page")
        .isEmpty();
  }

  Run run(List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Binaries.require("chromium").toString());
    cmd.addAll(
        List.of(
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            "--user-data-dir=" + dir.resolve("chromium-profile")));
    cmd.addAll(args);
    Path out = dir.resolve("chromium.out");
    Path err = dir.resolve("chromium.err");
    Process p =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish in 90 s: " + cmd);
    }
    String stderr = read(err);
    assertThat(p.exitValue()).as(stderr).isZero();
    return new Run(read(out), stderr);
  }

  private static String read(Path p) throws IOException {
    return Files.readString(p);
  }
}
