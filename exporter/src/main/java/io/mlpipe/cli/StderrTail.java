package io.mlpipe.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Copies a wrapped command's stderr to ours byte for byte (as it comes, flushed at once) and keeps
 * its last {@link #MAX_LINES} lines, at most {@link #MAX_BYTES} bytes: what {@code mlpipe run}
 * sends as a failed run's {@code error}, so that the page says why (a Python traceback's last
 * lines).
 *
 * <pre>{@code
 * StderrTail tail = new StderrTail();
 * tail.copy(child.getErrorStream(), new FileOutputStream(FileDescriptor.err));
 * String why = tail.text(); // "Traceback ...\nRuntimeError: CUDA out of memory"
 * }</pre>
 */
final class StderrTail {

  static final int MAX_LINES = 20;
  static final int MAX_BYTES = 4096;

  /** A ring of the last MAX_BYTES bytes. */
  private final byte[] ring = new byte[MAX_BYTES];

  private long written;

  /** Copies until end of stream (the command and every process holding its stderr ended). */
  void copy(InputStream in, OutputStream out) {
    byte[] buf = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buf)) > 0) {
        try {
          out.write(buf, 0, n);
          out.flush();
        } catch (IOException e) {
          // our stderr is gone (closed terminal): keep reading so the command never blocks
        }
        append(buf, 0, n);
      }
    } catch (IOException e) {
      // the pipe broke: what we have is the tail
    }
  }

  synchronized void append(byte[] b, int off, int len) {
    for (int i = 0; i < len; i++) {
      ring[(int) ((written + i) % MAX_BYTES)] = b[off + i];
    }
    written += len;
  }

  /** Bytes seen so far (a sign of activity). */
  synchronized long bytes() {
    return written;
  }

  /** The last lines (no final newline), empty when the command wrote nothing. */
  synchronized String text() {
    int n = (int) Math.min(written, MAX_BYTES);
    byte[] last = new byte[n];
    for (int i = 0; i < n; i++) {
      last[i] = ring[(int) ((written - n + i) % MAX_BYTES)];
    }
    int start = 0;
    if (written > MAX_BYTES) {
      // Cut to a whole line at the front, unless that would drop most of what we kept (one long
      // line): then to a whole UTF-8 character.
      int nl = indexOf(last, (byte) '\n');
      if (nl >= 0 && nl < n / 2) {
        start = nl + 1;
      } else {
        while (start < n && (last[start] & 0xC0) == 0x80) {
          start++;
        }
      }
    }
    String s = new String(last, start, n - start, StandardCharsets.UTF_8).stripTrailing();
    List<String> lines = s.lines().toList();
    if (lines.size() > MAX_LINES) {
      lines = lines.subList(lines.size() - MAX_LINES, lines.size());
    }
    return String.join("\n", lines);
  }

  private static int indexOf(byte[] b, byte x) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == x) {
        return i;
      }
    }
    return -1;
  }
}
