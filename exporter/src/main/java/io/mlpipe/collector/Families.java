package io.mlpipe.collector;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;

/** The families one collector returns from a scrape; empty families are left out. */
public final class Families {

  private final List<Family> families = new ArrayList<>();

  /** Adds {@code family} and returns it, for {@code out.add(Family.gauge(...)).add(v)}. */
  public Family add(Family family) {
    families.add(family);
    return family;
  }

  public MetricSnapshots snapshots() {
    return new MetricSnapshots(built());
  }

  /** The same, sorted through {@code order} (a collector with many families keeps one). */
  MetricSnapshots snapshots(SnapshotOrder order) {
    return order.sorted(built());
  }

  private List<MetricSnapshot> built() {
    List<MetricSnapshot> out = new ArrayList<>(families.size());
    for (Family f : families) {
      if (!f.isEmpty()) {
        out.add(f.build());
      }
    }
    return out;
  }
}
