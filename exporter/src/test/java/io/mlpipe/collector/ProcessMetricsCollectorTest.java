package io.mlpipe.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The process metrics stand in for client_java's exactly: same families, same values. */
class ProcessMetricsCollectorTest {

  @Test
  void sameFamiliesAndValuesAsClientJava() throws Exception {
    PrometheusRegistry ours = new PrometheusRegistry();
    ProcessMetricsCollector.register(ours);
    PrometheusRegistry theirs = new PrometheusRegistry();
    ProcessMetrics.builder().register(theirs);

    String a = Fixtures.text(ours.scrape());
    String b = Fixtures.text(theirs.scrape());
    // Names, help, types and units (OpenMetrics' # UNIT lines are in the text only through
    // metadata, so compare that too) are identical.
    assertThat(withoutValues(a)).isEqualTo(withoutValues(b));
    assertThat(ours.scrape().stream().map(s -> s.getMetadata().getUnit()).toList())
        .isEqualTo(theirs.scrape().stream().map(s -> s.getMetadata().getUnit()).toList());
    assertThat(withoutValues(a))
        .contains(
            "process_cpu_seconds_total",
            "process_start_time_seconds",
            "process_open_fds",
            "process_max_fds",
            "process_virtual_memory_bytes",
            "process_resident_memory_bytes");
    // Values that do not move between two reads are equal; the others are close.
    assertThat(value(a, "process_start_time_seconds"))
        .isEqualTo(value(b, "process_start_time_seconds"));
    assertThat(value(a, "process_max_fds")).isEqualTo(value(b, "process_max_fds"));
    assertThat(value(a, "process_open_fds")).isBetween(1.0, value(b, "process_open_fds") + 16);
    assertThat(value(a, "process_resident_memory_bytes"))
        .isGreaterThan(1e6)
        .isCloseTo(
            value(b, "process_resident_memory_bytes"),
            org.assertj.core.data.Percentage.withPercentage(20));
    assertThat(value(a, "process_cpu_seconds_total"))
        .isGreaterThan(0)
        .isLessThanOrEqualTo(value(Fixtures.text(ours.scrape()), "process_cpu_seconds_total"));
  }

  private static List<String> withoutValues(String text) {
    return text.lines()
        .map(l -> l.startsWith("#") ? l : l.substring(0, l.lastIndexOf(' ')))
        .toList();
  }

  private static double value(String text, String name) {
    return text.lines()
        .filter(l -> l.startsWith(name + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " missing in\n" + text));
  }
}
