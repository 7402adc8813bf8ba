package io.mlpipe.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The groups in memory, plus the indexes that writes are checked against (metric types across
 * groups, series counts). Readers take a consistent copy of the group list under a read lock; only
 * the store's single writer thread changes anything, through a {@link Staging}, so a batch becomes
 * visible all at once and only after it is durable.
 */
final class StoreState {

  private final Map<GroupKey, Group> groups = new HashMap<>();
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

  // Writer-thread only.
  private final Map<String, EnumMap<MetricType, Integer>> typeIndex = new HashMap<>();
  private final Map<String, Long> seriesBySource = new HashMap<>();
  private final Map<String, Long> groupsBySource = new HashMap<>();

  /** How many groups hold each series count, so the largest group is known without a scan. */
  private final TreeMap<Integer, Integer> groupSizes = new TreeMap<>();

  private long seriesTotal;

  /** Every group, as one consistent view. */
  List<Group> groups() {
    lock.readLock().lock();
    try {
      return new ArrayList<>(groups.values());
    } finally {
      lock.readLock().unlock();
    }
  }

  Group get(GroupKey key) {
    lock.readLock().lock();
    try {
      return groups.get(key);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Series count per source, for {@code mlpipe_exporter_series{source}} (writer's view). */
  synchronized Map<String, Long> seriesBySource() {
    return new HashMap<>(seriesBySource);
  }

  /** Group count per source, for {@code mlpipe_exporter_groups{source}} (writer's view). */
  synchronized Map<String, Long> groupsBySource() {
    return new HashMap<>(groupsBySource);
  }

  /** Series in the largest group, 0 when there is none (against max_series_per_group). */
  synchronized int largestGroupSeries() {
    return groupSizes.isEmpty() ? 0 : groupSizes.lastKey();
  }

  Staging stage() {
    return new Staging();
  }

  private synchronized void account(Group before, Group after) {
    if (before != null) {
      count(before, -1);
    }
    if (after != null) {
      count(after, +1);
    }
  }

  private void count(Group g, int sign) {
    long n = g.seriesCount();
    seriesTotal += sign * n;
    seriesBySource.merge(g.key().source(), sign * n, Long::sum);
    groupsBySource.merge(g.key().source(), (long) sign, Long::sum);
    groupSizes.merge((int) n, sign, (a, b) -> a + b == 0 ? null : a + b);
    for (Family f : g.families().values()) {
      typeIndex
          .computeIfAbsent(f.name(), k -> new EnumMap<>(MetricType.class))
          .merge(f.type(), sign, Integer::sum);
    }
  }

  /**
   * Changes applied on top of the published state, with an undo log, so a request over a limit or a
   * batch whose WAL write failed can be taken back without a trace.
   */
  final class Staging {
    private record Change(
        GroupKey key, Group before, Group after, boolean hadOverlay, Group overlayBefore) {}

    private final Map<GroupKey, Group> overlay = new LinkedHashMap<>(); // null value = deleted
    private final Deque<Change> undo = new ArrayDeque<>();

    Group get(GroupKey key) {
      if (overlay.containsKey(key)) {
        return overlay.get(key);
      }
      return groups.get(key); // the writer is the only mutator: no lock needed to read
    }

    /** Keys of every group of {@code source} as staged. */
    List<GroupKey> keys(String source) {
      Map<GroupKey, Boolean> keys = new LinkedHashMap<>();
      groups.keySet().forEach(k -> keys.put(k, true));
      overlay.forEach((k, g) -> keys.put(k, g != null));
      List<GroupKey> out = new ArrayList<>();
      keys.forEach(
          (k, present) -> {
            if (present && k.source().equals(source)) {
              out.add(k);
            }
          });
      return out;
    }

    void put(GroupKey key, Group before, Group after) {
      boolean had = overlay.containsKey(key);
      undo.push(new Change(key, before, after, had, overlay.get(key)));
      overlay.put(key, after);
      account(before, after);
    }

    /** The type other groups give {@code name}, ignoring {@code self}'s own family; or null. */
    MetricType typeElsewhere(String name, Group self) {
      EnumMap<MetricType, Integer> types;
      synchronized (StoreState.this) {
        types = typeIndex.get(name);
        if (types == null) {
          return null;
        }
        types = new EnumMap<>(types);
      }
      if (self != null && self.families().containsKey(name)) {
        types.merge(self.families().get(name).type(), -1, Integer::sum);
      }
      for (Map.Entry<MetricType, Integer> e : types.entrySet()) {
        if (e.getValue() > 0) {
          return e.getKey();
        }
      }
      return null;
    }

    synchronized long seriesTotal() {
      synchronized (StoreState.this) {
        return seriesTotal;
      }
    }

    int mark() {
      return undo.size();
    }

    void rollbackTo(int mark) {
      while (undo.size() > mark) {
        Change c = undo.pop();
        if (c.hadOverlay()) {
          overlay.put(c.key(), c.overlayBefore());
        } else {
          overlay.remove(c.key());
        }
        account(c.after(), c.before());
      }
    }

    /** Makes every staged change visible at once. */
    void publish() {
      lock.writeLock().lock();
      try {
        overlay.forEach(
            (k, g) -> {
              if (g == null) {
                groups.remove(k);
              } else {
                groups.put(k, g);
              }
            });
      } finally {
        lock.writeLock().unlock();
      }
      overlay.clear();
      undo.clear();
    }
  }

  /** Loads recovered groups (snapshot) before the writer starts. */
  void load(List<Group> recovered) {
    Staging s = stage();
    for (Group g : recovered) {
      s.put(g.key(), s.get(g.key()), g);
    }
    s.publish();
  }

  static double[] copy(double[] a) {
    return Arrays.copyOf(a, a.length);
  }
}
