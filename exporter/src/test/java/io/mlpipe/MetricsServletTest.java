package io.mlpipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.mlpipe.store.Family;
import io.mlpipe.store.Group;
import io.mlpipe.store.GroupKey;
import io.mlpipe.store.LabelSet;
import io.mlpipe.store.MetricType;
import io.mlpipe.store.Series;
import io.mlpipe.store.StoreCollector;
import io.mlpipe.store.StoreExposition;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.MetricNameFilter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The encoded path of {@code /metrics} gives byte for byte what client_java's writer gives for the
 * same registry (the agent's own metrics plus {@link StoreCollector}), in text and OpenMetrics,
 * with and without {@code name[]}, for every kind of stored family, and after groups change.
 */
class MetricsServletTest {

  private static final String TEXT = null; // no Accept: text 0.0.4
  private static final String OPENMETRICS =
      "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
          + "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

  private List<Group> groups = new ArrayList<>();
  private final AgentCollector agent =
      new AgentCollector(
          List.of(MetricsServletTest::own), () -> new StoreCollector(() -> groups).collect());
  private final MetricsServlet servlet =
      new MetricsServlet(
          agent, new StoreExposition(() -> groups), new PrometheusMetricsServlet(registry()));

  private PrometheusRegistry registry() {
    PrometheusRegistry r = new PrometheusRegistry();
    r.register(agent);
    return r;
  }

  /** The agent's own families: names before, between and after the stored ones. */
  private static MetricSnapshots own() {
    return MetricSnapshots.of(
        GaugeSnapshot.builder()
            .name("aaa_own")
            .help("own gauge")
            .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(1).build())
            .build(),
        CounterSnapshot.builder()
            .name("mmm_own")
            .help("own counter")
            .dataPoint(
                CounterSnapshot.CounterDataPointSnapshot.builder()
                    .labels(Labels.of("x", "y"))
                    .value(3)
                    .build())
            .build(),
        GaugeSnapshot.builder()
            .name("shadowed")
            .help("a name a writer also stored")
            .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(7).build())
            .build(),
        GaugeSnapshot.builder()
            .name("zzz_own")
            .help("last")
            .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(2).build())
            .build());
  }

  private static Group push(LabelSet key, double pushTime, Family... families) {
    Map<String, Family> m = new LinkedHashMap<>();
    for (Family f : families) {
      m.put(f.name(), f);
    }
    return new Group(new GroupKey(GroupKey.PUSH, key), m, pushTime, 0, 1000, 0);
  }

  private static Family values(String name, MetricType type, String help, Series... series) {
    Map<LabelSet, Series> m = new LinkedHashMap<>();
    for (Series s : series) {
      m.put(s.labels(), s);
    }
    return new Family(name, type, help, m);
  }

  private static Series.Value v(double value, String... labels) {
    return new Series.Value(LabelSet.of(labels), value);
  }

  private static List<Group> everyKind() {
    List<Group> gs = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      LabelSet key = LabelSet.of("job", "batch", "instance", "node-" + i);
      gs.add(
          push(
              key,
              1700000000.5 + i,
              values(
                  "bench_series",
                  MetricType.GAUGE,
                  i == 3 ? "help from the fourth group \\ with \"quotes\"\nand a newline" : null,
                  v(i + 0.5, "job", "batch", "instance", "node-" + i, "series", "b"),
                  v(-0.0, "job", "batch", "instance", "node-" + i, "series", "a"),
                  v(Double.NaN, "job", "batch", "instance", "node-" + i, "series", "c"),
                  v(1e-300, "job", "batch", "instance", "node-" + i, "series", "d"),
                  v(Double.POSITIVE_INFINITY, "job", "batch", "instance", "node-" + i, "s", "x"),
                  v(123456789012.0, "job", "batch", "instance", "node-" + i, "v", "é \" \\ \n")),
              values(
                  "requests_total",
                  MetricType.COUNTER,
                  "requests",
                  v(i * 10, "job", "batch", "instance", "node-" + i, "code", "200")),
              values(
                  "processed",
                  MetricType.COUNTER,
                  null,
                  v(i, "job", "batch", "instance", "node-" + i)),
              values("untyped_thing", MetricType.UNTYPED, "untyped", v(i, "job", "batch")),
              values(
                  "latency_seconds",
                  MetricType.HISTOGRAM,
                  "latency",
                  new Series.Histogram(
                      LabelSet.of("job", "batch", "instance", "node-" + i),
                      new double[] {0.1, 1, Double.POSITIVE_INFINITY},
                      new double[] {1, 3 + i, 4 + i},
                      2.5 * i,
                      4 + i)),
              values(
                  "rpc_seconds",
                  MetricType.SUMMARY,
                  null,
                  new Series.Summary(
                      LabelSet.of("job", "batch", "instance", "node-" + i),
                      new double[] {0.5, 0.99},
                      new double[] {0.1 * i, 0.9},
                      3.5,
                      7)),
              values(
                  "shadowed",
                  MetricType.GAUGE,
                  "stored under an own name",
                  v(1, "job", "batch", "instance", "node-" + i)),
              values("__internal", MetricType.GAUGE, null, v(1, "job", "batch")),
              values(
                  "negative_total",
                  MetricType.COUNTER,
                  null,
                  v(i == 5 ? -1 : 1, "job", "batch", "instance", "node-" + i))));
    }
    // Series whose label ranges overlap across groups (and one duplicate): the snapshot path.
    gs.add(
        push(
            LabelSet.of("job", "a"),
            1,
            values("overlap", MetricType.GAUGE, null, v(1, "k", "1"), v(3, "k", "3"))));
    gs.add(
        push(
            LabelSet.of("job", "b"),
            2,
            values("overlap", MetricType.GAUGE, "late help", v(2, "k", "2"), v(9, "k", "3"))));
    // HELP only in a group without series; the series come from another group.
    gs.add(push(LabelSet.of("job", "c"), 3, values("helpless", MetricType.GAUGE, "the help")));
    gs.add(push(LabelSet.of("job", "d"), 4, values("helpless", MetricType.GAUGE, null, v(1))));
    // A group of the events API: no push_time_seconds.
    gs.add(
        new Group(
            new GroupKey(GroupKey.EVENTS, LabelSet.of("pipeline", "churn")),
            Map.of(
                "mlpipe_stage_running",
                values(
                    "mlpipe_stage_running",
                    MetricType.GAUGE,
                    "running",
                    v(1, "pipeline", "churn", "stage", "train"))),
            0,
            0,
            1000,
            0));
    return gs;
  }

  private String expected(String accept, String... names) throws Exception {
    ExpositionFormats formats = ExpositionFormats.init();
    ExpositionFormatWriter writer = formats.findWriter(accept);
    MetricSnapshots snapshots =
        names.length == 0
            ? registry().scrape()
            : registry().scrape(MetricNameFilter.builder().nameMustBeEqualTo(names).build());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writer.write(out, snapshots, EscapingScheme.fromAcceptHeader(accept));
    return out.toString(StandardCharsets.UTF_8);
  }

  private String actual(String accept, String... names) throws Exception {
    MetricsServlet.Scrape scrape = servlet.prepare(accept, names.length == 0 ? null : names);
    assertThat(scrape).as("encoded path taken").isNotNull();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    scrape.writeTo(out);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void sameBytesAsClientJavaForEveryKindOfFamily() throws Exception {
    groups = everyKind();
    for (String accept : new String[] {TEXT, OPENMETRICS}) {
      String expected = expected(accept);
      assertThat(expected).contains("bench_series{", "overlap{", "helpless", "push_time_seconds{");
      assertThat(actual(accept)).isEqualTo(expected);
      // the second scrape comes from the kept bytes
      assertThat(actual(accept)).isEqualTo(expected);
    }
  }

  @Test
  void nameFilterKeepsTheSameFamilies() throws Exception {
    groups = everyKind();
    for (String accept : new String[] {TEXT, OPENMETRICS}) {
      for (String[] names :
          new String[][] {
            {"bench_series"},
            {"requests_total", "mmm_own"},
            {"push_time_seconds", "zzz_own", "latency_seconds"},
            {"nothing_of_that_name"}
          }) {
        assertThat(actual(accept, names)).isEqualTo(expected(accept, names));
      }
    }
  }

  @Test
  void aChangedGroupIsEncodedAgain() throws Exception {
    groups = everyKind();
    String before = actual(TEXT);
    List<Group> changed = new ArrayList<>(groups);
    changed.set(
        0,
        push(
            LabelSet.of("job", "batch", "instance", "node-0"),
            1800000000,
            values(
                "bench_series",
                MetricType.GAUGE,
                null,
                v(42, "job", "batch", "instance", "node-0", "series", "new"))));
    changed.remove(changed.size() - 1);
    groups = changed;
    String after = actual(TEXT);
    assertThat(after).isNotEqualTo(before).isEqualTo(expected(TEXT));
    assertThat(after).contains("series=\"new\"} 42.0").doesNotContain("mlpipe_stage_running");
  }

  @Test
  void emptyStoreAndProtobufAndEscaping() throws Exception {
    groups = List.of();
    assertThat(actual(TEXT)).isEqualTo(expected(TEXT));
    assertThat(actual(OPENMETRICS)).isEqualTo(expected(OPENMETRICS));
    // client_java's servlet answers these
    assertThat(
            servlet.prepare(
                "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
                    + "encoding=delimited",
                null))
        .isNull();
    assertThat(servlet.prepare("text/plain;version=0.0.4;escaping=allow-utf-8", null)).isNull();
  }

  /**
   * The size hint decides whether a scrape is buffered or streamed before anything is written: it
   * must be known from the first scrape on and close to what the stored families write.
   */
  @Test
  void sizeHintIsWhatTheStoredFamiliesWrite() throws Exception {
    groups = everyKind();
    MetricsServlet.Scrape scrape = servlet.prepare(TEXT, null);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    scrape.writeTo(all);
    groups = List.of();
    int ownOnly = actual(TEXT).getBytes(StandardCharsets.UTF_8).length;
    // Families written through the snapshot path (overlapping groups here) differ by a few lines.
    assertThat(scrape.sizeHint()).isCloseTo(all.size() - ownOnly, withinPercentage(10));
  }
}
