package io.mlpipe.store;

import io.mlpipe.config.LimitsConfig;
import io.mlpipe.store.WriteRejectedException.Kind;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The series store: groups in memory, every acknowledged write in a fsynced WAL first.
 *
 * <p>Request threads parse and validate in parallel, then hand their mutations to one writer
 * thread. The writer evaluates a batch of requests against staged state (limits, type consistency),
 * appends the accepted ones to the WAL, fsyncs once for the whole batch (group commit), and only
 * then makes them visible and acknowledges them. A request that fails or whose batch could not be
 * made durable leaves no trace.
 *
 * <pre>{@code
 * DurableStore store = DurableStore.open(new DurableStore.Options(dir, FsyncMode.always, LimitsConfig::defaults), registry);
 * store.write(List.of(new Mutation.Replace(key, families, now, 0)));
 * }</pre>
 */
public final class DurableStore implements AutoCloseable {

  /**
   * How the store runs.
   *
   * @param snapshotEveryRecords write a snapshot (and drop covered WAL) after this many records
   */
  public record Options(
      Path dir,
      FsyncMode fsync,
      Supplier<LimitsConfig> limits,
      int snapshotEveryRecords,
      long snapshotEveryMillis,
      long expiryCheckMillis) {
    public Options(Path dir, FsyncMode fsync, Supplier<LimitsConfig> limits) {
      this(dir, fsync, limits, 20_000, 300_000, 1_000);
    }
  }

  private static final Logger log = LoggerFactory.getLogger(DurableStore.class);
  private static final int MAX_BATCH = 512;

  /**
   * How long a request waits for its commit. Past it the request gets 503 rather than a thread held
   * forever (storage that hangs, e.g. a dead network mount).
   */
  static final long WRITE_TIMEOUT_MILLIS = 30_000;

  /** How long close() waits for the writer to finish the queued writes. */
  static final long CLOSE_JOIN_MILLIS = 30_000;

  /** After a failed rotation for a snapshot, the next try waits this long (storage is failing). */
  private static final long SNAPSHOT_RETRY_MILLIS = 1_000;

  /**
   * In batch mode a commit waits for company at most this long, and only while writes are known to
   * be on the way ({@link #expectWrite}): a fixed wait held commits that nothing more would join (4
   * clients got a third of fsync=always's throughput with 2 ms, less than always with 0.2 ms after
   * the last arrival).
   */
  static final long BATCH_LINGER_NANOS = 2_000_000;

  /**
   * While the disk is slow (the last fsync took longer than {@link #SLOW_FSYNC_NANOS}), a commit
   * also waits for requests not announced yet, until none arrived for this long: then one fsync
   * shared by more requests is worth more than the wait (with 4 clients, 3.2 requests per fsync
   * against 1.9 without; the two rules break even near a 1.3 ms fsync on this project's machine).
   */
  static final long BATCH_GAP_NANOS = 200_000;

  static final long SLOW_FSYNC_NANOS = 1_000_000;

  private static final LimitsConfig UNLIMITED =
      new LimitsConfig(
          Integer.MAX_VALUE,
          Long.MAX_VALUE,
          Integer.MAX_VALUE,
          Integer.MAX_VALUE,
          Integer.MAX_VALUE,
          Long.MAX_VALUE);

  private final Options options;
  private final StoreState state = new StoreState();
  private final Wal wal;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(10_000);
  private final ScheduledExecutorService background =
      Executors.newScheduledThreadPool(
          1,
          r -> {
            Thread t = new Thread(r, "store-background");
            t.setDaemon(true);
            return t;
          });
  private final AtomicBoolean snapshotInFlight = new AtomicBoolean();
  private final Thread writer;
  private volatile boolean running = true;

  /** Set by the writer as it exits; a request that sees it fails instead of waiting. */
  private volatile boolean writerStopped;

  /** {@link #WRITE_TIMEOUT_MILLIS}; tests shorten it. */
  volatile long writeTimeoutMillis = WRITE_TIMEOUT_MILLIS;

  /** {@link #BATCH_LINGER_NANOS}; tests lengthen it to see what ends a linger. */
  volatile long batchLingerNanos = BATCH_LINGER_NANOS;

  /** {@link #BATCH_GAP_NANOS} and {@link #SLOW_FSYNC_NANOS}; tests change them. */
  volatile long batchGapNanos = BATCH_GAP_NANOS;

  volatile long slowFsyncNanos = SLOW_FSYNC_NANOS;

  /** Writes announced by {@link #expectWrite} that are not in the queue yet (nor given up). */
  private final AtomicInteger expected = new AtomicInteger();

  /**
   * Set while the writer lingers for expected writes; the last one to settle then wakes it with
   * {@link #WAKE}, so that a commit does not wait out the linger for a write that is not coming.
   */
  private volatile boolean lingering;

  /** Queued only to wake a lingering writer; never committed. */
  private static final Pending WAKE = new Pending(List.of(), new byte[0], null);

  // Writer-thread state.
  private long lastFsyncNanos;
  private long seq;
  private long recordsSinceSnapshot;
  private long lastSnapshotMillis = System.currentTimeMillis();
  private long nextSnapshotAttemptMillis;
  private boolean writable = true;

  private final Histogram fsyncDuration;
  private final Counter walCorruptions;
  private final Counter groupsExpired;
  private final Counter rejected;
  private final Gauge storageWritable;

  private static final class Pending {
    final List<Mutation> request;
    final Function<WriteRejectedException, List<Mutation>> onRejected;
    final CompletableFuture<Void> done = new CompletableFuture<>();

    /**
     * The request's WAL record, encoded by the request thread: encoding was most of the writer's
     * CPU, and the writer is the one serial step of every commit.
     */
    final byte[] record;

    Pending(
        List<Mutation> request,
        byte[] record,
        Function<WriteRejectedException, List<Mutation>> onRejected) {
      this.request = request;
      this.record = record;
      this.onRejected = onRejected;
    }
  }

  private DurableStore(
      Options options,
      PrometheusRegistry registry,
      FileChannel lockChannel,
      FileLock lock,
      WalFiles files) {
    this.options = options;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.wal = new Wal(options.dir(), files);
    fsyncDuration =
        Histogram.builder()
            .name("mlpipe_exporter_wal_fsync_duration_seconds")
            .help("Duration of WAL fsyncs; one fsync covers every request of a commit.")
            .classicUpperBounds(
                0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1)
            .classicOnly()
            .register(registry);
    walCorruptions =
        Counter.builder()
            .name("mlpipe_exporter_wal_corruptions_total")
            .help("Torn or corrupt WAL records found (and truncated) at start-up.")
            .register(registry);
    groupsExpired =
        Counter.builder()
            .name("mlpipe_exporter_groups_expired_total")
            .help("Groups removed because their TTL passed without a write.")
            .register(registry);
    rejected =
        Counter.builder()
            .name("mlpipe_exporter_series_rejected_total")
            .help("Writes rejected whole because they were over a limit, by limit.")
            .labelNames("reason")
            .register(registry);
    storageWritable =
        Gauge.builder()
            .name("mlpipe_exporter_storage_writable")
            .help(
                "Whether the last WAL commit succeeded (1) or storage refused it (0): writes get 503.")
            .register(registry);
    storageWritable.set(1);
    GaugeWithCallback.builder()
        .name("mlpipe_exporter_series")
        .help(
            "Series held in the store, by source (push: Pushgateway API, events: pipeline model).")
        .labelNames("source")
        .callback(
            cb -> {
              Map<String, Long> counts = state.seriesBySource();
              for (String source : List.of(GroupKey.PUSH, GroupKey.EVENTS)) {
                cb.call(counts.getOrDefault(source, 0L), source);
              }
            })
        .register(registry);
    registerStateGauges(registry);
    writer = new Thread(this::writeLoop, "store-writer");
  }

  /**
   * Gauges read on scrape from counts kept as writes happen (no scan of groups or of the WAL
   * directory): stored groups, the limits they are held to, the largest group, the WAL on disk.
   */
  private void registerStateGauges(PrometheusRegistry registry) {
    GaugeWithCallback.builder()
        .name("mlpipe_exporter_groups")
        .help(
            "Groups held in the store, by source (push: Pushgateway API, events: pipeline model).")
        .labelNames("source")
        .callback(
            cb -> {
              Map<String, Long> counts = state.groupsBySource();
              for (String source : List.of(GroupKey.PUSH, GroupKey.EVENTS)) {
                cb.call(counts.getOrDefault(source, 0L), source);
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("mlpipe_exporter_series_limit")
        .help("limits.max_series_total: series the store holds at most, all sources together.")
        .callback(cb -> cb.call(options.limits().get().maxSeriesTotal()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("mlpipe_exporter_group_series_limit")
        .help("limits.max_series_per_group: series one group may hold at most.")
        .callback(cb -> cb.call(options.limits().get().maxSeriesPerGroup()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("mlpipe_exporter_group_series_max")
        .help("Series in the largest group, against mlpipe_exporter_group_series_limit.")
        .callback(cb -> cb.call(state.largestGroupSeries()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("mlpipe_exporter_wal_size_bytes")
        .help(
            "Bytes of WAL segments on disk, with the zeros preallocated ahead of the appends;"
                + " snapshots drop the segments they cover.")
        .callback(cb -> cb.call(wal.sizeBytes()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("mlpipe_exporter_wal_segments")
        .help("WAL segment files on disk.")
        .callback(cb -> cb.call(wal.segmentCount()))
        .register(registry);
  }

  /** Opens the store in {@code options.dir()}, replaying snapshot and WAL before returning. */
  public static DurableStore open(Options options, PrometheusRegistry registry)
      throws IOException, StoreException {
    return open(options, registry, WalFiles.REAL);
  }

  /** As {@link #open(Options, PrometheusRegistry)}, writing the WAL through {@code files}. */
  static DurableStore open(Options options, PrometheusRegistry registry, WalFiles files)
      throws IOException, StoreException {
    Files.createDirectories(options.dir());
    FileChannel lockChannel =
        FileChannel.open(
            options.dir().resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = lockChannel.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException e) {
      lock = null; // held by this very JVM
    }
    if (lock == null) {
      lockChannel.close();
      throw new StoreException(
          options.dir()
              + " is in use by another mlpipe agent (lock held); give each agent its own --storage.path");
    }
    DurableStore store = new DurableStore(options, registry, lockChannel, lock, files);
    try {
      store.recover();
    } catch (IOException | StoreException | RuntimeException e) {
      store.releaseLock();
      throw e;
    }
    store.writer.start();
    store.background.scheduleWithFixedDelay(
        store::expire,
        options.expiryCheckMillis(),
        options.expiryCheckMillis(),
        TimeUnit.MILLISECONDS);
    return store;
  }

  private void recover() throws IOException, StoreException {
    long t0 = System.nanoTime();
    Snapshots.Content snap = readSnapshot();
    if (snap != null) {
      state.load(snap.groups());
      seq = snap.seq();
    }
    StoreState.Staging staging = state.stage();
    MutationApplier replay = new MutationApplier(UNLIMITED);
    int[] expired = {0};
    long[] replayed = {0};
    int corruptions =
        wal.replay(
            seq,
            (recordSeq, bytes, off, len) -> {
              List<Mutation> request = Codec.decodeMutations(bytes, off, len);
              try {
                replay.applyAll(staging, request, expired);
              } catch (WriteRejectedException e) {
                // Accepted once, so deterministic replay accepts it again; log if it ever does not.
                log.error("WAL record {} no longer applies: {}", recordSeq, e.getMessage());
              }
              seq = recordSeq;
              replayed[0]++;
            });
    staging.publish();
    walCorruptions.inc(corruptions);
    wal.rotate(seq + 1);
    recordsSinceSnapshot = replayed[0];
    log.info(
        "store recovered from {}: {} groups ({} from snapshot), {} WAL records replayed, {} corruptions, in {} ms",
        options.dir(),
        state.groups().size(),
        snap == null ? 0 : snap.groups().size(),
        replayed[0],
        corruptions,
        (System.nanoTime() - t0) / 1_000_000);
  }

  /**
   * The snapshot, or null. A corrupt one is never loaded: when the WAL still holds every write from
   * the first on (no segment was dropped yet), the store is rebuilt from the WAL and the damaged
   * file kept aside; otherwise the agent refuses to start, naming the file, since loading nothing
   * would silently lose the acknowledged writes that only the snapshot holds.
   */
  private Snapshots.Content readSnapshot() throws IOException, StoreException {
    try {
      return Snapshots.read(options.dir());
    } catch (Snapshots.Corrupt e) {
      List<Path> segments = wal.segments();
      if (segments.isEmpty() || Wal.firstSeq(segments.get(0)) != 1) {
        throw new StoreException(
            e.getMessage()
                + "; the WAL no longer holds the writes it covers. Restore it from a backup, or"
                + " move it away to start without them (they would be lost)");
      }
      Path aside = options.dir().resolve("snapshot.corrupt");
      Files.move(
          Snapshots.path(options.dir()), aside, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      log.error(
          "{}; the WAL still holds every write from the first on, so the store is rebuilt from it"
              + " (the damaged file is kept as {})",
          e.getMessage(),
          aside);
      return null;
    }
  }

  /**
   * Announces a write that a request will submit soon (its body is on the way or being parsed). In
   * batch mode a commit waits, up to 2 ms, while announced writes are still to come, and for no
   * others; the announcement settles when its write is queued ({@link #write(Expected, List,
   * Function)}) or closed without one (the request failed). Safe to close from any thread, more
   * than once.
   *
   * <pre>{@code
   * try (DurableStore.Expected expected = store.expectWrite()) {
   *   store.write(expected, parse(body), null);
   * }
   * }</pre>
   */
  public Expected expectWrite() {
    expected.incrementAndGet();
    return new Expected();
  }

  /** One announced write. */
  public final class Expected implements AutoCloseable {
    private final AtomicBoolean settled = new AtomicBoolean();

    private Expected() {}

    /**
     * Its write is in the queue, or none is coming. The writer sets {@link #lingering} and then
     * reads the count; this decrements the count and then reads {@link #lingering}: one of the two
     * sees the other, so no commit waits for a write that is not coming.
     */
    @Override
    public void close() {
      if (settled.compareAndSet(false, true) && expected.decrementAndGet() == 0 && lingering) {
        queue.offer(WAKE);
      }
    }
  }

  /**
   * Applies {@code request} all or nothing and returns once it is durable.
   *
   * @throws WriteRejectedException over a limit, inconsistent, or storage unavailable
   */
  public void write(List<Mutation> request) throws WriteRejectedException, InterruptedException {
    write(null, request, null);
  }

  /**
   * As {@link #write(List, Function)}, for the write that {@code announced} (may be null)
   * announced: it settles once the write is queued, or when this throws before.
   */
  public void write(
      Expected announced,
      List<Mutation> request,
      Function<WriteRejectedException, List<Mutation>> onRejected)
      throws WriteRejectedException, InterruptedException {
    try {
      submitAndWait(request, onRejected, announced);
    } finally {
      if (announced != null) {
        announced.close();
      }
    }
  }

  /**
   * As {@link #write(List)}; when the request is rejected, {@code onRejected} may name mutations to
   * apply instead (e.g. recording the failure time), which are made durable before the rejection is
   * thrown.
   */
  public void write(
      List<Mutation> request, Function<WriteRejectedException, List<Mutation>> onRejected)
      throws WriteRejectedException, InterruptedException {
    write(null, request, onRejected);
  }

  private void submitAndWait(
      List<Mutation> request,
      Function<WriteRejectedException, List<Mutation>> onRejected,
      Expected announced)
      throws WriteRejectedException, InterruptedException {
    if (!running) {
      throw new WriteRejectedException(Kind.UNAVAILABLE, "shutdown", "the agent is shutting down");
    }
    Pending p = new Pending(request, Codec.encodeMutations(request), onRejected);
    if (!queue.offer(p, 10, TimeUnit.SECONDS)) {
      throw new WriteRejectedException(
          Kind.UNAVAILABLE, "queue_full", "the store's write queue stayed full for 10 s");
    }
    if (announced != null) {
      announced.close(); // its write is in the queue now: a lingering commit takes it
    }
    // The writer sets writerStopped before failing what is left in the queue: either it sees p
    // there, or p sees the flag here. No request waits on a writer that is gone.
    if (writerStopped && queue.remove(p)) {
      throw writerGone();
    }
    try {
      p.done.get(writeTimeoutMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WriteRejectedException w) {
        throw w;
      }
      throw new IllegalStateException("store writer failed", e.getCause());
    } catch (TimeoutException e) {
      if (queue.remove(p)) {
        throw new WriteRejectedException(
            Kind.UNAVAILABLE,
            "timeout",
            "the store did not get to this write within "
                + writeTimeoutMillis
                + " ms; it was not applied");
      }
      throw new WriteRejectedException(
          Kind.UNAVAILABLE,
          "timeout",
          "storage did not complete this write within "
              + writeTimeoutMillis
              + " ms; it may still be applied");
    }
  }

  private static WriteRejectedException writerGone() {
    return new WriteRejectedException(
        Kind.UNAVAILABLE, "shutdown", "the store's writer has stopped; write not accepted");
  }

  /** Counts a write refused before it reached the store (ingest-side limits). */
  public void countRejected(String reason) {
    rejected.labelValues(reason).inc();
  }

  /** Every group, as one consistent view (never half of a write). */
  public List<Group> groups() {
    return state.groups();
  }

  /** One group, or null. */
  public Group group(GroupKey key) {
    return state.get(key);
  }

  private void writeLoop() {
    List<Pending> batch = new ArrayList<>();
    while (running || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first != null && first != WAKE) {
          batch.add(first);
          queue.drainTo(batch, MAX_BATCH - batch.size());
          if (options.fsync() == FsyncMode.batch) {
            linger(batch);
          }
          batch.removeIf(p -> p == WAKE);
          if (!batch.isEmpty()) {
            commit(batch);
          }
          batch.clear();
        }
        maybeSnapshot(false);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException | Error e) {
        log.error("store writer: unexpected failure, failing {} requests", batch.size(), e);
        batch.forEach(p -> p.done.completeExceptionally(e));
        batch.clear();
      }
    }
    writerStopped = true;
    batch.forEach(p -> p.done.completeExceptionally(writerGone()));
    List<Pending> left = new ArrayList<>();
    queue.drainTo(left);
    left.forEach(p -> p.done.completeExceptionally(writerGone()));
  }

  /**
   * Adds to {@code batch} the announced writes ({@link #expectWrite}) while they are still to come,
   * for at most the linger: with none announced, no wait (a lone client is not slowed), unless the
   * disk is slow ({@link #BATCH_GAP_NANOS}).
   */
  private void linger(List<Pending> batch) throws InterruptedException {
    long deadline = System.nanoTime() + batchLingerNanos;
    long gap = lastFsyncNanos > slowFsyncNanos ? batchGapNanos : 0;
    lingering = true;
    try {
      long left;
      while (batch.size() < MAX_BATCH && (left = deadline - System.nanoTime()) > 0) {
        boolean announced = expected.get() > 0;
        if (!announced && gap == 0) {
          break;
        }
        Pending next = queue.poll(announced ? left : Math.min(left, gap), TimeUnit.NANOSECONDS);
        if (next == null) {
          break;
        }
        batch.add(next);
        queue.drainTo(batch, MAX_BATCH - batch.size());
      }
    } finally {
      lingering = false;
    }
  }

  /** Announced writes not settled yet (tests check that every request settles its own). */
  int expectedWrites() {
    return expected.get();
  }

  /** Whether the writer lingers for announced writes now (tests wait for it). */
  boolean lingering() {
    return lingering;
  }

  private void commit(List<Pending> batch) {
    StoreState.Staging staging = state.stage();
    long seqBefore = seq;
    try {
      commit(batch, staging);
    } catch (RuntimeException | Error e) {
      // A bug, not bad input: nothing of the batch may stay, neither staged groups nor the
      // series and type accounting that staging changed, nor its WAL records.
      staging.rollbackTo(0);
      if (seq != seqBefore) {
        wal.takeBack();
        seq = seqBefore;
      }
      throw e;
    }
  }

  private void commit(List<Pending> batch, StoreState.Staging staging) {
    MutationApplier applier = new MutationApplier(options.limits().get());
    List<byte[]> toLog = new ArrayList<>();
    List<Pending> accepted = new ArrayList<>();
    List<Map.Entry<Pending, WriteRejectedException>> refused = new ArrayList<>();
    int[] expired = {0};
    for (Pending p : batch) {
      try {
        applier.applyAll(staging, p.request, expired);
        toLog.add(p.record);
        accepted.add(p);
      } catch (WriteRejectedException e) {
        refused.add(Map.entry(p, e));
        if (e.kind() == Kind.LIMIT) {
          rejected.labelValues(e.reason()).inc();
        }
        List<Mutation> instead = p.onRejected == null ? List.of() : p.onRejected.apply(e);
        if (!instead.isEmpty()) {
          try {
            applier.applyAll(staging, instead, expired);
            toLog.add(Codec.encodeMutations(instead));
          } catch (WriteRejectedException ignored) {
            // the fallback is best effort bookkeeping; the rejection itself stands
          }
        }
      }
    }
    if (!toLog.isEmpty()) {
      long firstSeq = seq + 1;
      try {
        wal.ready(firstSeq);
        for (byte[] record : toLog) {
          wal.append(++seq, record);
        }
        if (options.fsync() != FsyncMode.never) {
          long t0 = System.nanoTime();
          wal.sync();
          lastFsyncNanos = System.nanoTime() - t0;
          fsyncDuration.observe(lastFsyncNanos / 1e9);
        }
        wal.commit();
        recordsSinceSnapshot += toLog.size();
      } catch (IOException e) {
        if (seq != firstSeq - 1) {
          wal.takeBack();
        }
        seq = firstSeq - 1;
        staging.rollbackTo(0);
        if (writable) {
          log.error(
              "storage at {} refuses writes ({}); answering writes with 503 until it accepts them again, reads go on",
              options.dir(),
              e.toString());
        }
        writable = false;
        storageWritable.set(0);
        WriteRejectedException unavailable =
            new WriteRejectedException(
                Kind.UNAVAILABLE,
                "storage",
                "storage not writable, write not accepted: " + e.getMessage());
        accepted.forEach(p -> p.done.completeExceptionally(unavailable));
        refused.forEach(r -> r.getKey().done.completeExceptionally(r.getValue()));
        return;
      }
    }
    staging.publish();
    if (!writable) {
      log.info("storage at {} accepts writes again", options.dir());
      writable = true;
      storageWritable.set(1);
    }
    if (expired[0] > 0) {
      groupsExpired.inc(expired[0]);
    }
    accepted.forEach(p -> p.done.complete(null));
    refused.forEach(r -> r.getKey().done.completeExceptionally(r.getValue()));
  }

  private void maybeSnapshot(boolean force) {
    long now = System.currentTimeMillis();
    boolean due =
        recordsSinceSnapshot >= options.snapshotEveryRecords()
            || (recordsSinceSnapshot > 0
                && now - lastSnapshotMillis >= options.snapshotEveryMillis());
    if (!(force || (due && now >= nextSnapshotAttemptMillis))
        || !snapshotInFlight.compareAndSet(false, true)) {
      return;
    }
    long covered = seq;
    try {
      wal.rotate(covered + 1);
    } catch (IOException e) {
      // The current segment is still open and written to; only the snapshot waits.
      if (nextSnapshotAttemptMillis == 0) {
        log.warn(
            "cannot start a new WAL segment for a snapshot ({}); writes go on in the current one",
            e.toString());
      }
      nextSnapshotAttemptMillis = now + SNAPSHOT_RETRY_MILLIS;
      snapshotInFlight.set(false);
      return;
    }
    nextSnapshotAttemptMillis = 0;
    List<Group> groups = state.groups();
    recordsSinceSnapshot = 0;
    lastSnapshotMillis = now;
    Runnable task =
        () -> {
          try {
            Snapshots.write(options.dir(), new Snapshots.Content(covered, groups));
            for (Path seg : wal.segments()) {
              if (Wal.firstSeq(seg) <= covered) {
                wal.delete(seg);
              }
            }
          } catch (IOException | RuntimeException e) {
            log.warn("snapshot failed, keeping the WAL: {}", e.toString());
          } finally {
            snapshotInFlight.set(false);
          }
        };
    if (force) {
      task.run();
    } else {
      try {
        background.execute(task);
      } catch (RejectedExecutionException e) {
        // Closing: the writer finishes the queue after the background stopped; close() takes
        // the final snapshot itself, of what this one would have covered.
        snapshotInFlight.set(false);
        recordsSinceSnapshot = Math.max(recordsSinceSnapshot, 1);
      }
    }
  }

  private void expire() {
    long now = System.currentTimeMillis();
    List<Mutation> expiries = new ArrayList<>();
    for (Group g : state.groups()) {
      if (g.expiredAt(now)) {
        expiries.add(new Mutation.Expire(g.key(), g.updatedAtMillis()));
      }
    }
    if (expiries.isEmpty()) {
      return;
    }
    try {
      write(expiries);
      log.debug("expired {} groups", expiries.size());
    } catch (WriteRejectedException e) {
      log.warn("group expiry postponed: {}", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Writes a snapshot now, once the writer has stopped (clean shutdown). */
  private void snapshotNow() throws InterruptedException {
    background.shutdownNow();
    if (!background.awaitTermination(CLOSE_JOIN_MILLIS, TimeUnit.MILLISECONDS)) {
      log.warn("a background snapshot is still running; no final snapshot (the WAL has it all)");
      return;
    }
    snapshotInFlight.set(false);
    recordsSinceSnapshot = Math.max(recordsSinceSnapshot, 1);
    maybeSnapshot(true);
  }

  /** Stops like a crash: no final snapshot, WAL left as it is (tests of recovery). */
  void abandon() throws InterruptedException, IOException {
    running = false;
    background.shutdownNow();
    writer.join(CLOSE_JOIN_MILLIS);
    if (!writer.isAlive()) {
      wal.close();
    }
    releaseLock();
  }

  /** Series by source as the limits count them (tests compare it with the stored groups). */
  Map<String, Long> accountedSeries() {
    return state.seriesBySource();
  }

  /** Waits until the zeros being written ahead of the WAL's appends are written (tests). */
  void awaitPreallocation() throws InterruptedException, ExecutionException {
    wal.awaitPreallocation();
  }

  /** The writer thread (tests stop it to check that requests then fail instead of waiting). */
  Thread writerThread() {
    return writer;
  }

  /** Finishes queued writes, writes a final snapshot, and releases the directory. */
  @Override
  public void close() throws InterruptedException {
    close(CLOSE_JOIN_MILLIS);
  }

  void close(long joinMillis) throws InterruptedException {
    running = false;
    background.shutdownNow();
    writer.join(joinMillis);
    if (writer.isAlive()) {
      // Snapshotting or closing the WAL under a writer still committing would race it; the WAL
      // already holds every acknowledged write, so the next start replays it. The writer is not
      // interrupted (that would close the WAL's channel mid-write), and the directory stays locked
      // while it may still write.
      log.error(
          "store writer still busy after {} ms (storage hanging?); stopping without a final snapshot",
          joinMillis);
      return;
    }
    try {
      if (recordsSinceSnapshot > 0) {
        snapshotNow();
      }
      wal.close();
    } catch (IOException e) {
      log.warn("closing the WAL: {}", e.toString());
    } finally {
      releaseLock();
    }
  }

  private void releaseLock() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
      lockChannel.close();
    } catch (IOException e) {
      log.warn("releasing the store lock: {}", e.toString());
    }
  }
}
