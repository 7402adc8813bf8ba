package io.mlpipe.store;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An immutable set of label pairs sorted by name; the identity of a series within a family and of a
 * group within the store. Compact on purpose: the array of names is shared by every set with the
 * same names (the series of one family mostly), and each set holds only its array of values.
 */
public final class LabelSet implements Comparable<LabelSet> {

  public static final LabelSet EMPTY = new LabelSet(new String[0], new String[0]);

  private final String[] names; // sorted; shared, never written
  private final String[] values; // values[i] belongs to names[i]
  private final int hash;

  private LabelSet(String[] names, String[] values) {
    this.names = names;
    this.values = values;
    // As Arrays.hashCode of the interleaved pairs, which this class held before: iteration orders
    // of hash maps keyed by label sets stay what they were.
    int h = 1;
    for (int i = 0; i < names.length; i++) {
      h = 31 * h + names[i].hashCode();
      h = 31 * h + values[i].hashCode();
    }
    this.hash = h;
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
    String[] names = new String[sorted.length];
    String[] values = new String[sorted.length];
    for (int i = 0; i < sorted.length; i++) {
      names[i] = canonical(sorted[i].getKey());
      values[i] = canonical(sorted[i].getValue());
    }
    return new LabelSet(canonicalNames(names), values);
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

  /** Recently seen arrays of label names, the same kind of cache (arrays are never written). */
  private static final String[][] RECENT_NAMES = new String[1 << 12][];

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

  private static String[] canonicalNames(String[] names) {
    int h = Arrays.hashCode(names);
    int slot = (h ^ (h >>> 12)) & (RECENT_NAMES.length - 1);
    String[] seen = RECENT_NAMES[slot];
    if (seen != null && Arrays.equals(seen, names)) {
      return seen;
    }
    RECENT_NAMES[slot] = names;
    return names;
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
    return names.length;
  }

  public String name(int i) {
    return names[i];
  }

  public String value(int i) {
    return values[i];
  }

  /** The value of {@code name}, or null. */
  public String get(String name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return values[i];
      }
    }
    return null;
  }

  /** This set with {@code other}'s labels added; where both have a name, {@code other} wins. */
  public LabelSet overriddenBy(LabelSet other) {
    if (other.names.length == 0) {
      return this;
    }
    if (names.length == 0) {
      return other;
    }
    // Both are sorted by name: one merge, no maps (this runs for every pushed series).
    String[] outNames = new String[names.length + other.names.length];
    String[] outValues = new String[outNames.length];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < names.length || j < other.names.length) {
      int c =
          i == names.length ? 1 : j == other.names.length ? -1 : names[i].compareTo(other.names[j]);
      if (c < 0) {
        outNames[k] = names[i];
        outValues[k++] = values[i++];
      } else {
        outNames[k] = other.names[j];
        outValues[k++] = other.values[j++];
        if (c == 0) {
          i++;
        }
      }
    }
    if (k < outNames.length) {
      outNames = Arrays.copyOf(outNames, k);
      outValues = Arrays.copyOf(outValues, k);
    }
    return new LabelSet(canonicalNames(outNames), outValues);
  }

  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      m.put(names[i], values[i]);
    }
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelSet l
        && hash == l.hash
        && (names == l.names || Arrays.equals(names, l.names))
        && Arrays.equals(values, l.values);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  /** As the interleaved pairs compared element by element: name, value, next name, ... */
  @Override
  public int compareTo(LabelSet o) {
    int n = Math.min(names.length, o.names.length);
    for (int i = 0; i < n; i++) {
      int c = names[i].compareTo(o.names[i]);
      if (c != 0) {
        return c;
      }
      c = values[i].compareTo(o.values[i]);
      if (c != 0) {
        return c;
      }
    }
    return 2 * (names.length - o.names.length);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < names.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(names[i]).append("=\"").append(values[i].replace("\"", "\\\"")).append('"');
    }
    return sb.append('}').toString();
  }
}
