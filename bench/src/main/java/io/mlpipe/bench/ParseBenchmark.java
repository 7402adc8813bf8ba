package io.mlpipe.bench;

import io.mlpipe.ingest.EventsParser;
import io.mlpipe.ingest.ProtobufParser;
import io.mlpipe.ingest.TextFormatParser;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The push API's body parsers (a 20-series body as scripts/bench/push.lua sends, in text 0.0.4 and
 * delimited protobuf) and the JSON events parser (one event, and a batch of 100).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ParseBenchmark {

  private byte[] text;
  private byte[] protobuf;
  private byte[] event;
  private byte[] events;

  @Setup
  public void setup() throws IOException {
    StringBuilder t = new StringBuilder("# TYPE bench_metric gauge\n");
    GaugeSnapshot.Builder g = GaugeSnapshot.builder().name("bench_metric").help("bench");
    for (int i = 0; i < 20; i++) {
      t.append("bench_metric{series=\"s").append(i).append("\",stage=\"train\"} ").append(i);
      t.append('\n');
      g.dataPoint(
          GaugeSnapshot.GaugeDataPointSnapshot.builder()
              .labels(Labels.of("series", "s" + i, "stage", "train"))
              .value(i)
              .build());
    }
    text = t.toString().getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream pb = new ByteArrayOutputStream();
    ExpositionFormats.init().getPrometheusProtobufWriter().write(pb, MetricSnapshots.of(g.build()));
    protobuf = pb.toByteArray();
    String one =
        "{\"type\":\"records\",\"pipeline\":\"bench\",\"stage\":\"load\",\"processed\":100,"
            + "\"invalid\":1}";
    event = one.getBytes(StandardCharsets.UTF_8);
    events =
        ("[" + String.join(",", java.util.Collections.nCopies(100, one)) + "]")
            .getBytes(StandardCharsets.UTF_8);
  }

  @Benchmark
  public Object pushText() throws Exception {
    return TextFormatParser.parse(text);
  }

  @Benchmark
  public Object pushProtobuf() throws Exception {
    return ProtobufParser.parse(protobuf);
  }

  @Benchmark
  public Object eventsOne() {
    return EventsParser.parse(event, false, 1.7e9);
  }

  @Benchmark
  public Object eventsBatchOf100() {
    return EventsParser.parse(events, false, 1.7e9);
  }
}
