package io.mlpipe.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A directory of NDJSON files, one per delivery the agent could not take, sent in name (= time)
 * order by the next delivery. Files appear atomically (written aside, then renamed); files the
 * agent refused go to {@code rejected/} and are never sent again.
 */
final class Spool {

  static final String SUFFIX = ".ndjson";
  private static final AtomicLong SEQ = new AtomicLong();

  private final Path dir;

  Spool(Path dir) {
    this.dir = dir;
  }

  Path dir() {
    return dir;
  }

  Path rejectedDir() {
    return dir.resolve("rejected");
  }

  /** Adds one file; returns its path. */
  Path append(byte[] ndjson) throws IOException {
    Files.createDirectories(dir);
    String name =
        String.format(
            "%013d-%010d-%06d",
            System.currentTimeMillis(), ProcessHandle.current().pid(), SEQ.incrementAndGet());
    Path tmp = dir.resolve("." + name + ".tmp");
    Files.write(tmp, ndjson);
    Path file = dir.resolve(name + SUFFIX);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    return file;
  }

  /** Files waiting to be sent, oldest first. */
  List<Path> pending() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(SUFFIX))
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .sorted()
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Moves a file the agent refused out of the way. */
  Path reject(Path file) throws IOException {
    Files.createDirectories(rejectedDir());
    Path target = rejectedDir().resolve(file.getFileName());
    Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
    return target;
  }

  /** Holds the spool's lock so that two flushing processes do not send the same file twice. */
  FileLock lock() throws IOException {
    Files.createDirectories(dir);
    FileChannel ch =
        FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      return ch.lock();
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }
}
