package io.mlpipe.store;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The store's families as exposition bytes, kept per group and encoded again only when the group
 * changes (every write makes a new {@link Group}), so that a scrape of many pushed series mostly
 * copies bytes instead of building client_java snapshots and formatting every number again.
 *
 * <p>The output is byte for byte what {@link StoreCollector} gives through client_java's writer:
 * each group's family is encoded by that same writer, families of one name across groups are
 * concatenated in client_java's order (data points sorted by labels) when the groups' label ranges
 * do not overlap, and any family where that cannot be shown (overlapping ranges, a HELP only an
 * empty family has, types that differ) goes through {@link StoreCollector#snapshot} as before. Text
 * 0.0.4 and OpenMetrics 1.0 are kept; protobuf uses the snapshot path.
 */
public final class StoreExposition {

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(StoreExposition.class);

  private final Supplier<List<Group>> groups;
  private volatile Map<GroupKey, Cached> cache = Map.of();

  public StoreExposition(Supplier<List<Group>> groups) {
    this.groups = groups;
  }

  /** One exposed family: its name and type (no data points), and how to write it. */
  public interface Merged {
    /** A data-point-free snapshot of the family, for its client_java name and type. */
    MetricSnapshot meta();

    void writeTo(OutputStream out) throws IOException;

    /** About how many bytes {@link #writeTo} writes (the groups' encodings added up). */
    long sizeHint();
  }

  /**
   * The stored families for one scrape, merged by name and sorted by client_java's name, encoded by
   * {@code writer} (text or OpenMetrics) with {@code scheme}; null when the store holds names that
   * collide on the wire (then only the snapshot path gives client_java's answer).
   */
  public List<Merged> families(ExpositionFormatWriter writer, EscapingScheme scheme) {
    List<Group> current = groups.get();
    Map<GroupKey, Cached> previous = cache;
    Map<GroupKey, Cached> next = new HashMap<>(current.size() * 2);
    Map<String, List<Encoded>> byName = new LinkedHashMap<>();
    for (Group g : current) {
      Cached c = previous.get(g.key());
      if (c == null || c.group != g) {
        c = new Cached(g);
      }
      next.put(g.key(), c);
      for (Encoded e : c.encoded(writer, scheme)) {
        byName.computeIfAbsent(e.name, k -> new ArrayList<>()).add(e);
      }
    }
    cache = next;
    if (userNamed(byName.get(StoreCollector.PUSH_TIME))
        || userNamed(byName.get(StoreCollector.PUSH_FAILURE_TIME))) {
      return null; // two families of one name: client_java's writer merges them its own way
    }
    List<Merged> out = new ArrayList<>(byName.size());
    Map<String, String> wireNames = new HashMap<>();
    for (Map.Entry<String, List<Encoded>> e : byName.entrySet()) {
      List<Encoded> list = e.getValue();
      MetricSnapshot meta = list.get(0).meta;
      if (meta == null) {
        // client_java refuses this family in one group, so it refuses the merged one too
        refused(e.getKey(), list);
        continue;
      }
      String wire = meta.getMetadata().getPrometheusName();
      if (wireNames.put(wire, e.getKey()) != null) {
        return null;
      }
      out.add(merged(e.getKey(), meta, list, writer, scheme));
    }
    out.sort(Comparator.comparing(m -> m.meta().getMetadata().getPrometheusName()));
    return out;
  }

  private static boolean userNamed(List<Encoded> list) {
    return list != null && list.stream().anyMatch(e -> !e.synthetic);
  }

  private static void refused(String name, List<Encoded> list) {
    try {
      StoreCollector.snapshot(name, families(list));
    } catch (IllegalArgumentException ex) {
      log.warn("not exposing stored metric {}: {}", name, ex.getMessage());
    }
  }

  private static List<Family> families(List<Encoded> list) {
    List<Family> fs = new ArrayList<>(list.size());
    for (Encoded e : list) {
      fs.add(e.family);
    }
    return fs;
  }

  private static Merged merged(
      String name,
      MetricSnapshot meta,
      List<Encoded> list,
      ExpositionFormatWriter writer,
      EscapingScheme scheme) {
    Encoded helpFrom = list.get(0);
    for (Encoded e : list) {
      if (e.hasHelp) {
        helpFrom = e;
        break;
      }
    }
    Encoded[] runs = list.stream().filter(e -> e.first != null).toArray(Encoded[]::new);
    boolean exact = helpFrom.header.length > 0 || runs.length == 0;
    for (Encoded e : list) {
      exact &= e.meta != null && e.family.type() == list.get(0).family.type();
    }
    if (exact && runs.length > 1) {
      Arrays.sort(runs, Comparator.comparing((Encoded e) -> e.first));
      for (int i = 0; i + 1 < runs.length && exact; i++) {
        exact = runs[i].last.compareTo(runs[i + 1].first) < 0;
      }
    }
    long size = helpFrom.header.length; // HELP and TYPE once, however many groups
    for (Encoded e : list) {
      size += e.body.length;
    }
    long sizeHint = size;
    if (exact) {
      byte[] header = helpFrom.header;
      return new Merged() {
        @Override
        public MetricSnapshot meta() {
          return meta;
        }

        @Override
        public long sizeHint() {
          return sizeHint;
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
          if (runs.length > 0) {
            out.write(header);
            for (Encoded r : runs) {
              out.write(r.body);
            }
          }
        }
      };
    }
    return new Merged() {
      @Override
      public MetricSnapshot meta() {
        return meta;
      }

      @Override
      public long sizeHint() {
        return sizeHint;
      }

      @Override
      public void writeTo(OutputStream out) throws IOException {
        MetricSnapshot s;
        try {
          s = StoreCollector.snapshot(name, families(list));
        } catch (IllegalArgumentException ex) {
          log.warn("not exposing stored metric {}: {}", name, ex.getMessage());
          return;
        }
        writeWithoutEof(writer, scheme, MetricSnapshots.of(s), out);
      }
    };
  }

  /** Writes {@code snapshots} as {@code writer} does, without OpenMetrics' closing EOF line. */
  public static void writeWithoutEof(
      ExpositionFormatWriter writer,
      EscapingScheme scheme,
      MetricSnapshots snapshots,
      OutputStream out)
      throws IOException {
    WithoutEof stripped = new WithoutEof(out);
    writer.write(stripped, snapshots, scheme);
    stripped.finish();
  }

  /** A group and its encodings; a new one replaces it when the group changes. */
  private static final class Cached {
    final Group group;
    private volatile Encoding encoding;

    Cached(Group group) {
      this.group = group;
    }

    List<Encoded> encoded(ExpositionFormatWriter writer, EscapingScheme scheme) {
      Encoding e = encoding;
      if (e == null || e.writer != writer || e.scheme != scheme) {
        // Prometheus asks for one format, so keeping the last one is enough; a scrape in another
        // format encodes again.
        e = new Encoding(writer, scheme, encode(group, writer, scheme));
        encoding = e;
      }
      return e.families;
    }
  }

  private record Encoding(
      ExpositionFormatWriter writer, EscapingScheme scheme, List<Encoded> families) {}

  private static List<Encoded> encode(
      Group g, ExpositionFormatWriter writer, EscapingScheme scheme) {
    List<Encoded> out = new ArrayList<>(g.families().size() + 2);
    for (Family f : g.families().values()) {
      if (!StoreCollector.isInternal(f.name())) {
        out.add(Encoded.of(f, writer, scheme));
      }
    }
    if (g.key().source().equals(GroupKey.PUSH)) {
      Labels labels = StoreCollector.labels(StoreCollector.withInstance(g.key().labels()));
      out.add(
          pushTime(StoreCollector.pushTimeBuilder(), labels, g.pushTimeSeconds(), writer, scheme));
      out.add(
          pushTime(
              StoreCollector.pushFailureTimeBuilder(),
              labels,
              g.pushFailureTimeSeconds(),
              writer,
              scheme));
    }
    return out;
  }

  private static Encoded pushTime(
      GaugeSnapshot.Builder b,
      Labels labels,
      double value,
      ExpositionFormatWriter writer,
      EscapingScheme scheme) {
    GaugeSnapshot s =
        b.dataPoint(
                GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build())
            .build();
    Family f =
        new Family(
            s.getMetadata().getName(), MetricType.GAUGE, s.getMetadata().getHelp(), Map.of());
    Encoded e = Encoded.of(f, s, writer, scheme);
    e.synthetic = true;
    return e;
  }

  /** One family of one group, encoded: HELP/TYPE lines apart from the data points' lines. */
  private static final class Encoded {
    final String name;
    final Family family;
    final boolean hasHelp;
    final MetricSnapshot meta; // null: client_java refuses the family
    final byte[] header;
    final byte[] body;
    final Labels first; // null when no data point
    final Labels last;
    boolean synthetic; // push_time_seconds or push_failure_time_seconds, not stored by a writer

    private Encoded(
        Family family, MetricSnapshot meta, byte[] header, byte[] body, Labels first, Labels last) {
      this.name = family.name();
      this.family = family;
      this.hasHelp = family.help() != null;
      this.meta = meta;
      this.header = header;
      this.body = body;
      this.first = first;
      this.last = last;
    }

    static Encoded of(Family f, ExpositionFormatWriter writer, EscapingScheme scheme) {
      MetricSnapshot s;
      try {
        s = StoreCollector.snapshot(f.name(), List.of(f));
      } catch (IllegalArgumentException e) {
        return new Encoded(f, null, new byte[0], new byte[0], null, null);
      }
      return of(f, s, writer, scheme);
    }

    static Encoded of(
        Family f, MetricSnapshot s, ExpositionFormatWriter writer, EscapingScheme scheme) {
      ByteArrayOutputStream buf = new ByteArrayOutputStream(64 + 96 * s.getDataPoints().size());
      try {
        writeWithoutEof(writer, scheme, MetricSnapshots.of(s), buf);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e); // a ByteArrayOutputStream does not fail
      }
      byte[] b = buf.toByteArray();
      int end = b.length;
      int split = 0; // end of the leading comment lines (HELP, TYPE, UNIT)
      while (split < end && b[split] == '#') {
        int nl = split;
        while (nl < end && b[nl] != '\n') {
          nl++;
        }
        split = Math.min(nl + 1, end);
      }
      List<? extends DataPointSnapshot> points = s.getDataPoints();
      Labels first = points.isEmpty() ? null : points.get(0).getLabels();
      Labels last = points.isEmpty() ? null : points.get(points.size() - 1).getLabels();
      return new Encoded(
          f,
          emptyLike(s),
          Arrays.copyOfRange(b, 0, split),
          Arrays.copyOfRange(b, split, end),
          first,
          last);
    }
  }

  /** The same kind of snapshot, same name and help, without data points (kept small). */
  private static MetricSnapshot emptyLike(MetricSnapshot s) {
    String name = s.getMetadata().getName();
    String help = s.getMetadata().getHelp();
    if (s instanceof io.prometheus.metrics.model.snapshots.CounterSnapshot) {
      return io.prometheus.metrics.model.snapshots.CounterSnapshot.builder()
          .name(name)
          .help(help)
          .build();
    }
    if (s instanceof GaugeSnapshot) {
      return GaugeSnapshot.builder().name(name).help(help).build();
    }
    if (s instanceof io.prometheus.metrics.model.snapshots.HistogramSnapshot) {
      return io.prometheus.metrics.model.snapshots.HistogramSnapshot.builder()
          .name(name)
          .help(help)
          .build();
    }
    if (s instanceof io.prometheus.metrics.model.snapshots.SummarySnapshot) {
      return io.prometheus.metrics.model.snapshots.SummarySnapshot.builder()
          .name(name)
          .help(help)
          .build();
    }
    return io.prometheus.metrics.model.snapshots.UnknownSnapshot.builder()
        .name(name)
        .help(help)
        .build();
  }
}
