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
 * them to fail an open, a header write, an append, a preallocation, an fsync or a truncate at a
 * chosen moment.
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

  /**
   * Writes zeros ahead of the appends (preallocation) at {@code position}; returns how many bytes
   * were written, fewer than asked only when the disk filled up.
   */
  default int writeZeros(FileChannel ch, ByteBuffer zeros, long position) throws IOException {
    int written = 0;
    while (zeros.hasRemaining()) {
      written += ch.write(zeros, position + written);
    }
    return written;
  }

  /** Bytes free for this process on the file system holding {@code dir}. */
  default long usableSpace(Path dir) throws IOException {
    return Files.getFileStore(dir).getUsableSpace();
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
