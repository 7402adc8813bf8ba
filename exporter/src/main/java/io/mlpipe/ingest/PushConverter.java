package io.mlpipe.ingest;

import io.mlpipe.config.LimitsConfig;
import io.mlpipe.store.Family;
import io.mlpipe.store.LabelSet;
import io.mlpipe.store.MetricType;
import io.mlpipe.store.Series;
import io.mlpipe.store.StoreCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns parsed push families into store families: applies the grouping key (it wins over body
 * labels, as in Pushgateway), adds the empty {@code instance}, assembles histograms and summaries,
 * and refuses duplicates, reserved names and anything over the label limits.
 */
public final class PushConverter {

  private static final Set<String> RESERVED =
      Set.of("push_time_seconds", "push_failure_time_seconds");

  private PushConverter() {}

  public static List<Family> convert(
      List<ParsedFamily> parsed, LabelSet groupingKey, LimitsConfig limits)
      throws BadRequestException {
    List<Family> out = new ArrayList<>();
    int seriesCount = 0;
    for (ParsedFamily pf : parsed) {
      if (pf.samples().isEmpty()) {
        continue; // HELP/TYPE without samples: nothing to store, as Pushgateway
      }
      if (RESERVED.contains(pf.name())) {
        throw new BadRequestException(
            "metric name \"" + pf.name() + "\" is reserved: the agent sets it for every group");
      }
      checkLength("metric name", pf.name(), limits.maxLabelNameLength() * 2);
      Family f =
          switch (pf.type()) {
            case HISTOGRAM -> histogram(pf, groupingKey, limits);
            case SUMMARY -> summary(pf, groupingKey, limits);
            default -> plain(pf, groupingKey, limits);
          };
      seriesCount += f.seriesCount();
      if (seriesCount > limits.maxSeriesPerGroup()) {
        throw new BadRequestException(
            413,
            "max_series_per_group",
            "push holds more than max_series_per_group=" + limits.maxSeriesPerGroup() + " series");
      }
      out.add(f);
    }
    return out;
  }

  private static LabelSet labels(
      Map<String, String> sampleLabels, LabelSet groupingKey, LimitsConfig limits, String metric)
      throws BadRequestException {
    LabelSet l = StoreCollector.withInstance(LabelSet.of(sampleLabels).overriddenBy(groupingKey));
    if (l.size() > limits.maxLabelsPerSeries()) {
      throw new BadRequestException(
          413,
          "max_labels_per_series",
          "metric \""
              + metric
              + "\" has "
              + l.size()
              + " labels, over max_labels_per_series="
              + limits.maxLabelsPerSeries());
    }
    for (int i = 0; i < l.size(); i++) {
      checkLength("label name", l.name(i), limits.maxLabelNameLength());
      if (l.value(i).length() > limits.maxLabelValueLength()) {
        throw new BadRequestException(
            413,
            "max_label_value_length",
            "metric \""
                + metric
                + "\" label \""
                + l.name(i)
                + "\" value is "
                + l.value(i).length()
                + " characters, over max_label_value_length="
                + limits.maxLabelValueLength());
      }
    }
    return l;
  }

  private static void checkLength(String what, String s, int max) throws BadRequestException {
    if (s.length() > max) {
      throw new BadRequestException(
          413,
          "max_label_name_length",
          what
              + " \""
              + s.substring(0, Math.min(40, s.length()))
              + "...\" is "
              + s.length()
              + " characters, over the limit of "
              + max);
    }
  }

  private static BadRequestException duplicate(String name, LabelSet labels) {
    return new BadRequestException(
        "collected metric \""
            + name
            + "\" "
            + labels
            + " was collected before with the same name and label values");
  }

  private static Family plain(ParsedFamily pf, LabelSet key, LimitsConfig limits)
      throws BadRequestException {
    Map<LabelSet, Series> series = new LinkedHashMap<>();
    for (ParsedFamily.Sample s : pf.samples()) {
      if (!s.name().equals(pf.name())) {
        throw new BadRequestException(
            "sample \""
                + s.name()
                + "\" does not belong to "
                + pf.type()
                + " metric \""
                + pf.name()
                + "\"");
      }
      LabelSet l = labels(s.labels(), key, limits, pf.name());
      if (pf.type() == MetricType.COUNTER && s.value() < 0) {
        // Pushgateway stores it, but no scraper can take a negative counter.
        throw new BadRequestException(
            "counter \"" + pf.name() + "\" " + l + " has a negative value " + s.value());
      }
      if (series.put(l, new Series.Value(l, s.value())) != null) {
        throw duplicate(pf.name(), l);
      }
    }
    return new Family(pf.name(), pf.type(), pf.help(), series);
  }

  /** Accumulates one histogram or summary series from its lines. */
  private static final class Parts {
    final TreeMap<Double, Double> points = new TreeMap<>();
    Double sum;
    Double count;
  }

  private static Map<LabelSet, Parts> collect(
      ParsedFamily pf, LabelSet key, LimitsConfig limits, String pointLabel)
      throws BadRequestException {
    Map<LabelSet, Parts> parts = new LinkedHashMap<>();
    for (ParsedFamily.Sample s : pf.samples()) {
      Map<String, String> labels = new LinkedHashMap<>(s.labels());
      String suffix = s.name().substring(pf.name().length());
      boolean point = suffix.equals(pointLabel.equals("le") ? "_bucket" : "");
      String pointValue = point ? labels.remove(pointLabel) : null;
      if (point && pointValue == null) {
        throw new BadRequestException(
            "sample \""
                + s.name()
                + "\" of "
                + pf.type()
                + " \""
                + pf.name()
                + "\" lacks the \""
                + pointLabel
                + "\" label");
      }
      LabelSet l = labels(labels, key, limits, pf.name());
      Parts p = parts.computeIfAbsent(l, k -> new Parts());
      switch (suffix) {
        case "_sum" -> {
          if (p.sum != null) {
            throw duplicate(s.name(), l);
          }
          p.sum = s.value();
        }
        case "_count" -> {
          if (p.count != null) {
            throw duplicate(s.name(), l);
          }
          p.count = s.value();
        }
        default -> {
          if (!point) {
            throw new BadRequestException(
                "sample \""
                    + s.name()
                    + "\" does not belong to "
                    + pf.type()
                    + " \""
                    + pf.name()
                    + "\"");
          }
          double bound = parseBound(pointValue, pointLabel, pf.name());
          if (p.points.put(bound, s.value()) != null) {
            throw duplicate(s.name(), l.overriddenBy(LabelSet.of(pointLabel, pointValue)));
          }
        }
      }
    }
    return parts;
  }

  private static double parseBound(String v, String label, String metric)
      throws BadRequestException {
    if (v.equals("+Inf") || v.equals("Inf")) {
      return Double.POSITIVE_INFINITY;
    }
    try {
      double d = Double.parseDouble(v);
      if (Double.isNaN(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new BadRequestException(
          "metric \"" + metric + "\": label " + label + "=\"" + v + "\" is not a number");
    }
  }

  private static Family histogram(ParsedFamily pf, LabelSet key, LimitsConfig limits)
      throws BadRequestException {
    Map<LabelSet, Series> series = new LinkedHashMap<>();
    for (Map.Entry<LabelSet, Parts> e : collect(pf, key, limits, "le").entrySet()) {
      Parts p = e.getValue();
      if (!p.points.containsKey(Double.POSITIVE_INFINITY)) {
        if (p.count == null) {
          throw new BadRequestException(
              "histogram \""
                  + pf.name()
                  + "\" "
                  + e.getKey()
                  + " has neither a +Inf bucket nor a _count");
        }
        p.points.put(Double.POSITIVE_INFINITY, p.count);
      }
      double[] bounds = p.points.keySet().stream().mapToDouble(Double::doubleValue).toArray();
      double[] counts = p.points.values().stream().mapToDouble(Double::doubleValue).toArray();
      for (int i = 0; i < counts.length; i++) {
        checkCount("histogram", pf.name(), e.getKey(), "bucket le=" + bounds[i], counts[i]);
      }
      if (p.count != null) {
        checkCount("histogram", pf.name(), e.getKey(), "_count", p.count);
      }
      for (int i = 1; i < counts.length; i++) {
        if (counts[i] < counts[i - 1]) {
          throw new BadRequestException(
              "histogram \""
                  + pf.name()
                  + "\" "
                  + e.getKey()
                  + ": bucket counts must not decrease (le="
                  + bounds[i]
                  + " has "
                  + counts[i]
                  + " < "
                  + counts[i - 1]
                  + ")");
        }
      }
      double count = p.count != null ? p.count : counts[counts.length - 1];
      series.put(
          e.getKey(),
          new Series.Histogram(e.getKey(), bounds, counts, p.sum == null ? 0 : p.sum, count));
    }
    return new Family(pf.name(), MetricType.HISTOGRAM, pf.help(), series);
  }

  private static Family summary(ParsedFamily pf, LabelSet key, LimitsConfig limits)
      throws BadRequestException {
    Map<LabelSet, Series> series = new LinkedHashMap<>();
    for (Map.Entry<LabelSet, Parts> e : collect(pf, key, limits, "quantile").entrySet()) {
      Parts p = e.getValue();
      double[] qs = p.points.keySet().stream().mapToDouble(Double::doubleValue).toArray();
      double[] vs = p.points.values().stream().mapToDouble(Double::doubleValue).toArray();
      for (double q : qs) {
        if (q < 0 || q > 1) {
          throw new BadRequestException(
              "summary \"" + pf.name() + "\": quantile " + q + " is outside 0..1");
        }
      }
      if (p.count != null) {
        checkCount("summary", pf.name(), e.getKey(), "_count", p.count);
      }
      series.put(
          e.getKey(),
          new Series.Summary(
              e.getKey(), qs, vs, p.sum == null ? 0 : p.sum, p.count == null ? 0 : p.count));
    }
    return new Family(pf.name(), MetricType.SUMMARY, pf.help(), series);
  }

  /** Observation counts are exposed as integers: NaN, infinite or negative ones cannot be. */
  private static void checkCount(String type, String name, LabelSet labels, String what, double v)
      throws BadRequestException {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new BadRequestException(
          type
              + " \""
              + name
              + "\" "
              + labels
              + ": "
              + what
              + " is "
              + v
              + "; counts must be finite and not negative");
    }
  }

  static double[] copy(double[] a) {
    return Arrays.copyOf(a, a.length);
  }
}
