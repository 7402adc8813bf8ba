package io.mlpipe.collector;

import io.mlpipe.testing.Promtool;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** The fixture host under src/test/resources/fixtures, read in place, and text exposition. */
public final class Fixtures {

  public static final Path ROOT = Path.of("src/test/resources/fixtures").toAbsolutePath();

  private Fixtures() {}

  public static HostPaths paths() {
    return new HostPaths(ROOT.resolve("proc"), ROOT.resolve("sys"), ROOT.resolve("rootfs"));
  }

  /** The Prometheus text format (0.0.4) of {@code snapshots}. */
  public static String text(MetricSnapshots snapshots) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PrometheusTextFormatWriter.create().write(out, snapshots);
      return out.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public static String scrape(Collector c) throws Exception {
    return text(c.collect());
  }

  /**
   * What {@code promtool check metrics} says, less the one lint it also prints for node_exporter's
   * own output: the camelCase kernel field names of {@code node_memory_*} and {@code
   * node_netstat_*}, which node-mixin queries by exactly those names.
   */
  public static List<String> promtoolProblems(String exposition) {
    return Promtool.metricProblems(exposition);
  }
}
