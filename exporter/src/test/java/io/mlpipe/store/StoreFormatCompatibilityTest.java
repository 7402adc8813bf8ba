package io.mlpipe.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.config.LimitsConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files written by an earlier mlpipe still load. The fixtures under {@code fixtures/store/} were
 * written by mlpipe at commit 54225a8 (WAL and snapshot format 1) from the same requests: a
 * replace, a merge, a put then delete, a failure mark, an update with add/set/observe, an update
 * inside an idempotent once that removes a series, and a group that expired.
 */
class StoreFormatCompatibilityTest {

  @TempDir Path dir;

  private DurableStore openCopyOf(String fixture) throws Exception {
    Path from = Path.of("src/test/resources/fixtures/store", fixture);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    return DurableStore.open(
        new DurableStore.Options(
            dir, FsyncMode.always, LimitsConfig::defaults, 20_000, 300_000, 3_600_000),
        new PrometheusRegistry());
  }

  private static void assertFixtureState(DurableStore s) {
    GroupKey a = new GroupKey(GroupKey.PUSH, LabelSet.of("job", "a"));
    assertThat(s.group(a).families()).containsOnlyKeys("g", "h");
    assertThat(((Series.Value) s.group(a).families().get("g").series().get(LabelSet.EMPTY)).value())
        .isEqualTo(1.5);
    assertThat(
            ((Series.Value) s.group(a).families().get("h").series().get(LabelSet.of("x", "y")))
                .value())
        .isNaN();
    assertThat(s.group(a).pushFailureTimeSeconds()).isEqualTo(3.0);
    assertThat(s.group(new GroupKey(GroupKey.PUSH, LabelSet.of("job", "gone")))).isNull();
    assertThat(s.group(new GroupKey(GroupKey.PUSH, LabelSet.of("job", "old")))).isNull();
    assertThat(s.group(new GroupKey(GroupKey.EVENTS, LabelSet.of("event_id", "e1")))).isNotNull();
    Group ev =
        s.group(new GroupKey(GroupKey.EVENTS, LabelSet.of("pipeline", "p", "stage", "train")));
    assertThat(ev.families()).containsOnlyKeys("runs_total", "last", "dur");
    assertThat(
            ((Series.Value)
                    ev.families().get("runs_total").series().get(LabelSet.of("status", "success")))
                .value())
        .isEqualTo(3.0);
    Series.Histogram dur = (Series.Histogram) ev.families().get("dur").series().get(LabelSet.EMPTY);
    assertThat(dur.count()).isEqualTo(1);
    assertThat(dur.sum()).isEqualTo(5);
    assertThat(dur.cumulativeCounts()).containsExactly(0, 1, 1);
  }

  @Test
  void aVersion1WalReplays() throws Exception {
    try (DurableStore s = openCopyOf("wal-v1")) {
      assertFixtureState(s);
      // and it goes on writing, in the current format
      s.write(
          java.util.List.of(
              new Mutation.Delete(new GroupKey(GroupKey.PUSH, LabelSet.of("job", "a")))));
    }
  }

  @Test
  void aVersion1SnapshotLoads() throws Exception {
    try (DurableStore s = openCopyOf("snapshot-v1")) {
      assertFixtureState(s);
    }
  }
}
