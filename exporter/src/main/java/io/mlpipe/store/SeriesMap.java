package io.mlpipe.store;

import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * A family's series by their labels, immutable and compact: the series in insertion order in one
 * array, found by an open-addressing table of indexes. A {@code LinkedHashMap} cost ~48 bytes per
 * entry on top of the series; this costs ~12, which is most of what a stored series weighs besides
 * its labels. A family of plain values (counters, gauges: nearly every pushed series) keeps labels
 * and values in two arrays and makes the {@link Series.Value} when asked, 16 bytes less per series.
 * Each key is its series' own {@link Series#labels()}.
 */
final class SeriesMap extends AbstractMap<LabelSet, Series> {

  static final SeriesMap EMPTY = new SeriesMap(new Series[0], null, null);

  /** Up to this many series a lookup scans the array; above it the index is built. */
  private static final int SCAN_UP_TO = 8;

  private final Series[] series; // null when the family holds plain values only
  private final LabelSet[] labels; // with values: the plain values' labels, else null
  private final double[] values;
  private final int size;
  private final int[] index; // slot -> position + 1, 0 = empty; null when scanning

  private SeriesMap(Series[] series, LabelSet[] labels, double[] values) {
    this.series = series;
    this.labels = labels;
    this.values = values;
    this.size = series != null ? series.length : labels.length;
    this.index = size > SCAN_UP_TO ? buildIndex() : null;
  }

  private LabelSet labelsAt(int i) {
    return series != null ? series[i].labels() : labels[i];
  }

  private Series seriesAt(int i) {
    return series != null ? series[i] : new Series.Value(labels[i], values[i]);
  }

  /**
   * The map of {@code m}'s series in its iteration order (no copy when it already is one).
   *
   * @throws IllegalArgumentException when a key is not its series' labels
   */
  static SeriesMap of(Map<LabelSet, Series> m) {
    if (m instanceof SeriesMap s) {
      return s;
    }
    if (m.isEmpty()) {
      return EMPTY;
    }
    Series[] a = new Series[m.size()];
    boolean plain = true;
    int i = 0;
    for (Map.Entry<LabelSet, Series> e : m.entrySet()) {
      if (!e.getKey().equals(e.getValue().labels())) {
        throw new IllegalArgumentException(
            "series stored under " + e.getKey() + " has the labels " + e.getValue().labels());
      }
      plain &= e.getValue() instanceof Series.Value;
      a[i++] = e.getValue();
    }
    if (!plain) {
      return new SeriesMap(a, null, null);
    }
    LabelSet[] labels = new LabelSet[a.length];
    double[] values = new double[a.length];
    for (int k = 0; k < a.length; k++) {
      Series.Value v = (Series.Value) a[k];
      labels[k] = v.labels();
      values[k] = v.value();
    }
    return new SeriesMap(null, labels, values);
  }

  private int[] buildIndex() {
    int[] index = new int[Integer.highestOneBit(size * 2 - 1) << 1];
    int mask = index.length - 1;
    for (int i = 0; i < size; i++) {
      int slot = spread(labelsAt(i).hashCode()) & mask;
      while (index[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      index[slot] = i + 1;
    }
    return index;
  }

  private static int spread(int h) {
    return h ^ (h >>> 16);
  }

  private int position(Object key) {
    if (!(key instanceof LabelSet l)) {
      return -1;
    }
    if (index == null) {
      for (int i = 0; i < size; i++) {
        if (labelsAt(i).equals(l)) {
          return i;
        }
      }
      return -1;
    }
    int mask = index.length - 1;
    for (int slot = spread(l.hashCode()) & mask; index[slot] != 0; slot = (slot + 1) & mask) {
      int i = index[slot] - 1;
      if (labelsAt(i).equals(l)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public Series get(Object key) {
    int i = position(key);
    return i < 0 ? null : seriesAt(i);
  }

  @Override
  public boolean containsKey(Object key) {
    return position(key) >= 0;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean isEmpty() {
    return size == 0;
  }

  @Override
  public Collection<Series> values() {
    return byIndex(this::seriesAt);
  }

  @Override
  public Set<LabelSet> keySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<LabelSet> iterator() {
        return byIndex(SeriesMap.this::labelsAt).iterator();
      }

      @Override
      public boolean contains(Object o) {
        return containsKey(o);
      }

      @Override
      public int size() {
        return size;
      }
    };
  }

  @Override
  public Set<Map.Entry<LabelSet, Series>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<LabelSet, Series>> iterator() {
        return byIndex(SeriesMap.this::entryAt).iterator();
      }

      @Override
      public int size() {
        return size;
      }
    };
  }

  private Map.Entry<LabelSet, Series> entryAt(int i) {
    Series s = seriesAt(i);
    return new AbstractMap.SimpleImmutableEntry<>(s.labels(), s);
  }

  /** The series' positions 0..size-1 as {@code at} reads them: one read-only view for all three. */
  private <T> List<T> byIndex(IntFunction<T> at) {
    return new AbstractList<>() {
      @Override
      public T get(int i) {
        return at.apply(Objects.checkIndex(i, size));
      }

      @Override
      public int size() {
        return size;
      }
    };
  }
}
