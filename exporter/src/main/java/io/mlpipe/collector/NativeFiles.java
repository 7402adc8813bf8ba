package io.mlpipe.collector;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Reads the small files of /proc and /sys with libc's open, read and close through JNA's direct
 * mapping, into a buffer each thread keeps. A host scrape reads ~80 such files; through Java's
 * streams each read allocated an 8 KiB array and a channel with a cleaner, and each file the kernel
 * refuses (the carrier of a link that is down, a disk without udev data: ~7 per scrape here) threw
 * one exception, and ProcFiles a second one to name the file, each filling a ~60-frame stack trace.
 * libc's calls answer -1 instead. Where JNA cannot load, {@link #available()} is false and {@link
 * ProcFiles} reads through Java as before.
 */
final class NativeFiles {

  private NativeFiles() {}

  private static final int O_RDONLY = 0;
  // The same value on x86_64 and aarch64; the descriptor never leaks into a forked child.
  private static final int O_CLOEXEC = 0x80000;
  private static final int INITIAL = 16 * 1024;
  // A buffer that grew for one large file (a mount table of thousands of lines) is not kept.
  private static final int KEEP_AT_MOST = 256 * 1024;

  private static final class Libc {
    static final boolean LOADED = load();

    private static boolean load() {
      try {
        Native.register(Libc.class, "c");
        return true;
      } catch (RuntimeException | LinkageError e) {
        return false;
      }
    }

    static native int open(String path, int flags);

    static native long read(int fd, Pointer buf, long count);

    static native long pread(int fd, Pointer buf, long count, long offset);

    static native int close(int fd);
  }

  /** One thread's native buffer and the array its bytes are copied to for decoding. */
  private static final class Buffer {
    Memory memory = new Memory(INITIAL);
    byte[] bytes = new byte[INITIAL];
  }

  private static final ThreadLocal<Buffer> BUFFERS = ThreadLocal.withInitial(Buffer::new);

  static boolean available() {
    return Native.LONG_SIZE == 8 && Libc.LOADED;
  }

  /** The whole content of {@code file} as UTF-8, or null when it cannot be opened or read. */
  static String read(Path file) {
    int fd = open(file);
    if (fd < 0) {
      return null;
    }
    try {
      return readAll(fd, false);
    } finally {
      Libc.close(fd);
    }
  }

  /** A read-only descriptor of {@code file}, or -1. */
  static int open(Path file) {
    return Libc.open(file.toAbsolutePath().toString(), O_RDONLY | O_CLOEXEC);
  }

  static void close(int fd) {
    Libc.close(fd);
  }

  /**
   * The whole content behind {@code fd} as UTF-8 from offset 0, by pread: procfs and sysfs generate
   * a file's content anew when it is read from offset 0, so a kept descriptor reads current values
   * (see {@link KeptFiles}). Null on a read error.
   */
  static String preadAll(int fd) {
    return readAll(fd, true);
  }

  private static String readAll(int fd, boolean positional) {
    Buffer b = BUFFERS.get();
    long n = 0;
    while (true) {
      if (n == b.memory.size()) {
        Memory bigger = new Memory(b.memory.size() * 2);
        bigger.write(0, b.memory.getByteArray(0, (int) n), 0, (int) n);
        b.memory = bigger;
      }
      long r =
          positional
              ? Libc.pread(fd, b.memory.share(n), b.memory.size() - n, n)
              : Libc.read(fd, b.memory.share(n), b.memory.size() - n);
      if (r == 0) {
        break;
      }
      if (r < 0) {
        return null;
      }
      n += r;
    }
    int len = (int) n;
    if (b.bytes.length < len) {
      b.bytes = new byte[Math.max(len, b.bytes.length * 2)];
    }
    b.memory.read(0, b.bytes, 0, len);
    String s = new String(b.bytes, 0, len, StandardCharsets.UTF_8);
    if (b.memory.size() > KEEP_AT_MOST) {
      b.memory = new Memory(INITIAL);
      b.bytes = new byte[INITIAL];
    }
    return s;
  }
}
