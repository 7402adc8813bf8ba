package io.mlpipe.store;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Exposes the store's groups through client_java: families of the same name across groups become
 * one family, and every push group gets Pushgateway's {@code push_time_seconds} and {@code
 * push_failure_time_seconds}.
 *
 * <p>A counter whose name does not end in {@code _total} is exposed as untyped under its own name,
 * because client_java always writes counters with a {@code _total} suffix and the name is what
 * users' queries depend on.
 */
public final class StoreCollector implements MultiCollector {

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(StoreCollector.class);

  static final String PUSH_TIME = "push_time_seconds";
  static final String PUSH_FAILURE_TIME = "push_failure_time_seconds";

  private final Supplier<List<Group>> groups;

  public StoreCollector(DurableStore store) {
    this(store::groups);
  }

  public StoreCollector(Supplier<List<Group>> groups) {
    this.groups = groups;
  }

  @Override
  public MetricSnapshots collect() {
    List<Group> groups = this.groups.get();
    Map<String, List<Family>> byName = new TreeMap<>();
    GaugeSnapshot.Builder pushTime = pushTimeBuilder();
    GaugeSnapshot.Builder pushFailure = pushFailureTimeBuilder();
    boolean anyPush = false;
    for (Group g : groups) {
      for (Family f : g.families().values()) {
        if (!isInternal(f.name())) {
          byName.computeIfAbsent(f.name(), k -> new ArrayList<>()).add(f);
        }
      }
      if (g.key().source().equals(GroupKey.PUSH)) {
        anyPush = true;
        Labels labels = labels(withInstance(g.key().labels()));
        pushTime.dataPoint(
            GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .labels(labels)
                .value(g.pushTimeSeconds())
                .build());
        pushFailure.dataPoint(
            GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .labels(labels)
                .value(g.pushFailureTimeSeconds())
                .build());
      }
    }
    List<MetricSnapshot> out = new ArrayList<>(byName.size() + 2);
    byName.forEach(
        (name, families) -> {
          try {
            out.add(snapshot(name, families));
          } catch (IllegalArgumentException e) {
            // One family client_java refuses must never fail the whole scrape.
            log.warn("not exposing stored metric {}: {}", name, e.getMessage());
          }
        });
    if (anyPush) {
      out.add(pushTime.build());
      out.add(pushFailure.build());
    }
    return new MetricSnapshots(out);
  }

  static GaugeSnapshot.Builder pushTimeBuilder() {
    return GaugeSnapshot.builder()
        .name(PUSH_TIME)
        .help("Last Unix time when changing this group in the Pushgateway API succeeded.");
  }

  static GaugeSnapshot.Builder pushFailureTimeBuilder() {
    return GaugeSnapshot.builder()
        .name(PUSH_FAILURE_TIME)
        .help("Last Unix time when changing this group in the Pushgateway API failed.");
  }

  /** Families named {@code __...} are the pipeline model's own bookkeeping, never exposed. */
  public static boolean isInternal(String familyName) {
    return familyName.startsWith("__");
  }

  /** Pushgateway gives every pushed series an {@code instance} label, empty when not in the key. */
  public static LabelSet withInstance(LabelSet labels) {
    if (labels.get("instance") != null) {
      return labels;
    }
    return labels.overriddenBy(LabelSet.of("instance", ""));
  }

  static Labels labels(LabelSet l) {
    String[] names = new String[l.size()];
    String[] values = new String[l.size()];
    for (int i = 0; i < l.size(); i++) {
      names[i] = l.name(i);
      values[i] = l.value(i);
    }
    return Labels.of(names, values);
  }

  /**
   * One exposed family made of the families of that name in {@code families}' order (the first HELP
   * given wins).
   *
   * @throws IllegalArgumentException when client_java refuses it
   */
  static MetricSnapshot snapshot(String name, List<Family> families) {
    Family first = families.get(0);
    String help = null;
    // Pushgateway exposes no HELP when none was pushed; a placeholder keeps promtool's lint clean.
    Map<LabelSet, Series> series = new LinkedHashMap<>();
    for (Family f : families) {
      if (help == null) {
        help = f.help();
      }
      series.putAll(f.series());
    }
    if (help == null) {
      help = "Pushed to mlpipe without HELP text.";
    }
    switch (first.type()) {
      case COUNTER:
        if (name.endsWith("_total")) {
          CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
          for (Series s : series.values()) {
            b.dataPoint(
                CounterSnapshot.CounterDataPointSnapshot.builder()
                    .labels(labels(s.labels()))
                    .value(((Series.Value) s).value())
                    .build());
          }
          return b.build();
        }
        return unknown(name, help, series);
      case GAUGE:
        {
          GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
          for (Series s : series.values()) {
            b.dataPoint(
                GaugeSnapshot.GaugeDataPointSnapshot.builder()
                    .labels(labels(s.labels()))
                    .value(((Series.Value) s).value())
                    .build());
          }
          return b.build();
        }
      case HISTOGRAM:
        {
          HistogramSnapshot.Builder b = HistogramSnapshot.builder().name(name).help(help);
          for (Series s : series.values()) {
            Series.Histogram h = (Series.Histogram) s;
            long[] counts = new long[h.upperBounds().length];
            double previous = 0;
            for (int i = 0; i < counts.length; i++) {
              counts[i] = Math.round(h.cumulativeCounts()[i] - previous);
              previous = h.cumulativeCounts()[i];
            }
            b.dataPoint(
                HistogramSnapshot.HistogramDataPointSnapshot.builder()
                    .labels(labels(h.labels()))
                    .classicHistogramBuckets(ClassicHistogramBuckets.of(h.upperBounds(), counts))
                    .sum(h.sum())
                    .build());
          }
          return b.build();
        }
      case SUMMARY:
        {
          SummarySnapshot.Builder b = SummarySnapshot.builder().name(name).help(help);
          for (Series s : series.values()) {
            Series.Summary sm = (Series.Summary) s;
            List<Quantile> qs = new ArrayList<>();
            for (int i = 0; i < sm.quantiles().length; i++) {
              qs.add(new Quantile(sm.quantiles()[i], sm.values()[i]));
            }
            b.dataPoint(
                SummarySnapshot.SummaryDataPointSnapshot.builder()
                    .labels(labels(sm.labels()))
                    .quantiles(Quantiles.of(qs))
                    .count((long) sm.count())
                    .sum(sm.sum())
                    .build());
          }
          return b.build();
        }
      default:
        return unknown(name, help, series);
    }
  }

  private static MetricSnapshot unknown(String name, String help, Map<LabelSet, Series> series) {
    UnknownSnapshot.Builder b = UnknownSnapshot.builder().name(name).help(help);
    for (Series s : series.values()) {
      b.dataPoint(
          UnknownSnapshot.UnknownDataPointSnapshot.builder()
              .labels(labels(s.labels()))
              .value(((Series.Value) s).value())
              .build());
    }
    return b.build();
  }
}
