package io.mlpipe.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mlpipe.config.LimitsConfig;
import io.mlpipe.store.FaultyFiles.Kind;
import io.mlpipe.store.Mutation.Op;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The store under storage faults, through a WAL file layer that fails an open, a header write, an
 * append, an fsync or a truncate at a chosen moment: a refused write is always a {@link
 * WriteRejectedException} of kind UNAVAILABLE (503, never a 500), the store recovers by itself once
 * storage works again, the limits' accounting matches the stored series, and every acknowledged
 * write, and none other, is there after a crash and restart.
 */
class WalFaultTest {

  @TempDir Path dir;
  private final FaultyFiles files = new FaultyFiles();
  private final List<DurableStore> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (DurableStore s : open) {
      s.close();
    }
  }

  private DurableStore open(WalFiles with, int snapshotEveryRecords) throws Exception {
    return open(with, snapshotEveryRecords, new PrometheusRegistry());
  }

  private DurableStore open(WalFiles with, int snapshotEveryRecords, PrometheusRegistry registry)
      throws Exception {
    DurableStore s =
        DurableStore.open(
            new DurableStore.Options(
                dir,
                FsyncMode.always,
                LimitsConfig::defaults,
                snapshotEveryRecords,
                300_000,
                3_600_000),
            registry,
            with);
    open.add(s);
    return s;
  }

  private static GroupKey key(String job) {
    return new GroupKey(GroupKey.PUSH, LabelSet.of("job", job));
  }

  private static List<Mutation> increment(String job) {
    return List.of(
        new Mutation.Update(
            key(job),
            List.of(new Op.Add("c_total", MetricType.COUNTER, null, LabelSet.EMPTY, 1, false)),
            System.currentTimeMillis(),
            0));
  }

  /** A group of {@code n} series, so that accepted and refused writes move the series count. */
  private static List<Mutation> series(String job, int n) {
    Map<LabelSet, Series> m = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      LabelSet l = LabelSet.of("i", Integer.toString(i));
      m.put(l, new Series.Value(l, i));
    }
    return List.of(
        new Mutation.Replace(
            key(job),
            List.of(new Family("g", MetricType.GAUGE, null, m)),
            System.currentTimeMillis(),
            0));
  }

  /** Writes; true when acknowledged, false when refused as storage trouble; anything else fails. */
  private static boolean tryWrite(DurableStore s, List<Mutation> request) throws Exception {
    try {
      s.write(request);
      return true;
    } catch (WriteRejectedException e) {
      assertThat(e.kind()).as(e.getMessage()).isEqualTo(WriteRejectedException.Kind.UNAVAILABLE);
      return false;
    }
  }

  private static double counter(DurableStore s, String job) {
    Group g = s.group(key(job));
    if (g == null) {
      return 0;
    }
    return ((Series.Value) g.families().get("c_total").series().get(LabelSet.EMPTY)).value();
  }

  private static void assertAccountingMatchesGroups(DurableStore s) {
    Map<String, Long> stored = new HashMap<>();
    for (Group g : s.groups()) {
      stored.merge(g.key().source(), (long) g.seriesCount(), Long::sum);
    }
    Map<String, Long> accounted = new HashMap<>(s.accountedSeries());
    accounted.values().removeIf(v -> v == 0);
    assertThat(accounted).isEqualTo(stored);
  }

  private DurableStore restartAfterCrash(DurableStore s) throws Exception {
    s.abandon();
    open.remove(s);
    return open(WalFiles.REAL, 20_000);
  }

  private static double corruptions(PrometheusRegistry registry) {
    return registry.scrape().stream()
        .filter(m -> m.getMetadata().getName().equals("mlpipe_exporter_wal_corruptions"))
        .map(m -> ((CounterSnapshot) m).getDataPoints().get(0).getValue())
        .findFirst()
        .orElseThrow();
  }

  /** The segment written to now (the last one). */
  private Path lastSegment() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("wal-\\d{20}\\.log"))
          .sorted()
          .reduce((a, b) -> b)
          .orElseThrow();
    }
  }

  @Test
  void commitsGoIntoZerosWrittenAheadAndACrashThereLosesNothingAndIsNoCorruption()
      throws Exception {
    DurableStore s = open(WalFiles.REAL, 20_000);
    s.write(increment("a")); // the first commit starts the preallocation
    Path seg = lastSegment();
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.size(seg) >= Wal.PREALLOCATE_AHEAD);
    long preallocated = Files.size(seg);
    for (int i = 0; i < 9; i++) {
      s.write(increment("a"));
    }
    assertThat(Files.size(seg))
        .as("the commits overwrote zeros, the file did not grow")
        .isEqualTo(preallocated);
    s.abandon(); // a crash: the zeros stay after the records
    open.remove(s);
    PrometheusRegistry registry = new PrometheusRegistry();
    DurableStore again = open(WalFiles.REAL, 20_000, registry);
    assertThat(counter(again, "a")).isEqualTo(10);
    assertThat(corruptions(registry)).isZero();
    assertThat(Files.size(seg)).as("cut back to its records").isLessThan(4096);
  }

  @Test
  void aDiskThatFillsUpWhilePreallocatingRefusesNoWriteThatFitsAndLosesNone() throws Exception {
    // Every zero write fills the disk halfway through its first piece, as ENOSPC would.
    files.breakNow(Kind.PREALLOCATE);
    DurableStore s = open(files, 20_000);
    s.write(increment("a"));
    s.awaitPreallocation();
    assertThat(files.calls(Kind.PREALLOCATE)).isPositive();
    for (int i = 0; i < 19; i++) {
      s.write(increment("a")); // acknowledged: into the zeros that were written, then appended
    }
    assertThat(counter(s, "a")).isEqualTo(20);
    PrometheusRegistry registry = new PrometheusRegistry();
    s.abandon();
    open.remove(s);
    DurableStore again = open(WalFiles.REAL, 20_000, registry);
    assertThat(counter(again, "a")).isEqualTo(20);
    assertThat(corruptions(registry)).isZero();
  }

  @Test
  void aNearlyFullFileSystemIsNotPreallocated() throws Exception {
    files.usableSpace(Wal.PREALLOCATE_MIN_FREE);
    DurableStore s = open(files, 20_000);
    for (int i = 0; i < 5; i++) {
      s.write(increment("a"));
    }
    s.awaitPreallocation();
    assertThat(files.calls(Kind.PREALLOCATE)).as("zero writes").isZero();
    assertThat(Files.size(lastSegment())).isLessThan(4096);
  }

  @Test
  void aSegmentLeftForANewOneIsCutBackToItsRecords() throws Exception {
    DurableStore s = open(WalFiles.REAL, 20_000);
    s.write(increment("a"));
    s.awaitPreallocation();
    assertThat(Files.size(lastSegment())).isGreaterThanOrEqualTo(Wal.PREALLOCATE_AHEAD);
    s.close(); // its final snapshot starts a new segment; the new one has no zeros (no commit)
    open.remove(s);
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left.filter(p -> p.getFileName().toString().startsWith("wal-")))
          .isNotEmpty()
          .allSatisfy(p -> assertThat(Files.size(p)).isLessThan(4096));
    }
    assertThat(counter(open(WalFiles.REAL, 20_000), "a")).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0} fails")
  @MethodSource("rotationFaults")
  void aFailedRotationKeepsWritingToTheCurrentSegmentAndRecovers(Kind kind) throws Exception {
    DurableStore s = open(files, 5);
    files.breakNow(kind);
    for (int i = 0; i < 20; i++) {
      s.write(increment("a")); // acknowledged: the current segment still takes them
    }
    assertThat(files.calls(kind)).as("rotations tried").isPositive();
    files.heal();
    for (int i = 0; i < 10; i++) {
      s.write(increment("a"));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(dir.resolve("snapshot")));
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
    assertThat(counter(restartAfterCrash(s), "a")).isEqualTo(30);
  }

  static Stream<Kind> rotationFaults() {
    return Stream.of(Kind.CREATE, Kind.HEADER, Kind.MOVE);
  }

  @Test
  void unusableStorageAnswers503UntilItWorksAgainThenRecoversByItself() throws Exception {
    DurableStore s = open(files, 5);
    int acked = 0;
    for (int i = 0; i < 3; i++) {
      acked += tryWrite(s, increment("a")) ? 1 : 0;
    }
    files.breakNow(Kind.APPEND, Kind.TRUNCATE, Kind.CREATE, Kind.FSYNC);
    for (int i = 0; i < 10; i++) {
      assertThat(tryWrite(s, increment("a"))).isFalse();
    }
    files.heal();
    for (int i = 0; i < 5; i++) {
      acked += tryWrite(s, increment("a")) ? 1 : 0;
    }
    assertThat(acked).isEqualTo(8);
    assertThat(counter(s, "a")).isEqualTo(8);
    assertThat(counter(restartAfterCrash(s), "a")).isEqualTo(8);
  }

  @Test
  void afterAFailedTruncateNothingIsAppendedUntilTheSegmentIsRepairedOrReplaced() throws Exception {
    DurableStore s = open(files, 20_000);
    s.write(increment("a"));
    // The next append fails halfway and cannot be taken back; no new segment can be started.
    files.fail(Kind.APPEND, files.calls(Kind.APPEND) + 1, 1).breakNow(Kind.TRUNCATE, Kind.CREATE);
    assertThat(tryWrite(s, increment("a"))).isFalse();
    int appends = files.calls(Kind.APPEND);
    assertThat(tryWrite(s, increment("a"))).as("refused while the tail is torn").isFalse();
    assertThat(files.calls(Kind.APPEND)).as("nothing appended after torn bytes").isEqualTo(appends);
    files.heal();
    s.write(increment("a"));
    s.write(increment("a"));
    assertThat(counter(restartAfterCrash(s), "a")).isEqualTo(3);
  }

  @Test
  void aFailedTruncateIsRepairedByStartingANewSegment() throws Exception {
    DurableStore s = open(files, 20_000);
    s.write(increment("a"));
    files.fail(Kind.FSYNC, files.calls(Kind.FSYNC) + 1, 1).breakNow(Kind.TRUNCATE);
    // The append went through, its fsync did not: refused, and its record stays in the segment.
    assertThat(tryWrite(s, increment("a"))).isFalse();
    s.write(increment("a")); // in a new segment, reusing the refused record's number
    assertThat(counter(s, "a")).isEqualTo(2);
    files.heal();
    assertThat(counter(restartAfterCrash(s), "a")).isEqualTo(2);
  }

  @Test
  void closeDoesNotSnapshotOrCloseTheWalUnderAWriterThatIsStillCommitting() throws Exception {
    DurableStore s = open(files, 20_000);
    s.write(increment("a"));
    CountDownLatch held = files.holdFsyncs();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<Boolean> write = pool.submit(() -> tryWrite(s, increment("a")));
      await().until(() -> s.writerThread().getState() == Thread.State.WAITING);
      s.close(200);
      open.remove(s);
      assertThat(dir.resolve("snapshot")).doesNotExist();
      held.countDown();
      // The commit under way completes (its WAL still open) or is refused; never a 500.
      boolean acked = write.get();
      s.writerThread().join(5_000);
      DurableStore again = restartAfterCrash(s);
      assertThat(counter(again, "a")).isEqualTo(acked ? 2 : 1);
    } finally {
      held.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void writesWaitingOnHangingStorageTimeOutWith503() throws Exception {
    DurableStore s = open(files, 20_000);
    s.writeTimeoutMillis = 500;
    s.write(increment("a"));
    CountDownLatch held = files.holdFsyncs();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> committing =
          pool.submit(
              () -> {
                s.write(increment("a"));
                return null;
              });
      await().until(() -> s.writerThread().getState() == Thread.State.WAITING);
      Future<?> queued =
          pool.submit(
              () -> {
                s.write(increment("a"));
                return null;
              });
      assertThatThrownBy(() -> committing.get())
          .cause()
          .isInstanceOfSatisfying(
              WriteRejectedException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(WriteRejectedException.Kind.UNAVAILABLE);
                assertThat(e.getMessage()).contains("may still be applied");
              });
      assertThatThrownBy(() -> queued.get())
          .cause()
          .isInstanceOfSatisfying(
              WriteRejectedException.class,
              e -> assertThat(e.getMessage()).contains("it was not applied"));
      held.countDown();
      // The write under way when its request gave up completes; the queued one never runs.
      s.write(increment("b"));
      assertThat(counter(s, "a")).isEqualTo(2);
    } finally {
      held.countDown();
      pool.shutdownNow();
    }
  }

  /** A fault plan applied to fresh {@link FaultyFiles}, named for the report. */
  record Plan(String name, Consumer<FaultyFiles> apply) {
    static Arguments of(String name, Consumer<FaultyFiles> apply) {
      return Arguments.of(new Plan(name, apply));
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> plans() {
    return Stream.of(
        Plan.of("open of a new segment fails", f -> f.fail(Kind.CREATE, 2, 4)),
        Plan.of("header write fails", f -> f.fail(Kind.HEADER, 2, 4)),
        Plan.of("append fails", f -> f.fail(Kind.APPEND, 30, 6)),
        Plan.of(
            "preallocation fails (disk full) while appends fail",
            f -> f.breakNow(Kind.PREALLOCATE).fail(Kind.APPEND, 30, 6)),
        Plan.of("fsync fails", f -> f.fail(Kind.FSYNC, 30, 6)),
        Plan.of(
            "append and then truncate fail",
            f -> f.fail(Kind.APPEND, 30, 2).fail(Kind.TRUNCATE, 1, 4)),
        Plan.of(
            "append, truncate and new segments fail",
            f ->
                f.fail(Kind.APPEND, 30, 1)
                    .fail(Kind.TRUNCATE, 1, 6)
                    .fail(Kind.CREATE, 3, 6)
                    .fail(Kind.HEADER, 1, 2)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("plans")
  void concurrentWritesUnderFaultsLoseNothingAcknowledged(Plan plan) throws Exception {
    DurableStore s = open(files, 10);
    plan.apply().accept(files);
    int threads = 8;
    int writes = 40;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<Integer>> acked = new ArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    for (int t = 0; t < threads; t++) {
      String job = "t" + t;
      acked.add(
          pool.submit(
              () -> {
                go.await();
                int n = 0;
                for (int i = 0; i < writes; i++) {
                  n += tryWrite(s, increment(job)) ? 1 : 0;
                  tryWrite(s, series(job + "-g", 1 + i % 4));
                }
                return n;
              }));
    }
    go.countDown();
    int[] counts = new int[threads];
    for (int t = 0; t < threads; t++) {
      counts[t] = acked.get(t).get();
    }
    pool.shutdown();
    assertThat(files.injected()).as("faults injected").isPositive();
    files.heal();
    assertThat(tryWrite(s, increment("after"))).as("recovered by itself").isTrue();
    assertAccountingMatchesGroups(s);
    for (int t = 0; t < threads; t++) {
      assertThat(counter(s, "t" + t)).isEqualTo(counts[t]);
    }
    DurableStore again = restartAfterCrash(s);
    for (int t = 0; t < threads; t++) {
      assertThat(counter(again, "t" + t))
          .as("acknowledged increments of t%d", t)
          .isEqualTo(counts[t]);
    }
    assertAccountingMatchesGroups(again);
  }
}
