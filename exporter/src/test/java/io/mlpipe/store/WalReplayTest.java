package io.mlpipe.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.config.LimitsConfig;
import io.mlpipe.store.Mutation.Op;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay of WAL files as failed writes leave them (the rules in {@link Wal}'s comment): segments
 * are written byte by byte here, in the shapes that mlpipe before WAL format 2 could leave and the
 * current writer can leave, and every acknowledged record must come back, none that was not.
 */
class WalReplayTest {

  @TempDir Path dir;
  private DurableStore store;
  private PrometheusRegistry registry;

  @AfterEach
  void close() throws Exception {
    if (store != null) {
      store.close();
    }
  }

  private static final GroupKey KEY = new GroupKey(GroupKey.PUSH, LabelSet.of("job", "replay"));

  /** A record adding {@code delta} to the counter {@code c_total}. */
  private static byte[] record(long seq, double delta) {
    byte[] payload =
        Codec.encodeMutations(
            List.of(
                new Mutation.Update(
                    KEY,
                    List.of(
                        new Op.Add(
                            "c_total", MetricType.COUNTER, null, LabelSet.EMPTY, delta, false)),
                    System.currentTimeMillis(),
                    0)));
    ByteBuffer seqBytes = ByteBuffer.allocate(8).putLong(seq).flip();
    CRC32C c = new CRC32C();
    c.update(seqBytes);
    c.update(payload);
    return ByteBuffer.allocate(16 + payload.length)
        .putInt(8 + payload.length)
        .putInt((int) c.getValue())
        .putLong(seq)
        .put(payload)
        .array();
  }

  private static byte[] header(int version) {
    byte[] h = new byte[8];
    System.arraycopy("MLPWAL".getBytes(StandardCharsets.US_ASCII), 0, h, 0, 6);
    h[6] = (byte) version;
    return h;
  }

  /** Bytes of a record cut short: an append that failed halfway. */
  private static byte[] torn(long seq) {
    byte[] r = record(seq, 1000);
    return java.util.Arrays.copyOf(r, r.length / 2);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private double counterAfterReplay() throws Exception {
    registry = new PrometheusRegistry();
    store =
        DurableStore.open(
            new DurableStore.Options(dir, FsyncMode.always, LimitsConfig::defaults), registry);
    Group g = store.group(KEY);
    return ((Series.Value) g.families().get("c_total").series().get(LabelSet.EMPTY)).value();
  }

  @Test
  void tornBytesFollowedByAcknowledgedRecordsInTheSameSegmentLoseNothing() throws Exception {
    // mlpipe before format 2: an append failed, its truncate failed, the next commit reused the
    // sequence number and was appended (and acknowledged) after the torn bytes.
    Files.write(
        Wal.segmentPath(dir, 1),
        concat(header(1), record(1, 1), record(2, 1), torn(3), record(3, 1), record(4, 1)));
    assertThat(counterAfterReplay()).isEqualTo(4);
  }

  @Test
  void tornBytesAtTheStartOfASegmentFollowedByAcknowledgedRecordsLoseNothing() throws Exception {
    Files.write(Wal.segmentPath(dir, 1), concat(header(1), torn(1), record(1, 1), record(2, 1)));
    assertThat(counterAfterReplay()).isEqualTo(2);
  }

  @Test
  void recordsOfAFailedCommitAreSupersededByTheSegmentStartedInTheirPlace() throws Exception {
    // The append of records 3-4 went through but their fsync failed and the truncate too: the
    // writer started wal-3 and wrote the next (acknowledged) commit there as record 3.
    Files.write(
        Wal.segmentPath(dir, 1),
        concat(header(2), record(1, 1), record(2, 1), record(3, 100), record(4, 100)));
    Files.write(Wal.segmentPath(dir, 3), concat(header(2), record(3, 1), record(4, 1)));
    assertThat(counterAfterReplay()).isEqualTo(4);
  }

  @Test
  void aTornTailOfAnEarlierSegmentKeepsTheSegmentsAfterIt() throws Exception {
    Files.write(Wal.segmentPath(dir, 1), concat(header(2), record(1, 1), record(2, 1), torn(3)));
    Files.write(Wal.segmentPath(dir, 3), concat(header(2), record(3, 1), record(4, 1)));
    assertThat(counterAfterReplay()).isEqualTo(4);
    assertThat(Files.exists(Wal.segmentPath(dir, 3))).isTrue();
  }

  @Test
  void aTornTailOfTheLastSegmentIsTruncated() throws Exception {
    Path seg = Wal.segmentPath(dir, 1);
    byte[] good = concat(header(2), record(1, 1), record(2, 1));
    Files.write(seg, concat(good, torn(3)));
    assertThat(counterAfterReplay()).isEqualTo(2);
    assertThat(Files.size(seg)).isEqualTo(good.length);
  }

  private double corruptions() {
    return registry.scrape().stream()
        .filter(m -> m.getMetadata().getName().equals("mlpipe_exporter_wal_corruptions"))
        .map(m -> ((CounterSnapshot) m).getDataPoints().get(0).getValue())
        .findFirst()
        .orElseThrow();
  }

  @Test
  void zerosAfterTheLastRecordArePreallocatedSpaceNotACorruption() throws Exception {
    Path seg = Wal.segmentPath(dir, 1);
    byte[] good = concat(header(2), record(1, 1), record(2, 1));
    Files.write(seg, concat(good, new byte[256 * 1024]));
    assertThat(counterAfterReplay()).isEqualTo(2);
    assertThat(corruptions()).isZero();
    assertThat(Files.size(seg)).as("cut back to its records").isEqualTo(good.length);
  }

  @Test
  void aSegmentOfZerosAfterItsHeaderIsEmptyNotCorrupt() throws Exception {
    Files.write(Wal.segmentPath(dir, 1), concat(header(2), record(1, 1), record(2, 1)));
    Files.write(Wal.segmentPath(dir, 3), concat(header(2), new byte[4096]));
    assertThat(counterAfterReplay()).isEqualTo(2);
    assertThat(corruptions()).isZero();
  }

  @Test
  void aTornRecordInPreallocatedSpaceIsStillTorn() throws Exception {
    Path seg = Wal.segmentPath(dir, 1);
    byte[] good = concat(header(2), record(1, 1), record(2, 1));
    Files.write(seg, concat(good, torn(3), new byte[64 * 1024]));
    assertThat(counterAfterReplay()).isEqualTo(2);
    assertThat(corruptions()).isEqualTo(1);
    assertThat(Files.size(seg)).isEqualTo(good.length);
  }

  @Test
  void aRecordWhoseStartNeverReachedDiskIsNotTakenForTheZeroTail() throws Exception {
    // The page holding the start of record 2 was not written back before a crash, the next was.
    byte[] second = record(2, 1);
    java.util.Arrays.fill(second, 0, 16, (byte) 0);
    Files.write(
        Wal.segmentPath(dir, 1), concat(header(2), record(1, 1), second, new byte[64 * 1024]));
    assertThat(counterAfterReplay()).isEqualTo(1);
    assertThat(corruptions()).isEqualTo(1);
  }

  @Test
  void aHeaderCutShortBeforeRecordsIsRewritten() throws Exception {
    // mlpipe before format 2: the header write of a new segment failed after 3 bytes, and the
    // segment was reopened for appending with records after the short header.
    Path seg = Wal.segmentPath(dir, 1);
    Files.write(seg, concat("MLP".getBytes(StandardCharsets.US_ASCII), record(1, 1), record(2, 1)));
    assertThat(counterAfterReplay()).isEqualTo(2);
    store.abandon(); // a crash: the segment stays as replay left it
    store = null;
    assertThat(Files.readAllBytes(seg)).startsWith(header(1));
    assertThat(counterAfterReplay()).isEqualTo(2);
  }

  @Test
  void aHeaderCutShortWithNothingAfterItIsRemoved() throws Exception {
    Files.write(Wal.segmentPath(dir, 1), concat(header(2), record(1, 1), record(2, 1)));
    Files.write(Wal.segmentPath(dir, 3), "MLPWA".getBytes(StandardCharsets.US_ASCII));
    assertThat(counterAfterReplay()).isEqualTo(2);
  }
}
