package io.mlpipe.pipeline;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Immutable copies for the status records; null stays null (a field left out of the JSON). */
final class Views {

  private Views() {}

  static <V> SortedMap<String, V> sorted(Map<String, V> m) {
    return m == null ? null : Collections.unmodifiableSortedMap(new TreeMap<>(m));
  }

  static <V> List<V> list(List<V> l) {
    return l == null ? null : List.copyOf(l);
  }
}
