package io.mlpipe.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The WAL's file layer with faults: each kind of operation fails on chosen calls (counted from 1
 * per kind) or from a moment until {@link #heal}, as a full or failing disk would. A failing append
 * writes half its bytes first, as a real short write leaves them.
 */
final class FaultyFiles implements WalFiles {

  enum Kind {
    CREATE,
    HEADER,
    APPEND,
    PREALLOCATE,
    FSYNC,
    TRUNCATE,
    MOVE
  }

  private final Map<Kind, AtomicInteger> calls = new EnumMap<>(Kind.class);
  private final Map<Kind, int[]> windows = new EnumMap<>(Kind.class);
  private final Map<Kind, Boolean> broken = new EnumMap<>(Kind.class);
  private volatile CountDownLatch fsyncGate;
  private volatile long usableSpace = -1;
  private final AtomicInteger injected = new AtomicInteger();

  FaultyFiles() {
    for (Kind k : Kind.values()) {
      calls.put(k, new AtomicInteger());
    }
  }

  /** Fails calls {@code from} to {@code from + count - 1} of {@code kind}. */
  synchronized FaultyFiles fail(Kind kind, int from, int count) {
    windows.put(kind, new int[] {from, from + count});
    return this;
  }

  /** Fails every call of {@code kinds} from now until {@link #heal}. */
  synchronized FaultyFiles breakNow(Kind... kinds) {
    for (Kind k : kinds) {
      broken.put(k, true);
    }
    return this;
  }

  synchronized void heal() {
    broken.clear();
    windows.clear();
  }

  /** Makes every fsync wait until the returned latch is counted down (storage that hangs). */
  CountDownLatch holdFsyncs() {
    fsyncGate = new CountDownLatch(1);
    return fsyncGate;
  }

  /** Reports {@code bytes} free on the file system (-1: the real figure). */
  FaultyFiles usableSpace(long bytes) {
    usableSpace = bytes;
    return this;
  }

  /** How many faults were injected so far. */
  int injected() {
    return injected.get();
  }

  int calls(Kind kind) {
    return calls.get(kind).get();
  }

  private synchronized boolean failing(Kind kind) {
    int n = calls.get(kind).incrementAndGet();
    int[] w = windows.get(kind);
    boolean fail = broken.getOrDefault(kind, false) || (w != null && n >= w[0] && n < w[1]);
    if (fail) {
      injected.incrementAndGet();
    }
    return fail;
  }

  private static IOException injected(Kind kind) {
    return new IOException("No space left on device (injected " + kind + ")");
  }

  @Override
  public FileChannel create(Path path) throws IOException {
    if (failing(Kind.CREATE)) {
      throw injected(Kind.CREATE);
    }
    return WalFiles.super.create(path);
  }

  @Override
  public void writeHeader(FileChannel ch, ByteBuffer header) throws IOException {
    if (failing(Kind.HEADER)) {
      ch.write(header.limit(3));
      throw injected(Kind.HEADER);
    }
    WalFiles.super.writeHeader(ch, header);
  }

  @Override
  public void append(FileChannel ch, ByteBuffer record) throws IOException {
    if (failing(Kind.APPEND)) {
      ch.write(record.limit(record.position() + record.remaining() / 2));
      throw injected(Kind.APPEND);
    }
    WalFiles.super.append(ch, record);
  }

  @Override
  public int writeZeros(FileChannel ch, ByteBuffer zeros, long position) throws IOException {
    if (failing(Kind.PREALLOCATE)) {
      int n = ch.write(zeros.limit(zeros.position() + zeros.remaining() / 2), position);
      throw new IOException("No space left on device (injected PREALLOCATE after " + n + " bytes)");
    }
    return WalFiles.super.writeZeros(ch, zeros, position);
  }

  @Override
  public long usableSpace(Path dir) throws IOException {
    long bytes = usableSpace;
    return bytes >= 0 ? bytes : WalFiles.super.usableSpace(dir);
  }

  @Override
  public void force(FileChannel ch) throws IOException {
    CountDownLatch gate = fsyncGate;
    if (gate != null) {
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while held", e);
      }
    }
    if (failing(Kind.FSYNC)) {
      throw injected(Kind.FSYNC);
    }
    WalFiles.super.force(ch);
  }

  @Override
  public void truncate(FileChannel ch, long size) throws IOException {
    if (failing(Kind.TRUNCATE)) {
      throw injected(Kind.TRUNCATE);
    }
    WalFiles.super.truncate(ch, size);
  }

  @Override
  public void move(Path from, Path to) throws IOException {
    if (failing(Kind.MOVE)) {
      throw injected(Kind.MOVE);
    }
    WalFiles.super.move(from, to);
  }
}
