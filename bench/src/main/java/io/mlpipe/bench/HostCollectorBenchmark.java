package io.mlpipe.bench;

import io.mlpipe.collector.Collector;
import io.mlpipe.collector.CollectorCatalog;
import io.mlpipe.collector.CollectorContext;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One host collector's collect() on this machine's /proc and /sys, one collector per parameter
 * ({@code -p collector=cpu,netclass}); without {@code -p}, every collector of the catalog but gpu
 * (see {@link Main}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HostCollectorBenchmark {

  // No list here: io.mlpipe.bench.Main fills in the catalog's collectors (CollectorCatalog is
  // the one list); -p collector=cpu,netclass picks some.
  @Param({})
  String collector;

  private Collector c;

  @Setup
  public void setup() {
    c =
        CollectorCatalog.standard()
            .get(collector)
            .orElseThrow(() -> new IllegalArgumentException("no collector " + collector))
            .factory()
            .apply(CollectorContext.defaults());
  }

  @TearDown
  public void close() throws Exception {
    c.close();
  }

  @Benchmark
  public Object collect() throws Exception {
    return c.collect();
  }
}
