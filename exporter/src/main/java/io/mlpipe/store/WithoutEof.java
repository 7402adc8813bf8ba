package io.mlpipe.store;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Passes bytes on except the last few, which {@link #finish} passes on unless they are the closing
 * {@code # EOF} line that the OpenMetrics writer ends every call with: an answer made of several
 * writes ends with one EOF. Streaming, so the families are not copied through an array.
 */
final class WithoutEof extends OutputStream {

  static final byte[] EOF = "# EOF\n".getBytes(StandardCharsets.UTF_8);

  private final OutputStream out;
  private final byte[] tail = new byte[EOF.length];
  private int held;
  private boolean passedAny;
  private byte lastPassed;

  WithoutEof(OutputStream out) {
    this.out = out;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (len >= tail.length) {
      pass(tail, 0, held);
      pass(b, off, len - tail.length);
      System.arraycopy(b, off + len - tail.length, tail, 0, tail.length);
      held = tail.length;
      return;
    }
    int over = held + len - tail.length;
    if (over > 0) {
      pass(tail, 0, over);
      System.arraycopy(tail, over, tail, 0, held - over);
      held -= over;
    }
    System.arraycopy(b, off, tail, held, len);
    held += len;
  }

  private void pass(byte[] b, int off, int len) throws IOException {
    if (len > 0) {
      out.write(b, off, len);
      passedAny = true;
      lastPassed = b[off + len - 1];
    }
  }

  /** Passes on what is held unless it is the EOF line (at the start or after a newline). */
  void finish() throws IOException {
    boolean eof =
        held == EOF.length && Arrays.equals(tail, EOF) && (!passedAny || lastPassed == '\n');
    if (!eof) {
      pass(tail, 0, held);
    }
    held = 0;
  }
}
