package io.mlpipe.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * CPU time and peak memory of a wrapped command's whole process tree, from /proc (Linux).
 *
 * <p>CPU: the tree's {@code utime+stime+cutime+cstime} summed over live processes (a reaped child's
 * time moves into its parent's {@code cutime}), and at the end exactly, from this process's own
 * {@code cutime+cstime}, which grows by the command's tree when the JVM reaps it. Memory: the
 * largest of every process's {@code VmHWM} and of the sum of {@code VmRSS} over the tree, sampled
 * every {@link #INTERVAL_MILLIS} ms; a process that lives less than that between two samples, or
 * that leaves the tree (daemonizes), is missed.
 */
final class ProcessTreeUsage {

  static final long INTERVAL_MILLIS = 250;

  /** USER_HZ: the unit of /proc/PID/stat times, 100 on every Linux architecture in use. */
  static final double TICKS_PER_SECOND = 100;

  private final Path proc;
  private final long rootPid;
  private final long selfChildTicksBefore;
  private long sampledTicks;
  private long peakBytes;
  private long currentTicks;
  private long currentWritten;

  ProcessTreeUsage(Path proc, long rootPid, long selfChildTicksBefore) {
    this.proc = proc;
    this.rootPid = rootPid;
    this.selfChildTicksBefore = selfChildTicksBefore;
  }

  static boolean available(Path proc) {
    return Files.isReadable(proc.resolve("self/stat"));
  }

  /** {@code cutime+cstime} of this process: CPU of its reaped children, in ticks; -1 unknown. */
  static long selfChildTicks(Path proc) {
    long[] t = ticks(proc.resolve("self/stat"));
    return t == null ? -1 : t[2] + t[3];
  }

  /** Reads the tree once. */
  synchronized void sample() {
    List<Long> pids = new ArrayList<>();
    pids.add(rootPid);
    // A loop, not ifPresent/forEach with lambdas: this runs before a wrapped command's first
    // sample too (see RunCommand on lambdas).
    Optional<ProcessHandle> root = ProcessHandle.of(rootPid);
    if (root.isPresent()) {
      for (Iterator<ProcessHandle> it = root.get().descendants().iterator(); it.hasNext(); ) {
        pids.add(it.next().pid());
      }
    }
    long ticks = 0;
    long rss = 0;
    long hwm = 0;
    long written = 0;
    for (long pid : pids) {
      long[] t = ticks(proc.resolve(pid + "/stat"));
      if (t == null) {
        continue;
      }
      ticks += t[0] + t[1] + t[2] + t[3];
      written += writtenBytes(proc.resolve(pid + "/io"));
      long[] m = memory(proc.resolve(pid + "/status"));
      rss += m[0];
      hwm = Math.max(hwm, m[1]);
    }
    sampledTicks = Math.max(sampledTicks, ticks);
    currentTicks = ticks;
    currentWritten = written;
    peakBytes = Math.max(peakBytes, Math.max(rss, hwm));
  }

  /**
   * The tree's CPU ticks and bytes written ({@code wchar} of /proc/PID/io) as of the last sample:
   * when either moves, the command is doing something.
   */
  synchronized long[] activity() {
    return new long[] {currentTicks, currentWritten};
  }

  /** {@code wchar} of /proc/PID/io (bytes passed to write calls); 0 when gone or unreadable. */
  static long writtenBytes(Path io) {
    try {
      for (String line : Files.readAllLines(io)) {
        if (line.startsWith("wchar:")) {
          return Long.parseLong(line.substring(6).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone, or not ours to read
    }
    return 0;
  }

  /** CPU seconds of the tree, once the command has exited and been reaped. */
  synchronized double cpuSeconds() {
    long after = selfChildTicks(proc);
    long exact = selfChildTicksBefore >= 0 && after >= 0 ? after - selfChildTicksBefore : 0;
    return Math.max(exact, sampledTicks) / TICKS_PER_SECOND;
  }

  /** Peak resident bytes seen; 0 when the command ended before the first sample. */
  synchronized long peakBytes() {
    return peakBytes;
  }

  /** utime, stime, cutime, cstime of /proc/PID/stat; null when gone. */
  static long[] ticks(Path stat) {
    String s;
    try {
      s = Files.readString(stat);
    } catch (IOException | RuntimeException e) {
      return null;
    }
    // The command name (field 2) may hold spaces and parentheses: fields start after the last ')'.
    int close = s.lastIndexOf(')');
    if (close < 0) {
      return null;
    }
    String[] f = words(s.substring(close + 2));
    // f[0] is field 3 (state); utime..cstime are fields 14..17.
    if (f.length < 15) {
      return null;
    }
    try {
      return new long[] {
        Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14])
      };
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** VmRSS and VmHWM of /proc/PID/status in bytes (0 when absent, as for zombies). */
  static long[] memory(Path status) {
    long rss = 0;
    long hwm = 0;
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmRSS:")) {
          rss = kib(line);
        } else if (line.startsWith("VmHWM:")) {
          hwm = kib(line);
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone
    }
    return new long[] {rss, hwm};
  }

  private static long kib(String line) {
    String[] p = words(line.substring(line.indexOf(':') + 1));
    return Long.parseLong(p[0]) * 1024;
  }

  /**
   * {@code text} split at runs of whitespace, without a regex ({@code split("\\s+")}): the first
   * read happens before a wrapped command starts, and compiling the pattern costs it milliseconds.
   */
  static String[] words(String text) {
    List<String> out = new ArrayList<>();
    int start = -1;
    for (int i = 0; i <= text.length(); i++) {
      boolean space = i == text.length() || Character.isWhitespace(text.charAt(i));
      if (space && start >= 0) {
        out.add(text.substring(start, i));
        start = -1;
      } else if (!space && start < 0) {
        start = i;
      }
    }
    return out.toArray(new String[0]);
  }
}
