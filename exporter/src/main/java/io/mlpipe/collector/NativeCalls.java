package io.mlpipe.collector;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The two libc calls the host collectors need that Java has no API for: statfs(2) (Java's {@code
 * FileStore} has no inode counts and uses f_frsize where node_exporter uses f_bsize) and uname(2)
 * (for the machine field). 64-bit Linux only (x86_64, aarch64: every field of {@code struct statfs}
 * is 8 bytes wide).
 */
final class NativeCalls {

  private NativeCalls() {}

  interface LibC extends Library {
    int statfs(String path, Pointer buf) throws LastErrorException;

    int uname(Pointer buf) throws LastErrorException;
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

  private static double unsigned(long v) {
    return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
  }
}
