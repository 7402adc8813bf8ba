package io.mlpipe;

import io.prometheus.metrics.model.registry.MultiCollector;
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
  private volatile Set<String> ownNames = Set.of();

  AgentCollector(List<Supplier<MetricSnapshots>> own, Supplier<MetricSnapshots> stored) {
    this.own = own;
    this.stored = stored;
  }

  /** Whether the agent itself exposes {@code name} (as of the last scrape, or now if none yet). */
  boolean isOwnName(String name) {
    if (ownNames.isEmpty()) {
      collect();
    }
    return ownNames.contains(name);
  }

  @Override
  public MetricSnapshots collect() {
    List<MetricSnapshot> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Supplier<MetricSnapshots> source : own) {
      for (MetricSnapshot s : source.get()) {
        out.add(s);
        names.add(s.getMetadata().getPrometheusName());
      }
    }
    ownNames = Set.copyOf(names);
    for (MetricSnapshot s : stored.get()) {
      String name = s.getMetadata().getPrometheusName();
      if (names.contains(name)) {
        if (warned.add(name)) {
          log.warn(
              "stored metric {} has the name of one of the agent's own metrics; not exposed", name);
        }
        continue;
      }
      out.add(s);
    }
    return new MetricSnapshots(out);
  }
}
