package io.mlpipe.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-ahead log: segment files {@code wal-<first seq>.log}, each an 8-byte header (magic and
 * format version) followed by records {@code [length u32][crc32c u32][seq u64][payload]}.
 *
 * <p>Writing: a new segment is written whole (header, fsync) under a temporary name and renamed
 * into place, and the current segment stays the one written to until then, so a failed rotation
 * changes nothing. A failed append is taken back by truncating to where it began; when even that
 * fails, the segment is marked broken and nothing more is appended to it: the next commit first
 * retries the truncate, else starts a new segment at its sequence number, else is refused (503).
 *
 * <p>Replay, the rules in order: (1) a record that is cut short or fails its checksum is torn: if a
 * valid record continuing the sequence follows it in the same segment, the bytes in between are
 * skipped (an append that failed and could not be taken back, followed by acknowledged ones, as
 * mlpipe before WAL format 2 could leave them); otherwise the segment ends there and its tail is
 * truncated. (2) A record whose sequence number is not above the previous one's supersedes the
 * records from that number on: those were a commit that failed (never acknowledged) and whose
 * numbers the writer reused, in the same segment or a new one. (3) A segment header cut short (1-7
 * bytes of it) with nothing after it is removed; with records after it, the header is rewritten.
 * Nothing after a torn record is ever deleted. (4) Zeros from a record's place to the end of the
 * segment are space written ahead of the appends (below): the segment's clean end, not a torn
 * record; they are cut off without counting a corruption. A record cut short inside that space is
 * still torn (its length and checksum are not zero, or bytes after it are not).
 *
 * <p>Preallocation: a segment is written with zeros ahead of its appends ({@link
 * #PREALLOCATE_AHEAD}, in the background, topped up as the appends move on), so that a commit
 * overwrites blocks the file already has and its fdatasync flushes data only; an append that makes
 * the file longer also makes fdatasync commit the new size and extents to the file system's
 * journal. A write that outruns the zeros appends as before, so preallocation never holds a commit
 * back and a failure of it (disk full) only stops it: commits go on into the zeros already written,
 * then append. It is skipped while the file system has less than {@link #PREALLOCATE_MIN_FREE}
 * free, so that it never takes the space snapshots need. A segment that is left for a new one is
 * cut back to its records. WAL format 2 as before: mlpipe versions without rule (4) read a zero
 * tail as one torn record, which they truncate; nothing is lost.
 */
final class Wal implements AutoCloseable {

  /**
   * 2 added the operations that decide from stored state ({@code Op.Init}, {@code Op.RemoveOthers},
   * {@code Op.ObserveElapsed}); version 1 segments hold a subset and replay as they are. A version
   * 1 mlpipe refuses version 2 segments as "written by a newer mlpipe".
   */
  static final int FORMAT_VERSION = 2;

  private static final byte[] MAGIC = "MLPWAL".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER = 8;
  private static final int MAX_RECORD = 256 * 1024 * 1024;
  private static final Logger log = LoggerFactory.getLogger(Wal.class);

  /** Zeros are kept this far ahead of the appends; topped up when less than half is left. */
  static final long PREALLOCATE_AHEAD = 4L << 20;

  /** No preallocation while the file system has less than this free (left to snapshots). */
  static final long PREALLOCATE_MIN_FREE = 64L << 20;

  /** After a failed preallocation, the next try waits this long (storage is full or failing). */
  private static final long PREALLOCATE_RETRY_NANOS = 1_000_000_000L;

  /** Zeros are written in pieces this big, each under {@link #space} for a moment only. */
  private static final int ZERO_PIECE = 256 * 1024;

  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(ZERO_PIECE).asReadOnlyBuffer();

  /** One replayed record. */
  interface RecordConsumer {
    void accept(long seq, byte[] payload, int offset, int length) throws IOException;
  }

  private final Path dir;
  private final WalFiles files;
  private FileChannel current;
  private Path currentPath;

  /**
   * Guards the current segment's end against the preallocating thread: {@link #current} and {@link
   * #allocated} change under it, zeros are written under it, and so is an append that goes past
   * {@link #allocated} (one below it needs no lock: zeros are only written above it).
   */
  private final Object space = new Object();

  /** Bytes of the current segment on disk: its records, then zeros written ahead of them. */
  private volatile long allocated;

  private final AtomicBoolean preallocating = new AtomicBoolean();
  private volatile long nextPreallocateNanos;
  private volatile boolean closing;
  private final ThreadPoolExecutor preallocator = preallocator();

  /** One thread, gone after 10 s without work: an agent nobody pushes to keeps none. */
  private static ThreadPoolExecutor preallocator() {
    ThreadPoolExecutor e =
        new ThreadPoolExecutor(
            1,
            1,
            10,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "wal-preallocate");
              t.setDaemon(true);
              return t;
            });
    e.allowCoreThreadTimeOut(true);
    return e;
  }

  /** The current segment may end in bytes of a failed append; its good data ends at goodSize. */
  private boolean broken;

  private long goodSize;

  /** Bytes appended since the last commit or take-back. */
  private long pending;

  /**
   * Bytes of each segment on disk as this WAL wrote, truncated or deleted them, so that the size
   * gauges cost no directory listing per scrape. Written by the store's writer (appends) and its
   * background snapshot (deletes), read by scrapes.
   */
  private final Map<Path, Long> sizes = new ConcurrentHashMap<>();

  Wal(Path dir) {
    this(dir, WalFiles.REAL);
  }

  Wal(Path dir, WalFiles files) {
    this.dir = dir;
    this.files = files;
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

  /** A valid record found by replay. */
  private record Entry(byte[] bytes, int offset, int length, long seq) {}

  /**
   * Replays every record after {@code afterSeq} (rules in the class comment); returns the number of
   * torn or corrupt places found.
   */
  int replay(long afterSeq, RecordConsumer consumer) throws IOException, StoreException {
    removeTemporaries();
    int corruptions = 0;
    List<Entry> entries = new ArrayList<>();
    for (Path seg : segments()) {
      byte[] bytes = Files.readAllBytes(seg);
      int start = headerLength(seg, bytes);
      if (start < 0) {
        corruptions++;
        continue; // a short header and nothing else: removed
      }
      if (bytes.length > 0 && start < HEADER) {
        corruptions++;
        bytes = rewriteHeader(seg, bytes, start);
        start = HEADER;
      }
      int version = bytes[MAGIC.length] & 0xff;
      if (version > FORMAT_VERSION) {
        throw StoreException.newerFormat(seg, "WAL", version, FORMAT_VERSION, dir);
      }
      int pos = start;
      while (pos < bytes.length) {
        // The record before this one; for a segment's first, the number its name says precedes it.
        long last = entries.isEmpty() ? firstSeq(seg) - 1 : entries.get(entries.size() - 1).seq();
        int len = recordAt(bytes, pos);
        if (len < 0 && zerosFrom(bytes, pos)) {
          log.debug(
              "WAL {}: ends at byte {}, {} preallocated bytes after it",
              seg,
              pos,
              bytes.length - pos);
          try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
            ch.truncate(pos); // zeros only: a crash before this reaches disk leaves them, as before
          } catch (IOException e) {
            log.debug("WAL {}: zeros after its records stay ({})", seg, e.toString());
          }
          break;
        }
        if (len < 0) {
          corruptions++;
          int next = nextRecord(bytes, pos + 1, last);
          if (next >= 0) {
            log.warn(
                "WAL {}: skipping {} torn bytes at byte {}: a failed append, followed by records that continue the log",
                seg,
                next - pos,
                pos);
            pos = next;
            continue;
          }
          log.warn(
              "WAL {}: torn or corrupt record at byte {}; truncating the {} bytes from there (writes in them were never acknowledged)",
              seg,
              pos,
              bytes.length - pos);
          try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
            ch.truncate(pos);
            ch.force(true);
          }
          break;
        }
        long seq = ByteBuffer.wrap(bytes, pos + 8, 8).getLong();
        if (!entries.isEmpty() && seq <= last) {
          int dropped = 0;
          while (!entries.isEmpty() && entries.get(entries.size() - 1).seq() >= seq) {
            entries.remove(entries.size() - 1);
            dropped++;
          }
          log.warn(
              "WAL {}: record {} follows record {}; dropping {} records of a commit that failed (never acknowledged)",
              seg,
              seq,
              last,
              dropped);
        } else if (!entries.isEmpty() && seq != last + 1) {
          corruptions++;
          log.error("WAL {}: records {} to {} are missing; replaying on", seg, last + 1, seq - 1);
        }
        entries.add(new Entry(bytes, pos + 16, len - 8, seq));
        pos += 8 + len;
      }
    }
    for (Entry e : entries) {
      if (e.seq() > afterSeq) {
        consumer.accept(e.seq(), e.bytes(), e.offset(), e.length());
      }
    }
    // Replay may have truncated, rewritten or removed segments: measure what is left, once.
    sizes.clear();
    for (Path seg : segments()) {
      sizes.put(seg, Files.size(seg));
    }
    return corruptions;
  }

  /**
   * Where records start in {@code bytes}: 8 after a whole header; k when a header cut short to k
   * bytes is followed by a valid record; -1 (and the file removed) for a short header alone.
   */
  private int headerLength(Path seg, byte[] bytes) throws IOException, StoreException {
    if (bytes.length >= HEADER && startsWithMagic(bytes)) {
      return HEADER;
    }
    for (int k = 1; k < HEADER && k <= bytes.length; k++) {
      if (!isHeaderPrefix(bytes, k)) {
        break;
      }
      if (k == bytes.length) {
        log.warn(
            "WAL segment {} has a header cut short ({} bytes) and no records; removing it", seg, k);
        Files.delete(seg);
        return -1;
      }
      if (recordAt(bytes, k) >= 0) {
        return k;
      }
    }
    if (bytes.length == 0) {
      log.warn("WAL segment {} is empty; removing it", seg);
      Files.delete(seg);
      return -1;
    }
    throw new StoreException(seg + " is not an mlpipe WAL segment (bad magic)");
  }

  /** Whether the first {@code k} bytes are the start of a header of a version this reads. */
  private static boolean isHeaderPrefix(byte[] bytes, int k) {
    for (int i = 0; i < k; i++) {
      if (i < MAGIC.length) {
        if (bytes[i] != MAGIC[i]) {
          return false;
        }
      } else if (i == MAGIC.length) {
        if (bytes[i] < 1 || bytes[i] > FORMAT_VERSION) {
          return false;
        }
      } else if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** Rewrites a segment whose header was cut short before records (mlpipe before format 2). */
  private byte[] rewriteHeader(Path seg, byte[] bytes, int recordsAt) throws IOException {
    // Records written after a short header came from a writer of format 1 at the latest.
    int version = recordsAt > MAGIC.length ? bytes[MAGIC.length] : 1;
    byte[] fixed = new byte[HEADER + bytes.length - recordsAt];
    System.arraycopy(MAGIC, 0, fixed, 0, MAGIC.length);
    fixed[MAGIC.length] = (byte) version;
    System.arraycopy(bytes, recordsAt, fixed, HEADER, bytes.length - recordsAt);
    Path tmp = seg.resolveSibling(seg.getFileName() + ".tmp");
    try (FileChannel ch = WalFiles.REAL.create(tmp)) {
      WalFiles.REAL.append(ch, ByteBuffer.wrap(fixed));
      ch.force(true);
    }
    WalFiles.REAL.move(tmp, seg);
    syncDir();
    log.warn(
        "WAL segment {} had a header cut short ({} bytes) before its records; rewrote it",
        seg,
        recordsAt);
    return fixed;
  }

  /** Whether every byte from {@code pos} on is zero: preallocated space, never written. */
  private static boolean zerosFrom(byte[] bytes, int pos) {
    for (int i = pos; i < bytes.length; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** The length field of a valid record at {@code pos}, or -1 when none is there. */
  private static int recordAt(byte[] bytes, int pos) {
    if (bytes.length - pos < 16) {
      return -1;
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    int len = buf.getInt(pos);
    if (len < 8 || len > MAX_RECORD || len > bytes.length - pos - 8) {
      return -1;
    }
    CRC32C c = new CRC32C();
    c.update(bytes, pos + 8, len);
    return (int) c.getValue() == buf.getInt(pos + 4) ? len : -1;
  }

  /** The first valid record from {@code from} on that continues after {@code last}, or -1. */
  private static int nextRecord(byte[] bytes, int from, long last) {
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    for (int p = from; p + 16 <= bytes.length; p++) {
      long seq = buf.getLong(p + 8);
      if (seq >= 1 && seq <= last + 1 && recordAt(bytes, p) >= 0) {
        return p;
      }
    }
    return -1;
  }

  private void removeTemporaries() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p :
          s.filter(p -> p.getFileName().toString().matches("wal-\\d{20}\\.log\\.tmp")).toList()) {
        log.info("WAL: removing {}, a segment that was never put in place", p);
        Files.deleteIfExists(p);
      }
    }
  }

  private static boolean startsWithMagic(byte[] bytes) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Starts a new segment whose first record will be {@code firstSeq}. Until it is in place (header
   * written and fsynced, renamed), the current segment stays the one written to; when anything
   * fails, what was opened is closed and removed, and the current segment is unchanged.
   */
  void rotate(long firstSeq) throws IOException {
    Path p = segmentPath(dir, firstSeq);
    Path tmp = p.resolveSibling(p.getFileName() + ".tmp");
    FileChannel ch = null;
    try {
      ch = files.create(tmp);
      ByteBuffer h = ByteBuffer.allocate(HEADER);
      h.put(MAGIC).put((byte) FORMAT_VERSION).put((byte) 0).flip();
      files.writeHeader(ch, h);
      files.force(ch);
      files.move(tmp, p);
    } catch (IOException | RuntimeException e) {
      if (ch != null) {
        closeQuietly(ch, tmp);
      }
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the next start removes it
      }
      throw e;
    }
    syncDir();
    FileChannel old;
    Path oldPath;
    long oldAllocated;
    synchronized (space) {
      old = current;
      oldPath = currentPath;
      oldAllocated = allocated;
      current = ch;
      currentPath = p;
      allocated = HEADER;
    }
    boolean oldBroken = broken;
    long oldGood = goodSize;
    broken = false;
    goodSize = HEADER;
    pending = 0;
    sizes.put(p, (long) HEADER);
    if (old != null) {
      if (!oldBroken && oldAllocated > oldGood) {
        trimZeros(old, oldPath, oldGood);
      }
      closeQuietly(old, oldPath);
    }
    // No preallocation yet: the first commit starts it, so an agent nobody pushes to keeps none.
  }

  /**
   * Cuts a segment that is no longer written to back to its records. Zeros only: when it fails,
   * replay reads them as the segment's end (rule 4), so it is not retried.
   */
  private void trimZeros(FileChannel ch, Path path, long size) {
    try {
      ch.truncate(size);
      sizes.put(path, size);
    } catch (IOException e) {
      log.debug("WAL: cannot cut the preallocated zeros off {}: {}", path, e.toString());
    }
  }

  /**
   * Starts writing zeros ahead of the current segment's appends in the background when less than
   * half of {@link #PREALLOCATE_AHEAD} is left and no preallocation is running.
   */
  private void preallocate() {
    if (current == null
        || broken
        || allocated - goodSize >= PREALLOCATE_AHEAD / 2
        || System.nanoTime() - nextPreallocateNanos < 0
        || !preallocating.compareAndSet(false, true)) {
      return;
    }
    FileChannel ch = current;
    Path path = currentPath;
    long target = goodSize + PREALLOCATE_AHEAD;
    try {
      preallocator.execute(() -> writeZerosAhead(ch, path, target));
    } catch (RejectedExecutionException e) {
      preallocating.set(false); // closing
    }
  }

  /** The preallocating thread: zeros up to {@code target} in {@code ch}, while it is current. */
  private void writeZerosAhead(FileChannel ch, Path path, long target) {
    try {
      long free = files.usableSpace(dir);
      if (free - (target - allocated) < PREALLOCATE_MIN_FREE) {
        log.debug("WAL: not preallocating, {} bytes free in {}", free, dir);
        nextPreallocateNanos = System.nanoTime() + PREALLOCATE_RETRY_NANOS;
        return;
      }
      while (true) {
        synchronized (space) {
          long from = allocated;
          if (ch != current || from >= target || closing) {
            break;
          }
          ByteBuffer zeros = ZEROS.duplicate();
          zeros.limit((int) Math.min(ZERO_PIECE, target - from));
          try {
            files.writeZeros(ch, zeros, from);
          } finally {
            allocated = from + zeros.position(); // a disk that filled up keeps what was written
            sizes.put(path, allocated);
          }
        }
      }
      // The zeros and the file's new size reach disk here, not in a commit's fdatasync. Not through
      // files.force: that is the commits' fsync, which tests count and hold.
      ch.force(false);
    } catch (IOException e) {
      log.debug("WAL: preallocating {} stopped: {}", path, e.toString());
      nextPreallocateNanos = System.nanoTime() + PREALLOCATE_RETRY_NANOS;
    } finally {
      preallocating.set(false);
    }
  }

  /**
   * Makes the WAL ready for a commit whose first record is {@code nextSeq}: a broken segment is
   * repaired (truncated to its good data) or replaced by a new one starting at {@code nextSeq}.
   *
   * @throws IOException when neither works: storage is not usable, the commit must be refused
   */
  void ready(long nextSeq) throws IOException {
    if (current != null && !broken) {
      return;
    }
    if (current != null) {
      try {
        synchronized (space) {
          files.truncate(current, goodSize);
          allocated = goodSize;
        }
        files.force(current);
        broken = false;
        sizes.put(currentPath, goodSize);
        log.info("WAL: took back the failed append in {} (truncated to {})", currentPath, goodSize);
        return;
      } catch (IOException e) {
        log.debug("WAL: {} still cannot be truncated: {}", currentPath, e.toString());
      }
    }
    rotate(nextSeq);
    log.info("WAL: started {} in place of a segment with a failed append", currentPath);
  }

  void append(long seq, byte[] payload) throws IOException {
    CRC32C c = new CRC32C();
    ByteBuffer seqBytes = ByteBuffer.allocate(8).putLong(seq).flip();
    c.update(seqBytes);
    c.update(payload);
    ByteBuffer rec = ByteBuffer.allocate(16 + payload.length);
    rec.putInt(8 + payload.length).putInt((int) c.getValue()).putLong(seq).put(payload).flip();
    int size = rec.remaining();
    pending += size; // counted first: a partial write is taken back with the rest
    long end = goodSize + pending;
    if (end <= allocated) {
      files.append(current, rec); // into zeros written ahead: the preallocating thread is past it
      return;
    }
    synchronized (space) {
      try {
        files.append(current, rec);
      } finally {
        allocated = Math.max(allocated, end); // zeros go after it, never over what it wrote
        sizes.put(currentPath, allocated);
      }
    }
  }

  void sync() throws IOException {
    files.force(current);
  }

  /**
   * The appends since the last {@link #commit} or {@link #takeBack} are in the segment for good.
   */
  void commit() {
    goodSize += pending;
    pending = 0;
    preallocate();
  }

  /**
   * Takes back the appends since the last commit (they failed). When the truncate fails too, the
   * segment is broken: {@link #ready} repairs or replaces it before anything else is appended.
   */
  void takeBack() {
    pending = 0;
    try {
      synchronized (space) {
        files.truncate(current, goodSize);
        allocated = goodSize;
      }
      sizes.put(currentPath, goodSize);
    } catch (IOException | RuntimeException e) {
      broken = true;
      log.warn(
          "WAL: cannot truncate {} back to {} ({}); no more appends to it until it is repaired or replaced",
          currentPath,
          goodSize,
          e.toString());
    }
  }

  /** Waits until the preallocation started so far is done (tests). */
  void awaitPreallocation() throws InterruptedException, ExecutionException {
    preallocator.submit(() -> {}).get();
  }

  /** Deletes a segment that a snapshot covers. */
  void delete(Path segment) throws IOException {
    Files.deleteIfExists(segment);
    sizes.remove(segment);
  }

  /** Bytes of all segments on disk (as tracked, no directory listing). */
  long sizeBytes() {
    long total = 0;
    for (long n : sizes.values()) {
      total += n;
    }
    return total;
  }

  /** Segments on disk (as tracked). */
  int segmentCount() {
    return sizes.size();
  }

  private void syncDir() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some filesystems cannot fsync a directory; the file's own fsync still holds.
    }
  }

  private static void closeQuietly(FileChannel ch, Path path) {
    try {
      ch.close();
    } catch (IOException e) {
      log.warn("WAL: closing {}: {}", path, e.toString());
    }
  }

  @Override
  public void close() throws IOException {
    // Not shutdownNow: an interrupt in a write would close the segment's channel under us.
    closing = true;
    preallocator.shutdown();
    if (current != null) {
      try {
        preallocator.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (!broken && current.isOpen() && allocated > goodSize + pending) {
        trimZeros(current, currentPath, goodSize + pending);
      }
      current.close();
      current = null;
    }
  }
}
