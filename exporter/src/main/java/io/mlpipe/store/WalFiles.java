package io.mlpipe.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The file operations the WAL writes with. The default methods are the real ones; tests override
 * them to fail an open, a header write, an append, an fsync or a truncate at a chosen moment.
 */
interface WalFiles {

  /** The real file system. */
  WalFiles REAL = new WalFiles() {};

  /** Opens {@code path} for writing, created empty (a new segment's temporary file). */
  default FileChannel create(Path path) throws IOException {
    return FileChannel.open(
        path,
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
  }

  /** Writes a new segment's header. */
  default void writeHeader(FileChannel ch, ByteBuffer header) throws IOException {
    while (header.hasRemaining()) {
      ch.write(header);
    }
  }

  /** Appends one record. */
  default void append(FileChannel ch, ByteBuffer record) throws IOException {
    while (record.hasRemaining()) {
      ch.write(record);
    }
  }

  default void force(FileChannel ch) throws IOException {
    ch.force(false);
  }

  default void truncate(FileChannel ch, long size) throws IOException {
    ch.truncate(size);
  }

  /** Renames a new segment into place (atomically: it appears whole, header included). */
  default void move(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
