package io.mlpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code mlpipe run} keeps of a command's stderr, and the signs of activity it reads. */
class StderrTailTest {

  @TempDir Path dir;

  private static String copied(byte[] in, ByteArrayOutputStream out, StderrTail tail) {
    tail.copy(new ByteArrayInputStream(in), out);
    return tail.text();
  }

  @Test
  void passesEveryByteThroughAndKeepsTheLast20Lines() {
    StringBuilder b = new StringBuilder();
    for (int i = 1; i <= 30; i++) {
      b.append("line ").append(i).append('\n');
    }
    byte[] in = b.toString().getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StderrTail tail = new StderrTail();
    String text = copied(in, out, tail);
    assertThat(out.toByteArray()).isEqualTo(in);
    assertThat(text.lines().toList()).hasSize(20).startsWith("line 11").endsWith("line 30");
    assertThat(tail.bytes()).isEqualTo(in.length);
  }

  @Test
  void keepsAtMost4KiBCutAtALineAndNeverInsideACharacter() {
    String longLine = "é".repeat(3000); // 6000 bytes, one line
    byte[] in =
        ("first\n" + longLine + "\nRuntimeError: CUDA out of memory\n")
            .getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String text = copied(in, out, new StderrTail());
    assertThat(out.toByteArray()).isEqualTo(in);
    assertThat(text.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);
    assertThat(text).endsWith("é\nRuntimeError: CUDA out of memory").doesNotContain("first");
    assertThat(text).doesNotContain("\uFFFD");
  }

  @Test
  void nothingWrittenIsNoError() {
    assertThat(copied(new byte[0], new ByteArrayOutputStream(), new StderrTail())).isEmpty();
    assertThat(RunCommand.errorText(null, "")).isEmpty();
    assertThat(RunCommand.errorText("ended by signal 9", "")).isEqualTo("ended by signal 9");
  }

  @Test
  void theErrorKeepsItsEndWithinTheEventsApiLimit() {
    String tail = "x".repeat(4090) + "\nlast";
    String error = RunCommand.errorText("ended by signal 15", tail);
    assertThat(error).hasSizeLessThanOrEqualTo(RunCommand.MAX_ERROR_CHARS).endsWith("\nlast");
  }

  @Test
  void bytesWrittenComeFromProcIo() throws Exception {
    Path io = dir.resolve("io");
    Files.writeString(io, "rchar: 100\nwchar: 4242\nsyscr: 1\n");
    assertThat(ProcessTreeUsage.writtenBytes(io)).isEqualTo(4242);
    assertThat(ProcessTreeUsage.writtenBytes(dir.resolve("gone"))).isZero();
  }
}
