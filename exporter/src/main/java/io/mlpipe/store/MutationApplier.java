package io.mlpipe.store;

import io.mlpipe.config.LimitsConfig;
import io.mlpipe.store.Mutation.Op;
import io.mlpipe.store.WriteRejectedException.Kind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates mutations against staged state, checking type consistency across groups (as Pushgateway
 * does) and the series limits. Deterministic, so WAL replay reproduces the state.
 */
final class MutationApplier {

  private final LimitsConfig limits;

  MutationApplier(LimitsConfig limits) {
    this.limits = limits;
  }

  /**
   * Applies {@code m}; returns true when it removed an expired group.
   *
   * @throws WriteRejectedException when it conflicts or is over a limit (nothing staged then)
   */
  boolean apply(StoreState.Staging s, Mutation m) throws WriteRejectedException {
    if (m instanceof Mutation.Replace r) {
      Group old = s.get(r.key());
      Map<String, Family> families = new LinkedHashMap<>();
      r.families().forEach(f -> families.put(f.name(), f));
      store(s, r.key(), old, families, r.timeMillis(), r.ttlMillis());
    } else if (m instanceof Mutation.Merge r) {
      Group old = s.get(r.key());
      Map<String, Family> families = new LinkedHashMap<>(old == null ? Map.of() : old.families());
      r.families().forEach(f -> families.put(f.name(), f));
      store(s, r.key(), old, families, r.timeMillis(), r.ttlMillis());
    } else if (m instanceof Mutation.Update u) {
      Group old = s.get(u.key());
      Map<String, Family> families = new LinkedHashMap<>(old == null ? Map.of() : old.families());
      for (Op op : u.ops()) {
        applyOp(s, families, op);
      }
      store(s, u.key(), old, families, u.timeMillis(), u.ttlMillis());
    } else if (m instanceof Mutation.Delete d) {
      Group old = s.get(d.key());
      if (old != null) {
        s.put(d.key(), old, null);
      }
    } else if (m instanceof Mutation.Wipe w) {
      for (GroupKey k : s.keys(w.source())) {
        s.put(k, s.get(k), null);
      }
    } else if (m instanceof Mutation.MarkFailure f) {
      Group old = s.get(f.key());
      if (old != null) {
        s.put(f.key(), old, old.withFailure(f.timeMillis()));
      } else if (f.createIfAbsent()) {
        s.put(f.key(), null, Group.empty(f.key()).withFailure(f.timeMillis()));
      }
    } else if (m instanceof Mutation.Once o) {
      if (s.get(o.marker()) == null) {
        s.put(
            o.marker(),
            null,
            Group.empty(o.marker()).withFamilies(Map.of(), o.timeMillis(), o.ttlMillis()));
        for (Mutation inner : o.then()) {
          apply(s, inner);
        }
      }
    } else if (m instanceof Mutation.Expire e) {
      Group old = s.get(e.key());
      if (old != null && old.updatedAtMillis() == e.updatedAtMillis()) {
        s.put(e.key(), old, null);
        return true;
      }
    }
    return false;
  }

  private void store(
      StoreState.Staging s,
      GroupKey key,
      Group old,
      Map<String, Family> families,
      long timeMillis,
      long ttlMillis)
      throws WriteRejectedException {
    for (Family f : families.values()) {
      MetricType elsewhere = s.typeElsewhere(f.name(), old);
      if (elsewhere != null && elsewhere != f.type()) {
        throw new WriteRejectedException(
            Kind.CONFLICT,
            "type_conflict",
            "metric "
                + f.name()
                + " is a "
                + elsewhere
                + " in another group, not a "
                + f.type()
                + " (one name, one type across all groups)");
      }
    }
    Group next =
        (old == null ? Group.empty(key) : old).withFamilies(families, timeMillis, ttlMillis);
    int count = next.seriesCount();
    if (count > limits.maxSeriesPerGroup()) {
      throw new WriteRejectedException(
          Kind.LIMIT,
          "max_series_per_group",
          "group "
              + key.labels()
              + " would hold "
              + count
              + " series, over the limit max_series_per_group="
              + limits.maxSeriesPerGroup());
    }
    long growth = count - (old == null ? 0 : old.seriesCount());
    if (growth > 0 && s.seriesTotal() + growth > limits.maxSeriesTotal()) {
      throw new WriteRejectedException(
          Kind.LIMIT,
          "max_series_total",
          "the agent holds "
              + s.seriesTotal()
              + " series; "
              + growth
              + " more would exceed the limit max_series_total="
              + limits.maxSeriesTotal());
    }
    s.put(key, old, next);
  }

  private static void applyOp(StoreState.Staging s, Map<String, Family> families, Op op)
      throws WriteRejectedException {
    if (op instanceof Op.Add a) {
      Family f = family(families, a.name(), a.type(), a.help());
      double current = f.series().get(a.labels()) instanceof Series.Value v ? v.value() : 0;
      double next = current + a.delta();
      families.put(
          a.name(),
          f.with(new Series.Value(a.labels(), a.floorAtZero() ? Math.max(0, next) : next)));
    } else if (op instanceof Op.Set a) {
      Family f = family(families, a.name(), a.type(), a.help());
      families.put(a.name(), f.with(new Series.Value(a.labels(), a.value())));
    } else if (op instanceof Op.Observe o) {
      observe(families, o.name(), o.help(), o.labels(), o.upperBounds(), o.value());
    } else if (op instanceof Op.Init i) {
      Family f = family(families, i.name(), i.type(), i.help());
      if (f.series().isEmpty()) {
        families.put(i.name(), f.with(new Series.Value(i.labels(), i.value())));
      }
    } else if (op instanceof Op.RemoveOthers r) {
      Family f = families.get(r.name());
      if (f != null) {
        Family rest = f;
        for (LabelSet l : f.series().keySet()) {
          if (sameExcept(l, r.labels(), r.varying())
              && !java.util.Objects.equals(l.get(r.varying()), r.labels().get(r.varying()))) {
            rest = rest.without(l);
          }
        }
        if (rest.series().isEmpty()) {
          families.remove(r.name());
        } else {
          families.put(r.name(), rest);
        }
      }
    } else if (op instanceof Op.ObserveElapsed e) {
      Double start = start(s.get(e.start().group()), e.start());
      if (start != null) {
        double elapsed = Math.max(0, e.endSeconds() - start);
        observe(families, e.name(), e.help(), e.labels(), e.upperBounds(), elapsed);
        Family last = family(families, e.lastName(), MetricType.GAUGE, e.lastHelp());
        families.put(e.lastName(), last.with(new Series.Value(e.labels(), elapsed)));
      }
    } else if (op instanceof Op.Remove r) {
      Family f = families.get(r.name());
      if (f != null) {
        Family rest = f.without(r.labels());
        if (rest.series().isEmpty()) {
          families.remove(r.name());
        } else {
          families.put(r.name(), rest);
        }
      }
    }
  }

  private static void observe(
      Map<String, Family> families,
      String name,
      String help,
      LabelSet labels,
      double[] upperBounds,
      double value)
      throws WriteRejectedException {
    Family f = family(families, name, MetricType.HISTOGRAM, help);
    Series.Histogram h =
        f.series().get(labels) instanceof Series.Histogram existing
                && java.util.Arrays.equals(existing.upperBounds(), upperBounds)
            ? existing
            : new Series.Histogram(labels, upperBounds, new double[upperBounds.length], 0, 0);
    double[] counts = StoreState.copy(h.cumulativeCounts());
    for (int i = 0; i < counts.length; i++) {
      if (value <= h.upperBounds()[i]) {
        counts[i]++;
      }
    }
    families.put(
        name,
        f.with(
            new Series.Histogram(labels, h.upperBounds(), counts, h.sum() + value, h.count() + 1)));
  }

  /** The start time {@code start} names in {@code g} (as stored before this update), or null. */
  private static Double start(Group g, Op.Start start) {
    if (g == null) {
      return null;
    }
    Double running = start.whileName() == null ? null : value(g, start.whileName(), start.labels());
    if (start.whileName() != null && (running == null || running <= 0)) {
      return null;
    }
    return value(g, start.name(), start.labels());
  }

  private static Double value(Group g, String name, LabelSet labels) {
    Family f = g.families().get(name);
    return f != null && f.series().get(labels) instanceof Series.Value v ? v.value() : null;
  }

  /** Whether {@code a} and {@code b} have the same label names and values, {@code except} aside. */
  private static boolean sameExcept(LabelSet a, LabelSet b, String except) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      String name = a.name(i);
      if (!name.equals(except) && !a.value(i).equals(b.get(name))) {
        return false;
      }
    }
    return a.get(except) != null && b.get(except) != null;
  }

  private static Family family(
      Map<String, Family> families, String name, MetricType type, String help)
      throws WriteRejectedException {
    Family f = families.get(name);
    if (f == null) {
      return new Family(name, type, help, Map.of());
    }
    if (f.type() != type) {
      throw new WriteRejectedException(
          Kind.CONFLICT,
          "type_conflict",
          "metric " + name + " is a " + f.type() + ", not a " + type);
    }
    return f;
  }

  /** Convenience for callers that apply a whole request: all of it or none. */
  void applyAll(StoreState.Staging s, List<Mutation> request, int[] expired)
      throws WriteRejectedException {
    int mark = s.mark();
    try {
      for (Mutation m : request) {
        if (apply(s, m)) {
          expired[0]++;
        }
      }
    } catch (WriteRejectedException e) {
      s.rollbackTo(mark);
      throw e;
    }
  }
}
