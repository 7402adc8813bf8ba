package io.mlpipe.collector;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot.UnknownDataPointSnapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
    Labels labels = labels(labelNames, labelValues);
    if (seen.add(labels)) {
      points.add(new Point(labels, value));
    }
    return this;
  }

  /** A label set by content, for the cache below. */
  private static final class LabelKey {
    final String[] names;
    final String[] values;
    final int hash;

    LabelKey(String[] names, String[] values) {
      this.names = names;
      this.values = values;
      this.hash = 31 * Arrays.hashCode(names) + Arrays.hashCode(values);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof LabelKey k
          && hash == k.hash
          && Arrays.equals(values, k.values)
          && Arrays.equals(names, k.names);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /**
   * client_java's Labels per label set, made once: {@code Labels.of} validates every name, and
   * client_java 1.10's check of a label name creates a UTF-8 encoder each time (with the sort and
   * copies, ~7% of a host scrape's allocation for ~540 series whose label sets are the same on
   * every scrape: cpu and mode, device names, mount points). Labels are immutable, so sharing them
   * changes nothing in the output. Label sets that change (a new device, an interface renamed) are
   * new keys; when the cache holds {@code MAX_LABELS} it starts over, so it stays bounded.
   */
  private static final Map<LabelKey, Labels> LABELS = new ConcurrentHashMap<>();

  private static final int MAX_LABELS = 16_384;

  private static Labels labels(String[] names, String[] values) {
    if (names.length == 0) {
      return Labels.EMPTY;
    }
    LabelKey key = new LabelKey(names, values);
    Labels labels = LABELS.get(key);
    if (labels == null) {
      labels = Labels.of(names, values);
      if (LABELS.size() >= MAX_LABELS) {
        LABELS.clear();
      }
      LABELS.put(new LabelKey(names.clone(), values.clone()), labels);
    }
    return labels;
  }

  /** The client_java snapshot (a counter without {@code _total}, an info without {@code _info}). */
  public MetricSnapshot build() {
    MetricMetadata meta = metadata();
    switch (type) {
      case COUNTER -> {
        List<CounterDataPointSnapshot> data = new ArrayList<>(points.size());
        points.forEach(
            p ->
                data.add(
                    CounterDataPointSnapshot.builder().labels(p.labels).value(p.value).build()));
        return new CounterSnapshot(meta, data);
      }
      case INFO -> {
        List<InfoDataPointSnapshot> data = new ArrayList<>(points.size());
        points.forEach(p -> data.add(InfoDataPointSnapshot.builder().labels(p.labels).build()));
        return new InfoSnapshot(meta, data);
      }
      case UNTYPED -> {
        List<UnknownDataPointSnapshot> data = new ArrayList<>(points.size());
        points.forEach(
            p ->
                data.add(
                    UnknownDataPointSnapshot.builder().labels(p.labels).value(p.value).build()));
        return new UnknownSnapshot(meta, data);
      }
      default -> {
        List<GaugeDataPointSnapshot> data = new ArrayList<>(points.size());
        points.forEach(
            p ->
                data.add(GaugeDataPointSnapshot.builder().labels(p.labels).value(p.value).build()));
        return new GaugeSnapshot(meta, data);
      }
    }
  }

  /**
   * The metadata cache's key. Not a record: a record's hashCode and equals go through invokedynamic
   * (ObjectMethods), which the agent's C1-only JIT runs as method-handle chains; in a JFR profile
   * they were a tenth of this lookup, made ~200 times per scrape. The name's hash is cached in the
   * String, and help texts are mostly the same literal, so equals is a reference check.
   */
  private static final class MetaKey {
    final Type type;
    final String name;
    final String help;

    MetaKey(Type type, String name, String help) {
      this.type = type;
      this.name = name;
      this.help = help;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof MetaKey k && type == k.type && name.equals(k.name) && help.equals(k.help);
    }

    @Override
    public int hashCode() {
      return 31 * name.hashCode() + type.ordinal();
    }
  }

  /**
   * client_java's metadata per (type, name, help), made once: building it validates the name (a
   * regex and a UTF-8 scan) and a host scrape builds ~200 families, the same ones every time. The
   * names come from the collectors' code and the kernel's field names, so the map stays small; the
   * bound only guards against a collector that would name families after data.
   */
  private static final Map<MetaKey, MetricMetadata> METADATA = new ConcurrentHashMap<>();

  private static final int MAX_METADATA = 4096;

  private MetricMetadata metadata() {
    MetaKey key = new MetaKey(type, name, help);
    MetricMetadata meta = METADATA.get(key);
    if (meta == null) {
      // The builders' own metadata, so that it is exactly what they would build.
      meta =
          switch (type) {
            case COUNTER ->
                CounterSnapshot.builder()
                    .name(strip(name, "_total"))
                    .help(help)
                    .build()
                    .getMetadata();
            case INFO ->
                InfoSnapshot.builder().name(strip(name, "_info")).help(help).build().getMetadata();
            case UNTYPED -> UnknownSnapshot.builder().name(name).help(help).build().getMetadata();
            default -> GaugeSnapshot.builder().name(name).help(help).build().getMetadata();
          };
      if (METADATA.size() < MAX_METADATA) {
        METADATA.put(key, meta);
      }
    }
    return meta;
  }

  private static String strip(String s, String suffix) {
    return s.substring(0, s.length() - suffix.length());
  }
}
