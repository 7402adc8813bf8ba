package io.mlpipe.collector;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The libc calls the host collectors need that Java has no API for: statfs(2) (Java's {@code
 * FileStore} has no inode counts and uses f_frsize where node_exporter uses f_bsize), uname(2) (for
 * the machine field), adjtimex(2) (timex) and getpagesize(2) (sockstat). 64-bit Linux only (x86_64,
 * aarch64: every field of {@code struct statfs} is 8 bytes wide, {@code struct timex} has the same
 * layout on both).
 */
final class NativeCalls {

  private NativeCalls() {}

  interface LibC extends Library {
    int statfs(String path, Pointer buf) throws LastErrorException;

    int uname(Pointer buf) throws LastErrorException;

    int adjtimex(Pointer buf) throws LastErrorException;

    int getpagesize();
  }

  private static final class Holder {
    static final LibC LIBC = Native.load("c", LibC.class);
  }

  /** Byte offsets in {@code struct statfs} on 64-bit Linux. */
  private static final int F_BSIZE = 8;

  private static final int F_BLOCKS = 16;
  private static final int F_BFREE = 24;
  private static final int F_BAVAIL = 32;
  private static final int F_FILES = 40;
  private static final int F_FFREE = 48;
  private static final int STATFS_SIZE = 120;

  /** statfs(2) of {@code path}, with node_exporter's arithmetic (blocks times f_bsize). */
  static FilesystemCollector.Stats statfs(Path path) throws IOException {
    if (Native.LONG_SIZE != 8) {
      throw new IOException("statfs is only implemented for 64-bit Linux");
    }
    try (Memory buf = new Memory(STATFS_SIZE + 64)) {
      buf.clear();
      try {
        Holder.LIBC.statfs(path.toString(), buf);
      } catch (LastErrorException e) {
        throw new IOException("statfs " + path + ": errno " + e.getErrorCode(), e);
      }
      double bsize = unsigned(buf.getLong(F_BSIZE));
      return new FilesystemCollector.Stats(
          unsigned(buf.getLong(F_BLOCKS)) * bsize,
          unsigned(buf.getLong(F_BFREE)) * bsize,
          unsigned(buf.getLong(F_BAVAIL)) * bsize,
          unsigned(buf.getLong(F_FILES)),
          unsigned(buf.getLong(F_FFREE)));
    }
  }

  /** The six fields of uname(2): sysname, nodename, release, version, machine, domainname. */
  static String[] uname() throws IOException {
    int len = 65; // _UTSNAME_LENGTH in glibc and musl
    try (Memory buf = new Memory(len * 6L)) {
      buf.clear();
      try {
        Holder.LIBC.uname(buf);
      } catch (LastErrorException e) {
        throw new IOException("uname: errno " + e.getErrorCode(), e);
      }
      String[] out = new String[6];
      for (int i = 0; i < 6; i++) {
        out[i] = buf.getString((long) i * len, "UTF-8");
      }
      return out;
    }
  }

  /** Byte offsets in {@code struct timex} on 64-bit Linux (glibc and the kernel agree). */
  private static final int TX_OFFSET = 8;

  private static final int TX_FREQ = 16;
  private static final int TX_MAXERROR = 24;
  private static final int TX_ESTERROR = 32;
  private static final int TX_STATUS = 40;
  private static final int TX_CONSTANT = 48;
  private static final int TX_TICK = 88;
  private static final int TX_PPSFREQ = 96;
  private static final int TX_JITTER = 104;
  private static final int TX_SHIFT = 112;
  private static final int TX_STABIL = 120;
  private static final int TX_JITCNT = 128;
  private static final int TX_CALCNT = 136;
  private static final int TX_ERRCNT = 144;
  private static final int TX_STBCNT = 152;
  private static final int TX_TAI = 160;
  private static final int TIMEX_SIZE = 208;

  private static final int EPERM = 1;

  /**
   * adjtimex(2) with modes 0 (reads, changes nothing); empty where it is refused with EPERM (a
   * seccomp profile), which node_exporter treats as no data too.
   */
  static java.util.Optional<TimexCollector.Timex> adjtimex() throws IOException {
    if (Native.LONG_SIZE != 8) {
      throw new IOException("adjtimex is only implemented for 64-bit Linux");
    }
    try (Memory buf = new Memory(TIMEX_SIZE + 64)) {
      buf.clear();
      int state;
      try {
        state = Holder.LIBC.adjtimex(buf);
      } catch (LastErrorException e) {
        if (e.getErrorCode() == EPERM) {
          return java.util.Optional.empty();
        }
        throw new IOException("adjtimex: errno " + e.getErrorCode(), e);
      }
      return java.util.Optional.of(
          new TimexCollector.Timex(
              state,
              buf.getLong(TX_OFFSET),
              buf.getLong(TX_FREQ),
              buf.getLong(TX_MAXERROR),
              buf.getLong(TX_ESTERROR),
              buf.getInt(TX_STATUS),
              buf.getLong(TX_CONSTANT),
              buf.getLong(TX_TICK),
              buf.getLong(TX_PPSFREQ),
              buf.getLong(TX_JITTER),
              buf.getInt(TX_SHIFT),
              buf.getLong(TX_STABIL),
              buf.getLong(TX_JITCNT),
              buf.getLong(TX_CALCNT),
              buf.getLong(TX_ERRCNT),
              buf.getLong(TX_STBCNT),
              buf.getInt(TX_TAI)));
    }
  }

  /** The memory page size (for sockstat's pages to bytes); 4096 where libc cannot be asked. */
  static long pageSize() {
    try {
      int size = Holder.LIBC.getpagesize();
      return size > 0 ? size : 4096;
    } catch (RuntimeException | LinkageError e) {
      return 4096;
    }
  }

  private static double unsigned(long v) {
    return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
  }
}
