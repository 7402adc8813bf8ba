package io.mlpipe.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The snapshot file: every group as of one WAL sequence number, written to a temporary file,
 * fsynced and renamed over the previous one, so there is always one complete snapshot.
 *
 * <p>Format 2: magic, version, payload length (u64), CRC32C of the payload (u32), payload (Smile).
 * A snapshot whose length or checksum does not match is never loaded: {@link #read} throws {@link
 * Corrupt} naming the file. Format 1 (no checksum) is still read.
 */
final class Snapshots {

  static final int FORMAT_VERSION = 2;

  /** The snapshot file is damaged (cut short, or a checksum mismatch). */
  static final class Corrupt extends StoreException {
    Corrupt(String message) {
      super(message);
    }
  }

  private static final byte[] MAGIC = "MLPSNAP".getBytes(StandardCharsets.US_ASCII);

  /** What a snapshot holds. */
  record Content(long seq, List<Group> groups) {}

  private Snapshots() {}

  static Path path(Path dir) {
    return dir.resolve("snapshot");
  }

  static void write(Path dir, Content content) throws IOException {
    Path tmp = dir.resolve("snapshot.tmp");
    byte[] payload = Codec.mapper(true).writeValueAsBytes(content);
    CRC32C crc = new CRC32C();
    crc.update(payload);
    try (OutputStream out =
        Files.newOutputStream(
            tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)) {
      out.write(MAGIC);
      out.write(FORMAT_VERSION);
      out.write(
          ByteBuffer.allocate(12).putLong(payload.length).putInt((int) crc.getValue()).array());
      out.write(payload);
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
      if (version < 2) {
        return Codec.mapper(true).readValue(in, Content.class);
      }
      byte[] lengthAndCrc = in.readNBytes(12);
      if (lengthAndCrc.length < 12) {
        throw new Corrupt(p + " is corrupt: cut short in its header");
      }
      ByteBuffer b = ByteBuffer.wrap(lengthAndCrc);
      long length = b.getLong();
      int expected = b.getInt();
      byte[] payload = in.readNBytes((int) Math.min(length, Integer.MAX_VALUE - 8));
      if (payload.length != length || in.read() != -1) {
        throw new Corrupt(
            p
                + " is corrupt: "
                + payload.length
                + " bytes of data where its header says "
                + length);
      }
      CRC32C crc = new CRC32C();
      crc.update(payload);
      if ((int) crc.getValue() != expected) {
        throw new Corrupt(p + " is corrupt: checksum mismatch");
      }
      return Codec.mapper(true).readValue(payload, Content.class);
    }
  }
}
