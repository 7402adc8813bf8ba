package io.mlpipe.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The snapshot file: every group as of one WAL sequence number, written to a temporary file,
 * fsynced and renamed over the previous one, so there is always one complete snapshot.
 */
final class Snapshots {

  static final int FORMAT_VERSION = 1;
  private static final byte[] MAGIC = "MLPSNAP".getBytes(StandardCharsets.US_ASCII);

  /** What a snapshot holds. */
  record Content(long seq, List<Group> groups) {}

  private Snapshots() {}

  static Path path(Path dir) {
    return dir.resolve("snapshot");
  }

  static void write(Path dir, Content content) throws IOException {
    Path tmp = dir.resolve("snapshot.tmp");
    try (OutputStream out =
        Files.newOutputStream(
            tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)) {
      out.write(MAGIC);
      out.write(FORMAT_VERSION);
      Codec.mapper(true).writeValue(new NonClosing(out), content);
    }
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, path(dir), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // directory fsync unsupported here; the rename is still atomic
    }
  }

  /** The snapshot in {@code dir}, or null when there is none. */
  static Content read(Path dir) throws IOException, StoreException {
    Path p = path(dir);
    if (!Files.exists(p)) {
      return null;
    }
    try (InputStream in = Files.newInputStream(p)) {
      byte[] magic = in.readNBytes(MAGIC.length);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw new StoreException(p + " is not an mlpipe snapshot (bad magic)");
      }
      int version = in.read();
      if (version > FORMAT_VERSION) {
        throw StoreException.newerFormat(p, "snapshot", version, FORMAT_VERSION, dir);
      }
      return Codec.mapper(true).readValue(in, Content.class);
    }
  }

  /** Jackson closes the stream it writes to; the magic header must stay ours to close. */
  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
