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

  /** The content of a one-value file without surrounding whitespace. */
  public static String read(Path file) throws IOException {
    return readRaw(file).strip();
  }

  /**
   * Reads through an 8 KiB buffer: /proc files report size 0, and sysctl files such as
   * /proc/sys/fs/file-nr answer only the first read, so {@code Files.readString} (which sizes its
   * first read by the file size) would get one byte.
   */
  private static String readRaw(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IOException("failed to read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The content of a one-value file, or empty when it is missing or unreadable (sysfs answers
   * EINVAL for e.g. the speed of a link that is down).
   */
  public static Optional<String> readOptional(Path file) {
    try {
      return Optional.of(readRaw(file).strip());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Splits on runs of whitespace, ignoring leading whitespace. */
  public static String[] fields(String line) {
    String s = line.strip();
    return s.isEmpty() ? new String[0] : s.split("\\s+");
  }
}
