package io.mlpipe.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.mlpipe.config.LimitsConfig;
import io.mlpipe.testing.Wait;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableStoreTest {

  @TempDir Path dir;
  private final List<DurableStore> open = new ArrayList<>();
  private LimitsConfig limits = LimitsConfig.defaults();

  private DurableStore open() throws Exception {
    DurableStore s =
        DurableStore.open(
            new DurableStore.Options(dir, FsyncMode.always, () -> limits, 20_000, 300_000, 50),
            new PrometheusRegistry());
    open.add(s);
    return s;
  }

  @AfterEach
  void close() throws Exception {
    for (DurableStore s : open) {
      try {
        s.close();
      } catch (Exception e) {
        // already closed or abandoned
      }
    }
  }

  private static GroupKey key(String job) {
    return new GroupKey(GroupKey.PUSH, LabelSet.of("job", job));
  }

  private static Family gauge(String name, double v, String... labels) {
    LabelSet l = LabelSet.of(labels);
    return new Family(name, MetricType.GAUGE, "help", Map.of(l, new Series.Value(l, v)));
  }

  private static Family counter(String name, double v) {
    return new Family(
        name,
        MetricType.COUNTER,
        null,
        Map.of(LabelSet.EMPTY, new Series.Value(LabelSet.EMPTY, v)));
  }

  private static double value(DurableStore s, String job, String family) {
    Group g = s.group(key(job));
    return ((Series.Value) g.families().get(family).series().values().iterator().next()).value();
  }

  private long medianWriteNanos(FsyncMode mode, String job) throws Exception {
    DurableStore s =
        DurableStore.open(
            new DurableStore.Options(dir.resolve(job), mode, () -> limits, 20_000, 300_000, 50),
            new PrometheusRegistry());
    open.add(s);
    long[] nanos = new long[41];
    for (int i = 0; i < nanos.length; i++) {
      long t0 = System.nanoTime();
      s.write(List.of(new Mutation.Replace(key(job), List.of(gauge("g", i)), 1000 + i, 0)));
      nanos[i] = System.nanoTime() - t0;
    }
    java.util.Arrays.sort(nanos);
    return nanos[nanos.length / 2];
  }

  @Test
  void aLoneWriteInBatchModeIsNotHeldForTheWholeLinger() throws Exception {
    // Regression: batch mode held every commit 2 ms waiting for company that could not come.
    medianWriteNanos(FsyncMode.always, "warm");
    long always = medianWriteNanos(FsyncMode.always, "a");
    long batch = medianWriteNanos(FsyncMode.batch, "b");
    assertThat(batch - always).isLessThan(1_500_000);
  }

  /** A batch-mode store whose linger is a minute: only the announcement rule can end it. */
  private DurableStore batchStoreWithAMinuteLinger(PrometheusRegistry registry) throws Exception {
    DurableStore s =
        DurableStore.open(
            new DurableStore.Options(dir, FsyncMode.batch, () -> limits, 20_000, 300_000, 60_000),
            registry);
    open.add(s);
    s.batchLingerNanos = 60_000_000_000L;
    return s;
  }

  private static double fsyncs(PrometheusRegistry registry) {
    return registry.scrape().stream()
        .filter(m -> m.getMetadata().getName().equals("mlpipe_exporter_wal_fsync_duration_seconds"))
        .map(
            m ->
                ((io.prometheus.metrics.model.snapshots.HistogramSnapshot) m)
                    .getDataPoints()
                    .get(0)
                    .getCount())
        .findFirst()
        .orElseThrow();
  }

  private static List<Mutation> replace(String job, double v) {
    return List.of(new Mutation.Replace(key(job), List.of(gauge("g", v)), 1000, 0));
  }

  /** {@code s.write(request)} on {@code pool}'s thread: a request the commit may wait for. */
  private static Future<Void> writeInBackground(
      ExecutorService pool, DurableStore s, List<Mutation> request) {
    return pool.submit(
        () -> {
          s.write(request);
          return null;
        });
  }

  @Test
  void aBatchCommitWithNothingAnnouncedDoesNotWait() throws Exception {
    DurableStore s = batchStoreWithAMinuteLinger(new PrometheusRegistry());
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> s.write(replace("a", 1)));
  }

  @Test
  void aBatchCommitWaitsForAnAnnouncedWriteAndSharesItsFsync() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    DurableStore s = batchStoreWithAMinuteLinger(registry);
    s.write(replace("warm", 0)); // the WAL's first fsync, before counting
    double before = fsyncs(registry);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      DurableStore.Expected announced = s.expectWrite(); // a request whose body is on the way
      Future<?> first = writeInBackground(pool, s, replace("a", 1));
      Wait.until(
          "the commit lingers for the announced write", Duration.ofSeconds(20), s::lingering);
      assertThat(first).isNotDone();
      assertTimeoutPreemptively(
          Duration.ofSeconds(20), () -> s.write(announced, replace("b", 2), null));
      first.get();
      assertThat(fsyncs(registry) - before).as("one fsync for both").isEqualTo(1);
      assertThat(value(s, "a", "g")).isEqualTo(1.0);
      assertThat(value(s, "b", "g")).isEqualTo(2.0);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void afterASlowFsyncACommitAlsoWaitsForUnannouncedCompany() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    DurableStore s = batchStoreWithAMinuteLinger(registry);
    s.slowFsyncNanos = 0; // every fsync counts as slow
    // No gap without an arrival ends the wait: the commit goes when the 5 s linger is over.
    s.batchGapNanos = 60_000_000_000L;
    s.batchLingerNanos = 5_000_000_000L;
    s.write(replace("warm", 0)); // no fsync before it: commits at once
    double before = fsyncs(registry);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<?> first = writeInBackground(pool, s, replace("a", 1));
      Wait.until("the commit waits for company", Duration.ofSeconds(20), s::lingering);
      assertThat(first).isNotDone();
      assertTimeoutPreemptively(Duration.ofSeconds(20), () -> s.write(replace("b", 2)));
      first.get();
      assertThat(fsyncs(registry) - before).as("one fsync for both").isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void afterAFastFsyncAnUnannouncedWriteDoesNotWaitForCompany() throws Exception {
    DurableStore s = batchStoreWithAMinuteLinger(new PrometheusRegistry());
    s.slowFsyncNanos = Long.MAX_VALUE; // no fsync counts as slow
    s.batchGapNanos = 60_000_000_000L;
    s.write(replace("warm", 0));
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> s.write(replace("a", 1)));
  }

  @Test
  void anAnnouncedWriteThatGivesUpReleasesTheLingeringCommit() throws Exception {
    DurableStore s = batchStoreWithAMinuteLinger(new PrometheusRegistry());
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      DurableStore.Expected announced = s.expectWrite();
      Future<?> first = writeInBackground(pool, s, replace("a", 1));
      Wait.until(
          "the commit lingers for the announced write", Duration.ofSeconds(20), s::lingering);
      announced.close(); // the request was refused (auth, 4xx) or its client went away
      announced.close(); // settling twice changes nothing
      assertTimeoutPreemptively(Duration.ofSeconds(20), () -> first.get());
      assertTimeoutPreemptively(Duration.ofSeconds(20), () -> s.write(replace("b", 2)));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void writesSurviveACleanRestartThroughTheSnapshot() throws Exception {
    DurableStore s = open();
    s.write(List.of(new Mutation.Replace(key("a"), List.of(gauge("g", 1)), 1000, 0)));
    s.write(List.of(new Mutation.Merge(key("a"), List.of(gauge("h", 2)), 2000, 0)));
    s.close();
    open.clear();
    assertThat(Files.exists(dir.resolve("snapshot"))).isTrue();

    DurableStore again = open();
    assertThat(again.group(key("a")).families()).containsOnlyKeys("g", "h");
    assertThat(again.group(key("a")).pushTimeSeconds()).isEqualTo(2.0);
  }

  @Test
  void writesSurviveACrashThroughTheWal() throws Exception {
    DurableStore s = open();
    for (int i = 0; i < 50; i++) {
      s.write(
          List.of(
              new Mutation.Update(
                  key("counter"),
                  List.of(
                      new Mutation.Op.Add(
                          "runs_total", MetricType.COUNTER, null, LabelSet.EMPTY, 1, false)),
                  i,
                  0)));
    }
    s.abandon();
    assertThat(Files.exists(dir.resolve("snapshot"))).isFalse();

    DurableStore again = open();
    assertThat(value(again, "counter", "runs_total")).isEqualTo(50.0);
  }

  @Test
  void aTornTailIsTruncatedAndCounted() throws Exception {
    DurableStore s = open();
    s.write(List.of(new Mutation.Replace(key("a"), List.of(gauge("g", 7)), 1, 0)));
    s.abandon();
    Path seg;
    try (var files = Files.list(dir)) {
      seg =
          files
              .filter(p -> p.getFileName().toString().startsWith("wal-"))
              .sorted()
              .reduce((a, b) -> b)
              .orElseThrow();
    }
    // A record header promising more bytes than were written: a crash in the middle of an append.
    ByteBuffer torn = ByteBuffer.allocate(12).putInt(1000).putInt(42).putInt(7);
    Files.write(seg, torn.array(), StandardOpenOption.APPEND);
    long before = Files.size(seg);

    PrometheusRegistry registry = new PrometheusRegistry();
    DurableStore again =
        DurableStore.open(new DurableStore.Options(dir, FsyncMode.always, () -> limits), registry);
    open.add(again);
    assertThat(value(again, "a", "g")).isEqualTo(7.0);
    assertThat(Files.size(seg)).isEqualTo(before - 12);
    assertThat(corruptions(registry)).isEqualTo(1.0);
    // and it keeps working
    again.write(List.of(new Mutation.Replace(key("b"), List.of(gauge("g", 8)), 2, 0)));
    assertThat(value(again, "b", "g")).isEqualTo(8.0);
  }

  private static double corruptions(PrometheusRegistry registry) {
    var snap =
        (io.prometheus.metrics.model.snapshots.CounterSnapshot)
            registry.scrape().stream()
                .filter(m -> m.getMetadata().getName().equals("mlpipe_exporter_wal_corruptions"))
                .findFirst()
                .orElseThrow();
    return snap.getDataPoints().get(0).getValue();
  }

  @Test
  void aWalFromANewerVersionIsRefusedClearly() throws Exception {
    Files.write(Wal.segmentPath(dir, 1), new byte[] {'M', 'L', 'P', 'W', 'A', 'L', 9, 0});
    assertThatThrownBy(this::open)
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(
            "was written by a newer mlpipe (WAL format version 9, this one reads up to 2)");
  }

  @Test
  void aSecondStoreOnTheSameDirectoryIsRefused() throws Exception {
    open();
    assertThatThrownBy(this::open).hasMessageContaining("is in use by another mlpipe agent");
  }

  @Test
  void typesMustAgreeAcrossGroupsAndAFailureLeavesNoTrace() throws Exception {
    DurableStore s = open();
    s.write(List.of(new Mutation.Replace(key("a"), List.of(counter("x_total", 1)), 1, 0)));
    Family asGauge = gauge("x_total", 2);
    assertThatThrownBy(
            () -> s.write(List.of(new Mutation.Replace(key("b"), List.of(asGauge), 2, 0))))
        .isInstanceOfSatisfying(
            WriteRejectedException.class,
            e -> assertThat(e.kind()).isEqualTo(WriteRejectedException.Kind.CONFLICT));
    assertThat(s.group(key("b"))).isNull();
    // The same group may change its own type: nothing else uses the name.
    s.write(List.of(new Mutation.Replace(key("a"), List.of(asGauge), 3, 0)));
    assertThat(s.group(key("a")).families().get("x_total").type()).isEqualTo(MetricType.GAUGE);
  }

  @Test
  void aRequestIsAllOrNothing() throws Exception {
    DurableStore s = open();
    s.write(List.of(new Mutation.Replace(key("a"), List.of(counter("x_total", 1)), 1, 0)));
    assertThatThrownBy(
            () ->
                s.write(
                    List.of(
                        new Mutation.Replace(key("c"), List.of(gauge("fine", 1)), 2, 0),
                        new Mutation.Replace(key("d"), List.of(gauge("x_total", 1)), 2, 0))))
        .isInstanceOf(WriteRejectedException.class);
    assertThat(s.group(key("c"))).isNull();
  }

  @Test
  void seriesLimitsRejectWholeWritesAndCountThem() throws Exception {
    limits = new LimitsConfig(2, 3, 64, 128, 2048, 1 << 20);
    PrometheusRegistry registry = new PrometheusRegistry();
    DurableStore s =
        DurableStore.open(new DurableStore.Options(dir, FsyncMode.always, () -> limits), registry);
    open.add(s);
    Family three =
        new Family(
            "g",
            MetricType.GAUGE,
            null,
            Map.of(
                LabelSet.of("i", "1"), new Series.Value(LabelSet.of("i", "1"), 1),
                LabelSet.of("i", "2"), new Series.Value(LabelSet.of("i", "2"), 1),
                LabelSet.of("i", "3"), new Series.Value(LabelSet.of("i", "3"), 1)));
    assertThatThrownBy(() -> s.write(List.of(new Mutation.Replace(key("a"), List.of(three), 1, 0))))
        .hasMessageContaining("max_series_per_group=2");
    s.write(
        List.of(
            new Mutation.Replace(key("a"), List.of(gauge("g", 1, "i", "1"), gauge("h", 1)), 1, 0)));
    assertThatThrownBy(
            () ->
                s.write(
                    List.of(
                        new Mutation.Replace(
                            key("b"), List.of(gauge("g", 1, "i", "2"), gauge("h", 1)), 1, 0))))
        .isInstanceOfSatisfying(
            WriteRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo("max_series_total"));
    // Replacing a group with no more series than before is fine at the total limit.
    s.write(List.of(new Mutation.Replace(key("a"), List.of(gauge("g", 5, "i", "1")), 2, 0)));
    assertThat(registry.scrape().stream().map(m -> m.getMetadata().getName()))
        .contains("mlpipe_exporter_series_rejected");
  }

  @Test
  void groupsExpireAfterTheirTtl() throws Exception {
    DurableStore s = open();
    long now = System.currentTimeMillis();
    s.write(List.of(new Mutation.Replace(key("short"), List.of(gauge("g", 1)), now, 200)));
    s.write(List.of(new Mutation.Replace(key("forever"), List.of(gauge("g", 1)), now, 0)));
    Wait.until(
        "the short-lived group expires",
        Duration.ofSeconds(5),
        () -> s.group(key("short")) == null);
    assertThat(s.group(key("forever"))).isNotNull();
  }

  @Test
  void concurrentWritersAreAllDurable() throws Exception {
    DurableStore s = open();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int thread = t;
      futures.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 100; i++) {
                  s.write(
                      List.of(
                          new Mutation.Replace(key("t" + thread), List.of(gauge("g", i)), i, 0)));
                }
                return null;
              }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    s.abandon();
    DurableStore again = open();
    for (int t = 0; t < 8; t++) {
      assertThat(value(again, "t" + t, "g")).isEqualTo(99.0);
    }
  }

  private long walSegments() {
    try (var files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("wal-")).count();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void walSegmentsCoveredByASnapshotAreDeleted() throws Exception {
    DurableStore s =
        DurableStore.open(
            new DurableStore.Options(dir, FsyncMode.never, () -> limits, 10, 300_000, 1000),
            new PrometheusRegistry());
    open.add(s);
    for (int i = 0; i < 35; i++) {
      s.write(List.of(new Mutation.Replace(key("a" + (i % 5)), List.of(gauge("g", i)), i, 0)));
    }
    // The snapshot is written, then the segments it covers are deleted: wait for both.
    Wait.until(
        "a snapshot and at most 2 WAL segments",
        Duration.ofSeconds(5),
        () -> Files.exists(dir.resolve("snapshot")) && walSegments() <= 2,
        () -> walSegments() + " segments");
    s.abandon();
    DurableStore again = open();
    assertThat(value(again, "a4", "g")).isEqualTo(34.0);
  }

  @Test
  void aWriteAfterTheWriterStoppedFailsInsteadOfWaiting() throws Exception {
    DurableStore s = open();
    s.writerThread().interrupt();
    s.writerThread().join(5_000);
    assertThat(s.writerThread().isAlive()).isFalse();
    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () ->
            assertThatThrownBy(
                    () ->
                        s.write(
                            List.of(
                                new Mutation.Replace(key("late"), List.of(gauge("g", 1)), 1, 0))))
                .isInstanceOfSatisfying(
                    WriteRejectedException.class,
                    e -> assertThat(e.kind()).isEqualTo(WriteRejectedException.Kind.UNAVAILABLE)));
  }

  @Test
  void anUnexpectedFailureInACommitLeavesTheLimitsAccountingUnchanged() throws Exception {
    limits = new LimitsConfig(64, 2, 64, 128, 2048, 1 << 20);
    DurableStore s = open();
    // A histogram observation without bounds fails inside the commit, after the first mutation of
    // the request was staged (and counted).
    Mutation broken =
        new Mutation.Update(
            key("b"), List.of(new Mutation.Op.Observe("h", null, LabelSet.EMPTY, null, 1)), 1, 0);
    assertThatThrownBy(
            () ->
                s.write(
                    List.of(new Mutation.Replace(key("a"), List.of(gauge("g", 1)), 1, 0), broken)))
        .isNotInstanceOf(WriteRejectedException.class);
    assertThat(s.group(key("a"))).isNull();
    // The agent-wide limit is 2 series: both fit, since nothing of the failed request is counted.
    s.write(
        List.of(
            new Mutation.Replace(key("c"), List.of(gauge("g", 1, "i", "1"), gauge("h", 2)), 1, 0)));
    assertThat(s.group(key("c")).seriesCount()).isEqualTo(2);
  }

  @Test
  void aCorruptSnapshotIsRefusedNamingItsPath() throws Exception {
    DurableStore s = open();
    s.write(List.of(new Mutation.Replace(key("a"), List.of(gauge("g", 12345.678)), 1, 0)));
    s.close();
    open.clear();
    Path snapshot = dir.resolve("snapshot");
    byte[] bytes = Files.readAllBytes(snapshot);
    // One bit flips in the middle of the data (bit rot): the snapshot still parses.
    bytes[bytes.length - 20] ^= 0x01;
    Files.write(snapshot, bytes);
    assertThatThrownBy(this::open)
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(snapshot.toString())
        .hasMessageContaining("checksum");
  }

  @Test
  void aCorruptSnapshotThatTheWalStillCoversIsRebuiltFromTheWal() throws Exception {
    DurableStore s = open();
    for (int i = 1; i <= 3; i++) {
      s.write(List.of(new Mutation.Replace(key("a" + i), List.of(gauge("g", i)), i, 0)));
    }
    s.abandon();
    open.clear();
    Snapshots.write(dir, new Snapshots.Content(3, List.of()));
    Path snapshot = dir.resolve("snapshot");
    byte[] bytes = Files.readAllBytes(snapshot);
    bytes[bytes.length - 1] ^= 0x01;
    Files.write(snapshot, bytes);
    DurableStore again = open();
    assertThat(value(again, "a3", "g")).isEqualTo(3.0);
    assertThat(dir.resolve("snapshot.corrupt")).exists();
  }

  private static double gauge(PrometheusRegistry registry, String name, String... labels) {
    var snap =
        (io.prometheus.metrics.model.snapshots.GaugeSnapshot)
            registry.scrape().stream()
                .filter(m -> m.getMetadata().getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " not registered"));
    var wanted = io.prometheus.metrics.model.snapshots.Labels.of(labels);
    return snap.getDataPoints().stream()
        .filter(d -> d.getLabels().equals(wanted))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + wanted + " not exposed"))
        .getValue();
  }

  private long walBytesOnDisk() throws java.io.IOException {
    long total = 0;
    try (var files = Files.list(dir)) {
      for (Path p :
          files.filter(p -> p.getFileName().toString().matches("wal-\\d+\\.log")).toList()) {
        total += Files.size(p);
      }
    }
    return total;
  }

  private static List<Family> seriesOf(int n) {
    List<Family> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(gauge("g" + i, i));
    }
    return out;
  }

  @Test
  void groupsLimitsAndTheLargestGroupAreExposed() throws Exception {
    limits = new LimitsConfig(50, 500, 64, 128, 2048, 1 << 20);
    PrometheusRegistry registry = new PrometheusRegistry();
    DurableStore s =
        DurableStore.open(new DurableStore.Options(dir, FsyncMode.always, () -> limits), registry);
    open.add(s);
    assertThat(gauge(registry, "mlpipe_exporter_groups", "source", "push")).isEqualTo(0.0);
    assertThat(gauge(registry, "mlpipe_exporter_group_series_max")).isEqualTo(0.0);

    s.write(List.of(new Mutation.Replace(key("a"), seriesOf(1), 1, 0)));
    s.write(List.of(new Mutation.Replace(key("b"), seriesOf(2), 2, 0)));
    s.write(List.of(new Mutation.Replace(key("c"), seriesOf(4), 3, 0)));
    s.write(
        List.of(
            new Mutation.Replace(
                new GroupKey(GroupKey.EVENTS, LabelSet.of("pipeline", "p")), seriesOf(3), 4, 0)));
    assertThat(gauge(registry, "mlpipe_exporter_groups", "source", "push")).isEqualTo(3.0);
    assertThat(gauge(registry, "mlpipe_exporter_groups", "source", "events")).isEqualTo(1.0);
    assertThat(gauge(registry, "mlpipe_exporter_series_limit")).isEqualTo(500.0);
    assertThat(gauge(registry, "mlpipe_exporter_group_series_limit")).isEqualTo(50.0);
    assertThat(gauge(registry, "mlpipe_exporter_group_series_max")).isEqualTo(4.0);

    // A rejected write leaves no trace in the gauges.
    assertThatThrownBy(() -> s.write(List.of(new Mutation.Replace(key("big"), seriesOf(51), 5, 0))))
        .isInstanceOf(WriteRejectedException.class);
    assertThat(gauge(registry, "mlpipe_exporter_groups", "source", "push")).isEqualTo(3.0);
    assertThat(gauge(registry, "mlpipe_exporter_group_series_max")).isEqualTo(4.0);

    // Shrinking and deleting groups lower both; limits follow a reload.
    s.write(List.of(new Mutation.Replace(key("c"), seriesOf(1), 6, 0)));
    assertThat(gauge(registry, "mlpipe_exporter_group_series_max")).isEqualTo(3.0);
    s.write(List.of(new Mutation.Delete(key("a")), new Mutation.Delete(key("b"))));
    assertThat(gauge(registry, "mlpipe_exporter_groups", "source", "push")).isEqualTo(1.0);
    limits = new LimitsConfig(20, 200, 64, 128, 2048, 1 << 20);
    assertThat(gauge(registry, "mlpipe_exporter_series_limit")).isEqualTo(200.0);
    assertThat(gauge(registry, "mlpipe_exporter_group_series_limit")).isEqualTo(20.0);

    // Counts recovered at start-up match too.
    s.close();
    open.clear();
    PrometheusRegistry again = new PrometheusRegistry();
    open.add(
        DurableStore.open(new DurableStore.Options(dir, FsyncMode.always, () -> limits), again));
    assertThat(gauge(again, "mlpipe_exporter_groups", "source", "push")).isEqualTo(1.0);
    assertThat(gauge(again, "mlpipe_exporter_groups", "source", "events")).isEqualTo(1.0);
    assertThat(gauge(again, "mlpipe_exporter_group_series_max")).isEqualTo(3.0);
  }

  @Test
  void walSizeGrowsWithWritesAndShrinksWhenASnapshotDropsSegments() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    DurableStore s =
        DurableStore.open(
            new DurableStore.Options(dir, FsyncMode.always, () -> limits, 10, 300_000, 1000),
            registry);
    open.add(s);
    double empty = gauge(registry, "mlpipe_exporter_wal_size_bytes");
    assertThat(empty).isEqualTo(walBytesOnDisk()).isPositive();
    assertThat(gauge(registry, "mlpipe_exporter_wal_segments")).isEqualTo(1.0);

    for (int i = 0; i < 9; i++) {
      s.write(List.of(new Mutation.Replace(key("a" + i), seriesOf(20), i, 0)));
    }
    double full = gauge(registry, "mlpipe_exporter_wal_size_bytes");
    assertThat(full).isGreaterThan(empty + 9 * 20 * 8).isEqualTo(walBytesOnDisk());

    // The 10th record makes a snapshot due: a new segment starts, the covered ones are deleted.
    s.write(List.of(new Mutation.Replace(key("a9"), seriesOf(1), 9, 0)));
    Wait.until(
        "the snapshot to drop the covered WAL segment",
        Duration.ofSeconds(5),
        () -> Files.exists(dir.resolve("snapshot")) && walSegments() == 1,
        () -> walSegments() + " segments");
    assertThat(gauge(registry, "mlpipe_exporter_wal_segments")).isEqualTo(1.0);
    assertThat(gauge(registry, "mlpipe_exporter_wal_size_bytes"))
        .isLessThan(full)
        .isEqualTo(walBytesOnDisk());
  }
}
