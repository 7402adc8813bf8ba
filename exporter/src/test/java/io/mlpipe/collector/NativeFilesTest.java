package io.mlpipe.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** libc reads of /proc and /sys files, and ProcFiles' answers through them. */
class NativeFilesTest {

  @Test
  void loadsHere() {
    // The agent runs on 64-bit Linux; without libc the collectors would fall back silently.
    assertThat(NativeFiles.available()).isTrue();
  }

  @Test
  void readsWholeFilesOfAnySize(@TempDir Path dir) throws Exception {
    Path small = dir.resolve("small");
    Files.writeString(small, "up\n");
    assertThat(NativeFiles.read(small)).isEqualTo("up\n");
    // Larger than the initial buffer: it grows, and a later small read is not polluted.
    String big = "x".repeat(100_000) + "\nend ümlaut\n";
    Path large = dir.resolve("large");
    Files.writeString(large, big, StandardCharsets.UTF_8);
    assertThat(NativeFiles.read(large)).isEqualTo(big);
    assertThat(NativeFiles.read(small)).isEqualTo("up\n");
    Files.writeString(dir.resolve("empty"), "");
    assertThat(NativeFiles.read(dir.resolve("empty"))).isEmpty();
  }

  @Test
  void procFilesAnswerThroughIt() throws Exception {
    // A file the kernel writes on read, with size 0 in stat.
    assertThat(ProcFiles.lines(Path.of("/proc/self/status"))).anyMatch(l -> l.startsWith("VmRSS:"));
    assertThat(ProcFiles.read(Path.of("/proc/sys/fs/file-nr")).split("\\s+")).hasSize(3);
  }

  @Test
  void unreadableFilesAreEmptyOrANamedError(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("missing");
    assertThat(NativeFiles.read(missing)).isNull();
    // read(2) of a directory fails (EISDIR), as sysfs' EINVAL for the carrier of a down link.
    assertThat(NativeFiles.read(dir)).isNull();
    assertThat(ProcFiles.readOptional(missing)).isEmpty();
    assertThat(ProcFiles.readOptional(dir)).isEmpty();
    assertThatThrownBy(() -> ProcFiles.read(missing))
        .hasMessageContaining("failed to read " + missing);
  }
}
