package io.mlpipe.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exact counter increases over a window, computed here from the samples rather than with PromQL's
 * {@code increase()}, which extrapolates to the window's edges (2.6 runs where 3 ran) and misses
 * the first increment of a series that appears inside the window.
 *
 * <p>Each series is read once per step as its last sample in that step ({@code
 * last_over_time(x[step])}), so every scraped sample is seen; the increase is the sum of rises, a
 * fall being a counter reset (the new value is then all increase). A series with no sample in the 5
 * minutes before the window started counts from 0: it was created inside the window.
 */
final class Counters {

  private final PrometheusApi api;
  private final Span span;

  Counters(PrometheusApi api, Span span) {
    this.api = api;
    this.span = span;
  }

  /** Label values of {@code by}, in order: the key of one aggregated increase. */
  record Key(List<String> values) {
    String get(int i) {
      return values.get(i);
    }
  }

  /**
   * Increase of {@code selector} (e.g. {@code mlpipe_stage_runs_total{pipeline="a"}}) by labels.
   */
  Map<Key, Double> increase(String selector, List<String> by) throws PrometheusException {
    double step = span.step();
    List<Series> series =
        api.range(
            "last_over_time(" + selector + "[" + span.stepRange() + "])",
            span.since(),
            span.until(),
            step);
    Map<Map<String, String>, Double> baseline = new HashMap<>();
    for (Sample s : api.instant("last_over_time(" + selector + "[5m])", span.since())) {
      baseline.put(withoutName(s.labels()), s.value());
    }
    Map<Key, Double> out = new LinkedHashMap<>();
    for (Series s : series) {
      Map<String, String> labels = withoutName(s.labels());
      double prev = baseline.getOrDefault(labels, 0.0);
      boolean first = true;
      double sum = 0;
      for (Series.Point p : s.points()) {
        if (first && p.time() <= span.since() + 1e-6 && baseline.containsKey(labels)) {
          // The point at the window's start is the baseline itself.
          prev = p.value();
          first = false;
          continue;
        }
        first = false;
        sum += p.value() >= prev ? p.value() - prev : p.value();
        prev = p.value();
      }
      List<String> key = new ArrayList<>();
      for (String l : by) {
        key.add(labels.getOrDefault(l, ""));
      }
      out.merge(new Key(key), sum, Double::sum);
    }
    return out;
  }

  private static Map<String, String> withoutName(Map<String, String> labels) {
    Map<String, String> m = new HashMap<>(labels);
    m.remove("__name__");
    return m;
  }
}
