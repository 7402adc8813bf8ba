package io.mlpipe.collector;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Reads the small text files of /proc and /sys. */
public final class ProcFiles {

  private ProcFiles() {}

  /** All lines of {@code file}; the exception says which file could not be read. */
  public static List<String> lines(Path file) throws IOException {
    return readRaw(file).lines().toList();
  }

  /** The whole content of {@code file}; the exception says which file could not be read. */
  public static String text(Path file) throws IOException {
    return readRaw(file);
  }

  /** The content of a one-value file without surrounding whitespace. */
  public static String read(Path file) throws IOException {
    return readRaw(file).strip();
  }

  /**
   * Through libc where it loads ({@link NativeFiles}); a file it cannot read is read again through
   * Java, for the exception that says why. Java's reads go through a buffer: /proc files report
   * size 0, and sysctl files such as /proc/sys/fs/file-nr answer only the first read, so {@code
   * Files.readString} (which sizes its first read by the file size) would get one byte.
   */
  private static String readRaw(Path file) throws IOException {
    if (NativeFiles.available()) {
      String s = NativeFiles.read(file);
      if (s != null) {
        return s;
      }
    }
    try {
      return readThroughJava(file);
    } catch (IOException e) {
      throw new IOException("failed to read " + file + ": " + e.getMessage(), e);
    }
  }

  /** The content of {@code file} read through Java, or null when it cannot be read. */
  static String readOptionalRaw(Path file) {
    try {
      return readThroughJava(file);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static String readThroughJava(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * The content of a one-value file, or empty when it is missing or unreadable (sysfs answers
   * EINVAL for e.g. the speed of a link that is down).
   */
  public static Optional<String> readOptional(Path file) {
    if (NativeFiles.available()) {
      String s = NativeFiles.read(file);
      return s == null ? Optional.empty() : Optional.of(s.strip());
    }
    try {
      return Optional.of(readRaw(file).strip());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether {@code path} exists, without an exception when it does not. {@code Files.exists} and
   * {@code Files.isDirectory} throw and catch a NoSuchFileException (a stack trace filled) inside
   * the JDK for a missing path, and collectors ask on every scrape about paths a host may lack
   * (/sys/class/hwmon in a VM, /proc/pressure on older kernels); java.io.File answers from one
   * stat(2) without throwing. A path that appears later is seen on the next scrape.
   */
  public static boolean exists(Path path) {
    return path.toFile().exists();
  }

  /** Whether {@code path} is a directory (following links), without an exception; see exists. */
  public static boolean isDirectory(Path path) {
    return path.toFile().isDirectory();
  }

  /** Whether {@code path} is a regular file (following links), without an exception. */
  public static boolean isRegularFile(Path path) {
    return path.toFile().isFile();
  }

  /** Whether this process may read {@code path}, without an exception; see exists. */
  public static boolean isReadable(Path path) {
    return path.toFile().canRead();
  }

  private static final String[] NO_FIELDS = new String[0];

  /**
   * Splits on runs of whitespace, ignoring leading and trailing whitespace. A scan instead of
   * {@code split("\\s+")}: every collector splits every line of its files on every scrape, and the
   * regex (matcher, intermediate list) was a tenth of a host scrape's CPU time in a JFR profile.
   */
  public static String[] fields(String line) {
    int n = line.length();
    int count = 0;
    for (int i = 0; i < n; ) {
      while (i < n && space(line.charAt(i))) {
        i++;
      }
      if (i < n) {
        count++;
      }
      while (i < n && !space(line.charAt(i))) {
        i++;
      }
    }
    if (count == 0) {
      return NO_FIELDS;
    }
    String[] out = new String[count];
    int k = 0;
    for (int i = 0; i < n; ) {
      while (i < n && space(line.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && !space(line.charAt(i))) {
        i++;
      }
      if (i > start) {
        out[k++] = line.substring(start, i);
      }
    }
    return out;
  }

  /** The first index at or after {@code i} (before {@code end}) that is not whitespace. */
  static int skipSpace(String text, int i, int end) {
    while (i < end && space(text.charAt(i))) {
      i++;
    }
    return i;
  }

  /** The first index at or after {@code i} (before {@code end}) that is whitespace. */
  static int skipToken(String text, int i, int end) {
    while (i < end && !space(text.charAt(i))) {
      i++;
    }
    return i;
  }

  /**
   * {@code Double.parseDouble(text.substring(start, end))}, without the substring for the integers
   * the kernel writes (up to 18 digits convert to a double exactly as parseDouble does).
   *
   * @throws NumberFormatException as parseDouble
   */
  static double number(String text, int start, int end) {
    boolean negative = start < end && text.charAt(start) == '-';
    int i = negative ? start + 1 : start;
    if (i < end && end - i <= 18) {
      long v = 0;
      for (; i < end; i++) {
        char c = text.charAt(i);
        if (c < '0' || c > '9') {
          break;
        }
        v = v * 10 + (c - '0');
      }
      if (i == end) {
        return negative ? -(double) v : v; // "-0" is -0.0, as parsed
      }
    }
    return Double.parseDouble(text.substring(start, end));
  }

  /** The characters of the regex {@code \s}: space, tab, newline, vertical tab, form feed, CR. */
  static boolean space(char c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
  }
}
