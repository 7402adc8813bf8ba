package io.mlpipe.bench;

import io.mlpipe.config.LimitsConfig;
import io.mlpipe.store.DurableStore;
import io.mlpipe.store.Family;
import io.mlpipe.store.FsyncMode;
import io.mlpipe.store.GroupKey;
import io.mlpipe.store.LabelSet;
import io.mlpipe.store.MetricType;
import io.mlpipe.store.Mutation;
import io.mlpipe.store.Series;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * WAL append and group commit: the store's write of one 20-series group replacement (what a PUT
 * becomes), from 4 threads, acknowledged as each fsync mode promises.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(4)
public class StoreWriteBenchmark {

  @Param({"always", "batch", "never"})
  String fsync;

  private Path dir;
  private DurableStore store;
  private final AtomicInteger next = new AtomicInteger();
  private Family family;

  @Setup
  public void setup() throws Exception {
    dir = Files.createTempDirectory("mlpipe-jmh-store");
    store =
        DurableStore.open(
            new DurableStore.Options(dir, FsyncMode.valueOf(fsync), LimitsConfig::defaults),
            new PrometheusRegistry());
    Map<LabelSet, Series> m = new LinkedHashMap<>();
    for (int i = 0; i < 20; i++) {
      LabelSet l = LabelSet.of("series", "s" + i, "stage", "train");
      m.put(l, new Series.Value(l, i));
    }
    family = new Family("bench_metric", MetricType.GAUGE, null, m);
  }

  @TearDown
  public void close() throws Exception {
    store.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  public void put() throws Exception {
    int g = next.getAndIncrement() % 100;
    GroupKey key = new GroupKey(GroupKey.PUSH, LabelSet.of("job", "bench", "instance", "i" + g));
    store.write(List.of(new Mutation.Replace(key, List.of(family), System.currentTimeMillis(), 0)));
  }
}
