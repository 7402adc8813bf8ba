package io.mlpipe.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CollectorRunnerTest {

  private static final Collector GOOD =
      () ->
          MetricSnapshots.of(
              GaugeSnapshot.builder()
                  .name("test_value")
                  .help("A test value.")
                  .dataPoint(GaugeDataPointSnapshot.builder().value(42).build())
                  .build());

  private static final Collector BROKEN =
      () -> {
        throw new java.io.IOException("failed to read /proc/nothing");
      };

  private static String scrape(CollectorRunner runner) throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(runner);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aFailingCollectorIsReportedAndTheScrapeGoesOn() throws Exception {
    String text = scrape(new CollectorRunner(Map.of("broken", BROKEN)));
    assertThat(text).contains("mlpipe_exporter_collector_success{collector=\"broken\"} 0");

    text =
        scrape(
            new CollectorRunner(
                new java.util.LinkedHashMap<>(Map.of("good", GOOD, "broken", BROKEN))));
    assertThat(text)
        .contains("test_value 42.0")
        .contains("mlpipe_exporter_collector_success{collector=\"good\"} 1")
        .contains("mlpipe_exporter_collector_success{collector=\"broken\"} 0")
        .contains("mlpipe_exporter_collector_duration_seconds{collector=\"broken\"}");
  }

  @Test
  void twoCollectorsEmittingOneFamilyFailTheSecondNotTheScrape() throws Exception {
    Map<String, Collector> both = new java.util.LinkedHashMap<>();
    both.put("first", GOOD);
    both.put("second", GOOD);
    String text = scrape(new CollectorRunner(both));
    assertThat(text)
        .contains("test_value 42.0")
        .contains("mlpipe_exporter_collector_success{collector=\"first\"} 1")
        .contains("mlpipe_exporter_collector_success{collector=\"second\"} 0");
  }

  @Test
  void disabledCollectorsAreNotBuiltNorReported() throws Exception {
    CollectorCatalog catalog =
        new CollectorCatalog(
            List.of(
                new CollectorSpec("good", true, "", ctx -> GOOD),
                new CollectorSpec("off", false, "", ctx -> BROKEN)));
    assertThat(catalog.enabled(Map.of())).extracting(CollectorSpec::name).containsExactly("good");
    assertThat(catalog.enabled(Map.of("good", false, "off", true)))
        .extracting(CollectorSpec::name)
        .containsExactly("off");

    String text =
        scrape(CollectorRunner.build(catalog.enabled(Map.of()), CollectorContext.defaults()));
    assertThat(text).contains("collector=\"good\"").doesNotContain("collector=\"off\"");
  }

  @Test
  void jvmCollectorCanBeSwitchedOff() throws Exception {
    CollectorCatalog catalog = CollectorCatalog.standard();
    String on =
        scrape(CollectorRunner.build(catalog.enabled(Map.of()), CollectorContext.defaults()));
    assertThat(on).contains("jvm_memory_used_bytes");
    String off =
        scrape(
            CollectorRunner.build(
                catalog.enabled(Map.of("jvm", false)), CollectorContext.defaults()));
    assertThat(off).doesNotContain("jvm_").doesNotContain("collector=\"jvm\"");
  }

  @Test
  void hostCollectorsHaveNodeExporterNamesAndCanBeSwitchedOff() throws Exception {
    CollectorCatalog catalog = CollectorCatalog.standard();
    assertThat(catalog.all())
        .extracting(CollectorSpec::name)
        .containsAll(CollectorCatalog.hostCollectorNames())
        .contains("gpu", "jvm");
    CollectorContext ctx = new CollectorContext(Fixtures.paths());
    try (CollectorRunner off =
        CollectorRunner.build(
            catalog.enabled(Map.of("cpu", false, "meminfo", false, "gpu", false, "jvm", false)),
            ctx)) {
      String text = scrape(off);
      assertThat(text)
          .doesNotContain("node_cpu_")
          .doesNotContain("node_memory_")
          .doesNotContain("collector=\"cpu\"")
          .doesNotContain("collector=\"gpu\"")
          .contains("node_load1 ")
          .contains("mlpipe_exporter_collector_success{collector=\"loadavg\"} 1");
    }
  }

  @Test
  void anAbsentSourceIsSuccessZeroWithoutAFailure() throws Exception {
    Collector absent =
        () -> {
          throw new CollectorAbsentException("no NVIDIA driver");
        };
    String text = scrape(new CollectorRunner(Map.of("gpu", absent, "good", GOOD)));
    assertThat(text)
        .contains("mlpipe_exporter_collector_success{collector=\"gpu\"} 0")
        .contains("test_value 42.0");
  }

  @Test
  void aCollectorRegisteredTwiceIsAProgrammingError() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new CollectorCatalog(
                    List.of(
                        new CollectorSpec("x", true, "", ctx -> GOOD),
                        new CollectorSpec("x", true, "", ctx -> GOOD))))
        .hasMessageContaining("registered twice: x");
  }
}
