package io.mlpipe.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-ahead log: segment files {@code wal-<first seq>.log}, each an 8-byte header (magic and
 * format version) followed by records {@code [length u32][crc32c u32][seq u64][payload]}. A record
 * that is cut short or fails its checksum ends the log: everything from it on is truncated with a
 * warning, so a crash mid-write never stops the next start.
 */
final class Wal implements AutoCloseable {

  static final int FORMAT_VERSION = 1;
  private static final byte[] MAGIC = "MLPWAL".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER = 8;
  private static final int MAX_RECORD = 256 * 1024 * 1024;
  private static final Logger log = LoggerFactory.getLogger(Wal.class);

  /** One replayed record. */
  interface RecordConsumer {
    void accept(long seq, byte[] payload, int offset, int length) throws IOException;
  }

  private final Path dir;
  private FileChannel current;
  private Path currentPath;
  private final ByteBuffer header = ByteBuffer.allocate(16);

  Wal(Path dir) {
    this.dir = dir;
  }

  static Path segmentPath(Path dir, long firstSeq) {
    return dir.resolve(String.format("wal-%020d.log", firstSeq));
  }

  static long firstSeq(Path segment) {
    String n = segment.getFileName().toString();
    return Long.parseLong(n.substring(4, n.length() - 4));
  }

  List<Path> segments() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("wal-\\d{20}\\.log"))
          .sorted()
          .toList();
    }
  }

  /**
   * Replays every record after {@code afterSeq}; returns the number of corruptions found (each
   * truncated away).
   */
  int replay(long afterSeq, RecordConsumer consumer) throws IOException, StoreException {
    int corruptions = 0;
    List<Path> segments = segments();
    for (int i = 0; i < segments.size(); i++) {
      Path seg = segments.get(i);
      byte[] bytes = Files.readAllBytes(seg);
      if (bytes.length < HEADER || !startsWithMagic(bytes)) {
        if (bytes.length < HEADER && i == segments.size() - 1) {
          log.warn("WAL segment {} has a torn header ({} bytes); removing it", seg, bytes.length);
          Files.delete(seg);
          corruptions++;
          continue;
        }
        throw new StoreException(seg + " is not an mlpipe WAL segment (bad magic)");
      }
      int version = bytes[MAGIC.length] & 0xff;
      if (version > FORMAT_VERSION) {
        throw StoreException.newerFormat(seg, "WAL", version, FORMAT_VERSION, dir);
      }
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      int pos = HEADER;
      while (pos < bytes.length) {
        String problem = null;
        if (bytes.length - pos < 8) {
          problem = "record header cut short";
        } else {
          int len = buf.getInt(pos);
          int crc = buf.getInt(pos + 4);
          if (len < 8 || len > MAX_RECORD || len > bytes.length - pos - 8) {
            problem = "record length " + len + " runs past the end";
          } else {
            CRC32C c = new CRC32C();
            c.update(bytes, pos + 8, len);
            if ((int) c.getValue() != crc) {
              problem = "checksum mismatch";
            } else {
              long seq = buf.getLong(pos + 8);
              if (seq > afterSeq) {
                consumer.accept(seq, bytes, pos + 16, len - 8);
              }
              pos += 8 + len;
              continue;
            }
          }
        }
        corruptions++;
        log.warn(
            "WAL {}: {} at byte {}; truncating {} bytes after the last good record (writes after it were never acknowledged)",
            seg,
            problem,
            pos,
            bytes.length - pos);
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
          ch.truncate(pos);
          ch.force(true);
        }
        // Anything in later segments was written after the damage: not trustworthy in order.
        for (int j = i + 1; j < segments.size(); j++) {
          log.warn("WAL: removing later segment {} after a corruption", segments.get(j));
          Files.delete(segments.get(j));
        }
        return corruptions;
      }
    }
    return corruptions;
  }

  private static boolean startsWithMagic(byte[] bytes) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /** Opens a new segment whose first record will be {@code firstSeq}; closes the current one. */
  void rotate(long firstSeq) throws IOException {
    closeCurrent();
    Path p = segmentPath(dir, firstSeq);
    FileChannel ch =
        FileChannel.open(
            p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    if (ch.size() == 0) {
      ByteBuffer h = ByteBuffer.allocate(HEADER);
      h.put(MAGIC).put((byte) FORMAT_VERSION).put((byte) 0).flip();
      while (h.hasRemaining()) {
        ch.write(h);
      }
      ch.force(true);
      syncDir();
    }
    current = ch;
    currentPath = p;
  }

  /** Position to truncate back to if the next append fails. */
  long position() throws IOException {
    return current.size();
  }

  void append(long seq, byte[] payload) throws IOException {
    CRC32C c = new CRC32C();
    header.clear();
    header.putLong(seq).flip();
    c.update(header.duplicate());
    c.update(payload);
    ByteBuffer rec = ByteBuffer.allocate(16 + payload.length);
    rec.putInt(8 + payload.length).putInt((int) c.getValue()).putLong(seq).put(payload).flip();
    while (rec.hasRemaining()) {
      current.write(rec);
    }
  }

  void sync() throws IOException {
    current.force(false);
  }

  /** Takes back a failed append, best effort (the disk may be the problem). */
  void truncate(long position) {
    try {
      current.truncate(position);
    } catch (IOException e) {
      log.warn("WAL: cannot truncate {} back to {}: {}", currentPath, position, e.toString());
    }
  }

  private void syncDir() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some filesystems cannot fsync a directory; the file's own fsync still holds.
    }
  }

  private void closeCurrent() throws IOException {
    if (current != null) {
      current.close();
      current = null;
    }
  }

  @Override
  public void close() throws IOException {
    closeCurrent();
  }
}
