package io.mlpipe.collector;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot.UnknownDataPointSnapshot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One metric family as a collector builds it: the name exactly as exposed (with {@code _total} for
 * counters, {@code _info} for info metrics), its type, help and label names, then one {@link #add}
 * per series. A repeated label set is dropped (node_exporter's filesystem collector does the same),
 * so a collector never breaks the whole scrape with a duplicate.
 *
 * <pre>{@code
 * Family load = Family.gauge("node_load1", "1m load average.");
 * load.add(0.5);
 * out.add(load);
 * }</pre>
 */
public final class Family {

  /** The exposition types node_exporter and dcgm-exporter use. */
  public enum Type {
    GAUGE,
    COUNTER,
    UNTYPED,
    INFO
  }

  private record Point(Labels labels, double value) {}

  private final Type type;
  private final String name;
  private final String help;
  private final String[] labelNames;
  private final List<Point> points = new ArrayList<>();
  private final Set<Labels> seen = new HashSet<>();

  private Family(Type type, String name, String help, String... labelNames) {
    this.type = type;
    this.name = name;
    this.help = help;
    this.labelNames = labelNames.clone();
    if (type == Type.COUNTER && !name.endsWith("_total")) {
      throw new IllegalArgumentException(name + ": a counter's exposed name ends in _total");
    }
    if (type == Type.INFO && !name.endsWith("_info")) {
      throw new IllegalArgumentException(name + ": an info metric's exposed name ends in _info");
    }
  }

  public static Family gauge(String name, String help, String... labelNames) {
    return new Family(Type.GAUGE, name, help, labelNames);
  }

  /** A counter; {@code name} includes {@code _total}, as exposed. */
  public static Family counter(String name, String help, String... labelNames) {
    return new Family(Type.COUNTER, name, help, labelNames);
  }

  /** Untyped, as node_exporter's vmstat and filefd values. */
  public static Family untyped(String name, String help, String... labelNames) {
    return new Family(Type.UNTYPED, name, help, labelNames);
  }

  /**
   * A constant-1 series whose labels carry the data; {@code name} includes {@code _info}. In the
   * Prometheus text format it is a gauge, exactly like node_exporter's {@code node_uname_info}.
   */
  public static Family info(String name, String help, String... labelNames) {
    return new Family(Type.INFO, name, help, labelNames);
  }

  public String name() {
    return name;
  }

  public Type type() {
    return type;
  }

  public boolean isEmpty() {
    return points.isEmpty();
  }

  /** Adds one series; {@code labelValues} in the order of the label names. */
  public Family add(double value, String... labelValues) {
    if (labelValues.length != labelNames.length) {
      throw new IllegalArgumentException(
          name + ": " + labelNames.length + " label values expected, got " + labelValues.length);
    }
    Labels labels = Labels.of(labelNames, labelValues);
    if (seen.add(labels)) {
      points.add(new Point(labels, value));
    }
    return this;
  }

  /** The client_java snapshot (a counter without {@code _total}, an info without {@code _info}). */
  public MetricSnapshot build() {
    switch (type) {
      case COUNTER -> {
        CounterSnapshot.Builder b =
            CounterSnapshot.builder().name(strip(name, "_total")).help(help);
        points.forEach(
            p ->
                b.dataPoint(
                    CounterDataPointSnapshot.builder().labels(p.labels).value(p.value).build()));
        return b.build();
      }
      case INFO -> {
        InfoSnapshot.Builder b = InfoSnapshot.builder().name(strip(name, "_info")).help(help);
        points.forEach(p -> b.dataPoint(InfoDataPointSnapshot.builder().labels(p.labels).build()));
        return b.build();
      }
      case UNTYPED -> {
        UnknownSnapshot.Builder b = UnknownSnapshot.builder().name(name).help(help);
        points.forEach(
            p ->
                b.dataPoint(
                    UnknownDataPointSnapshot.builder().labels(p.labels).value(p.value).build()));
        return b.build();
      }
      default -> {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        points.forEach(
            p ->
                b.dataPoint(
                    GaugeDataPointSnapshot.builder().labels(p.labels).value(p.value).build()));
        return b.build();
      }
    }
  }

  private static String strip(String s, String suffix) {
    return s.substring(0, s.length() - suffix.length());
  }
}
