package io.mlpipe;

import io.mlpipe.collector.SnapshotOrder;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything {@code /metrics} shows, in one collector: the agent's own metrics and collectors
 * first, then what writers stored. A stored family whose name the agent itself exposes is left out
 * (and logged once), so no pushed data can make a scrape fail on a duplicate name.
 */
final class AgentCollector implements MultiCollector {

  private static final Logger log = LoggerFactory.getLogger(AgentCollector.class);

  private final List<Supplier<MetricSnapshots>> own;
  private final Supplier<MetricSnapshots> stored;
  private final Set<String> warned = java.util.concurrent.ConcurrentHashMap.newKeySet();
  // What collectOwn last returned, and the names in it (for shadowed(): the stored families are
  // filtered by them), worked out only when a stored family asks: a host scrape without pushed
  // data never needs them, and they were ~250 small sets and concatenations per scrape.
  private volatile MetricSnapshots lastOwn = MetricSnapshots.of();
  private volatile OwnNames ownNames = new OwnNames(lastOwn, Set.of());

  private record OwnNames(MetricSnapshots of, Set<String> names) {}

  private final SnapshotOrder order = new SnapshotOrder();

  AgentCollector(List<Supplier<MetricSnapshots>> own, Supplier<MetricSnapshots> stored) {
    this.own = own;
    this.stored = stored;
  }

  /** The names a family goes by: client_java's and the one written on the wire. */
  static Set<String> names(MetricSnapshot s) {
    String n = s.getMetadata().getPrometheusName();
    if (s instanceof CounterSnapshot) {
      return Set.of(n, n + "_total");
    }
    if (s instanceof InfoSnapshot) {
      return Set.of(n, n + "_info");
    }
    return Set.of(n);
  }

  @Override
  public MetricSnapshots collect() {
    MetricSnapshots own = collectOwn();
    List<MetricSnapshot> out = new ArrayList<>(own.size() + 16);
    own.forEach(out::add);
    for (MetricSnapshot s : stored.get()) {
      if (!shadowed(s)) {
        out.add(s);
      }
    }
    return new MetricSnapshots(out);
  }

  /** The agent's own metrics and collectors, sorted by name; remembers their names. */
  MetricSnapshots collectOwn() {
    List<MetricSnapshot> out = new ArrayList<>(512);
    for (Supplier<MetricSnapshots> source : own) {
      for (MetricSnapshot s : source.get()) {
        out.add(s);
      }
    }
    MetricSnapshots sorted = order.sorted(out);
    lastOwn = sorted;
    return sorted;
  }

  /** The names of the families collectOwn last returned. */
  private Set<String> ownNames() {
    MetricSnapshots own = lastOwn;
    OwnNames names = ownNames;
    if (names.of != own) {
      Set<String> set = new HashSet<>();
      for (MetricSnapshot s : own) {
        set.addAll(names(s));
      }
      names = new OwnNames(own, Set.copyOf(set));
      ownNames = names;
    }
    return names.names;
  }

  /**
   * Whether the stored family {@code s} has the name of one of the agent's own metrics (as of the
   * last {@link #collectOwn}), so that it must be left out; logged once per name.
   */
  boolean shadowed(MetricSnapshot s) {
    Set<String> names = ownNames();
    if (names(s).stream().noneMatch(names::contains)) {
      return false;
    }
    String name = s.getMetadata().getPrometheusName();
    if (warned.add(name)) {
      log.warn(
          "stored metric {} has the name of one of the agent's own metrics; not exposed", name);
    }
    return true;
  }
}
