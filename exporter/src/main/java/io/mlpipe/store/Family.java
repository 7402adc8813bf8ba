package io.mlpipe.store;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A metric family within one group: name, type, help and its series by labels. Immutable.
 *
 * @param help may be null (none given)
 */
public record Family(String name, MetricType type, String help, Map<LabelSet, Series> series) {

  /**
   * @throws IllegalArgumentException when a key of {@code series} is not its series' labels
   */
  public Family {
    series = SeriesMap.of(series);
  }

  public int seriesCount() {
    return series.size();
  }

  /** A copy with {@code s} added or replacing the series with the same labels. */
  public Family with(Series s) {
    Map<LabelSet, Series> m = new LinkedHashMap<>(series);
    m.put(s.labels(), s);
    return new Family(name, type, help, m);
  }

  /** A copy without the series of {@code labels}. */
  public Family without(LabelSet labels) {
    Map<LabelSet, Series> m = new LinkedHashMap<>(series);
    m.remove(labels);
    return new Family(name, type, help, m);
  }
}
