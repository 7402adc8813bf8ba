package io.mlpipe.bench;

import io.mlpipe.store.Family;
import io.mlpipe.store.Group;
import io.mlpipe.store.GroupKey;
import io.mlpipe.store.LabelSet;
import io.mlpipe.store.MetricType;
import io.mlpipe.store.Series;
import io.mlpipe.store.StoreCollector;
import io.mlpipe.store.StoreExposition;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Exposition of N stored series (groups of 100, as scripts/bench/run.sh pushes them), text 0.0.4:
 * through client_java snapshots ({@link StoreCollector}, what every scrape did before) and through
 * the bytes {@link StoreExposition} keeps per group (groups unchanged between scrapes).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ExpositionBenchmark {

  @Param({"1000", "100000"})
  int series;

  private List<Group> groups;
  private StoreCollector collector;
  private StoreExposition exposition;
  private final ExpositionFormatWriter text =
      ExpositionFormats.init().getPrometheusTextFormatWriter();

  @Setup
  public void setup() {
    groups = groups(series / 100, 100);
    collector = new StoreCollector(() -> groups);
    exposition = new StoreExposition(() -> groups);
  }

  static List<Group> groups(int n, int perGroup) {
    List<Group> gs = new ArrayList<>(n);
    for (int g = 0; g < n; g++) {
      Map<LabelSet, Series> m = new LinkedHashMap<>();
      for (int k = 0; k < perGroup; k++) {
        LabelSet l =
            LabelSet.of(
                "instance",
                "node-" + g,
                "job",
                "heap",
                "pipeline",
                "churn",
                "series",
                "s" + k,
                "stage",
                "train");
        m.put(l, new Series.Value(l, k + 0.5));
      }
      Family f = new Family("bench_series", MetricType.GAUGE, null, m);
      gs.add(
          new Group(
              new GroupKey(GroupKey.PUSH, LabelSet.of("job", "heap", "instance", "node-" + g)),
              Map.of(f.name(), f),
              1.7e9,
              0,
              1000,
              0));
    }
    return gs;
  }

  @Benchmark
  public void snapshots(Blackhole bh) throws IOException {
    text.write(new Sink(bh), collector.collect(), EscapingScheme.DEFAULT);
  }

  @Benchmark
  public void encoded(Blackhole bh) throws IOException {
    Sink out = new Sink(bh);
    for (StoreExposition.Merged m : exposition.families(text, EscapingScheme.DEFAULT)) {
      m.writeTo(out);
    }
  }

  /** Counts bytes into the blackhole, as a socket would take them. */
  static final class Sink extends OutputStream {
    private final Blackhole bh;

    Sink(Blackhole bh) {
      this.bh = bh;
    }

    @Override
    public void write(int b) {
      bh.consume(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      bh.consume(len);
    }
  }
}
