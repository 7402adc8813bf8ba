package io.mlpipe.store;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An immutable set of label pairs sorted by name; the identity of a series within a family and of a
 * group within the store. Compact on purpose: one array of interleaved names and values.
 */
public final class LabelSet implements Comparable<LabelSet> {

  public static final LabelSet EMPTY = new LabelSet(new String[0]);

  private final String[] pairs; // name0, value0, name1, value1, ... sorted by name
  private final int hash;

  private LabelSet(String[] pairs) {
    this.pairs = pairs;
    this.hash = Arrays.hashCode(pairs);
  }

  /** From a map; names must be distinct (a map guarantees it). */
  public static LabelSet of(Map<String, String> labels) {
    if (labels.isEmpty()) {
      return EMPTY;
    }
    // Sorted as a small array rather than through a TreeMap: this runs for every pushed series.
    @SuppressWarnings("unchecked")
    Map.Entry<String, String>[] sorted = labels.entrySet().toArray(new Map.Entry[0]);
    Arrays.sort(sorted, Map.Entry.comparingByKey());
    String[] pairs = new String[sorted.length * 2];
    int i = 0;
    for (Map.Entry<String, String> e : sorted) {
      pairs[i++] = canonical(e.getKey());
      pairs[i++] = canonical(e.getValue());
    }
    return new LabelSet(pairs);
  }

  /**
   * Recently seen short strings, by hash: a lossy, bounded cache (a slot keeps the last string that
   * hashed to it). Label values repeat across the series of a family and across groups ({@code
   * stage="train"} in every series, the same series pushed by every instance); sharing one String
   * saved ~48 bytes per repeated value and per stored series. Racy on purpose: a String is safely
   * published by its final fields, and a lost update only costs a duplicate.
   */
  private static final String[] RECENT = new String[1 << 14];

  private static final int MAX_CANONICAL_LENGTH = 64;

  static String canonical(String s) {
    if (s.length() > MAX_CANONICAL_LENGTH) {
      return s;
    }
    int h = s.hashCode();
    int slot = (h ^ (h >>> 14)) & (RECENT.length - 1);
    String seen = RECENT[slot];
    if (seen != null && seen.equals(s)) {
      return seen;
    }
    RECENT[slot] = s;
    return s;
  }

  /** From alternating names and values, e.g. {@code of("job", "train", "instance", "")}. */
  public static LabelSet of(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("names and values must come in pairs");
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      if (m.put(namesAndValues[i], namesAndValues[i + 1]) != null) {
        throw new IllegalArgumentException("duplicate label name " + namesAndValues[i]);
      }
    }
    return of(m);
  }

  public int size() {
    return pairs.length / 2;
  }

  public String name(int i) {
    return pairs[2 * i];
  }

  public String value(int i) {
    return pairs[2 * i + 1];
  }

  /** The value of {@code name}, or null. */
  public String get(String name) {
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i].equals(name)) {
        return pairs[i + 1];
      }
    }
    return null;
  }

  /** This set with {@code other}'s labels added; where both have a name, {@code other} wins. */
  public LabelSet overriddenBy(LabelSet other) {
    if (other.pairs.length == 0) {
      return this;
    }
    if (pairs.length == 0) {
      return other;
    }
    // Both are sorted by name: one merge, no maps (this runs for every pushed series).
    String[] a = pairs;
    String[] b = other.pairs;
    String[] out = new String[a.length + b.length];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < a.length || j < b.length) {
      int c = i == a.length ? 1 : j == b.length ? -1 : a[i].compareTo(b[j]);
      if (c < 0) {
        out[k++] = a[i];
        out[k++] = a[i + 1];
        i += 2;
      } else {
        out[k++] = b[j];
        out[k++] = b[j + 1];
        j += 2;
        if (c == 0) {
          i += 2;
        }
      }
    }
    return new LabelSet(k == out.length ? out : Arrays.copyOf(out, k));
  }

  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelSet l && hash == l.hash && Arrays.equals(pairs, l.pairs);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public int compareTo(LabelSet o) {
    return Arrays.compare(pairs, o.pairs);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < pairs.length; i += 2) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(pairs[i]).append("=\"").append(pairs[i + 1].replace("\"", "\\\"")).append('"');
    }
    return sb.append('}').toString();
  }
}
