package io.mlpipe.collector;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Files of /proc and /sys read through a descriptor kept open between scrapes instead of an open,
 * read and close each time (perf: open and close were ~8% of a host scrape's CPU, most of it the
 * kernel walking the path through sysfs and procfs).
 *
 * <p>The rule that makes it correct: procfs and sysfs generate a file's content when it is read
 * from offset 0 (the kernel's seq_file resets its iterator, sysfs calls the attribute's show again:
 * the pattern documented for sysfs_notify), so {@code pread} from 0 on a kept descriptor reads
 * current values, exactly as a fresh open would. Hence only for files whose path stays the same
 * object while it exists: fixed /proc files (/proc/stat, /proc/meminfo, /proc/net/*) and the
 * attributes of a network interface while it exists. A regular file (the test fixtures) written in
 * place reads the same way; one replaced by a new inode would not, which procfs and sysfs never do.
 *
 * <p>Bounded at {@code max} descriptors (further files are read the old way). A read error (the
 * device went away: ENODEV; or the kernel refuses the attribute: EINVAL) closes and forgets the
 * descriptor, so the next scrape opens the path again. {@link #retain} closes those a collector no
 * longer reads (an interface that disappeared), {@link #close} all of them. One scrape at a time
 * reads a given descriptor (a pread loop from 0 must not interleave with another thread's), and a
 * descriptor is closed only under the same lock, so no read ever goes to a reused number.
 */
final class KeptFiles implements AutoCloseable {

  private static final class Entry {
    final int fd;
    boolean closed;

    Entry(int fd) {
      this.fd = fd;
    }
  }

  private final Map<String, Entry> open = new ConcurrentHashMap<>();
  private final int max;

  KeptFiles(int max) {
    this.max = max;
  }

  /** The content of {@code file}, or null when it cannot be opened or read. */
  String readOrNull(Path file) {
    if (!NativeFiles.available()) {
      return ProcFiles.readOptionalRaw(file);
    }
    String key = file.toString();
    Entry e = open.get(key);
    if (e != null) {
      synchronized (e) {
        if (!e.closed) {
          String s = NativeFiles.preadAll(e.fd);
          if (s == null) {
            closeLocked(key, e);
          }
          return s;
        }
      }
    }
    int fd = NativeFiles.open(file);
    if (fd < 0) {
      return null;
    }
    Entry fresh = new Entry(fd);
    synchronized (fresh) {
      String s = NativeFiles.preadAll(fd);
      if (s == null || open.size() >= max || open.putIfAbsent(key, fresh) != null) {
        fresh.closed = true;
        NativeFiles.close(fd);
      }
      return s;
    }
  }

  /** All lines of {@code file}; the exception says which file could not be read. */
  List<String> lines(Path file) throws IOException {
    return text(file).lines().toList();
  }

  /** The content of a one-value file without surrounding whitespace. */
  String read(Path file) throws IOException {
    return text(file).strip();
  }

  /** The whole content of {@code file}; the exception says which file could not be read. */
  String text(Path file) throws IOException {
    String s = readOrNull(file);
    // Read again the usual way for the exception that says why.
    return s != null ? s : ProcFiles.text(file);
  }

  /**
   * The whole content of {@code file}, or null when it does not exist (a kernel without the
   * feature); a file that exists but cannot be read is an exception. The existence check (a stat)
   * is made only when the read fails.
   */
  String textIfExists(Path file) throws IOException {
    String s = readOrNull(file);
    if (s != null || !ProcFiles.exists(file)) {
      return s;
    }
    return ProcFiles.text(file);
  }

  /** The content of a one-value file, or empty when it is missing or unreadable. */
  Optional<String> readOptional(Path file) {
    String s = readOrNull(file);
    return s == null ? Optional.empty() : Optional.of(s.strip());
  }

  /** How many descriptors are kept (a test seam). */
  int size() {
    return open.size();
  }

  /** Closes the descriptors of the files (by path) that {@code keep} rejects. */
  void retain(Predicate<String> keep) {
    for (Map.Entry<String, Entry> e : open.entrySet()) {
      if (!keep.test(e.getKey())) {
        synchronized (e.getValue()) {
          closeLocked(e.getKey(), e.getValue());
        }
      }
    }
  }

  private void closeLocked(String key, Entry e) {
    if (!e.closed) {
      e.closed = true;
      NativeFiles.close(e.fd);
    }
    open.remove(key, e);
  }

  @Override
  public void close() {
    retain(path -> false);
  }
}
