package io.mlpipe.collector;

import java.util.Arrays;

/**
 * What a collector derived from the first token of a line (a family, or "skip"), remembered by line
 * position. /proc/vmstat, /proc/meminfo and /proc/net/snmp6 list the same names in the same order
 * on every read, so a line is recognised by comparing its token in place with the one seen at that
 * position last time, without a substring, a split or a hash lookup per line (those were most of
 * these collectors' time in JFR). A different token at a position (a kernel that adds a field after
 * an upgrade, another fixture) is only a miss: the caller derives it again and {@link #put}s it.
 * Safe under concurrent scrapes: entries are immutable, and a lost update is a miss next time.
 */
final class LineTokens<T> {

  private record Entry<T>(String token, T value) {}

  // A kernel has a few hundred such lines; more are not remembered.
  private static final int MAX_LINES = 4096;

  private volatile Object[] entries = new Object[0];

  /** The value for the token {@code text[start, end)} on line {@code line}, or null. */
  @SuppressWarnings("unchecked")
  T get(int line, String text, int start, int end) {
    Object[] a = entries;
    if (line < a.length && a[line] instanceof Entry<?> e) {
      int len = end - start;
      if (e.token.length() == len && text.regionMatches(start, e.token, 0, len)) {
        return (T) e.value;
      }
    }
    return null;
  }

  void put(int line, String token, T value) {
    if (line >= MAX_LINES) {
      return;
    }
    Object[] a = entries;
    if (line >= a.length) {
      a = Arrays.copyOf(a, Math.max(line + 1, a.length * 2));
      entries = a;
    }
    a[line] = new Entry<>(token, value);
  }
}
