package io.mlpipe.collector;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * client_java's MetricSnapshots sorts its families by name on construction, through a comparator
 * that fetches both names on every comparison (JFR: ~5% of a host scrape's samples for the runner's
 * ~250 families and meminfo's ~55). A scrape lists the same families in the same order as the
 * previous one, so the order found last time is kept with the names it was found for: when this
 * scrape's names are the same (mostly the same String instances: the metadata is cached, see
 * Family), the families are put in that order and the constructor's sort finds one ascending run.
 * Otherwise the order is found again. The result is exactly the constructor's order (the same key,
 * String's natural order), so the exposition does not change. Safe under concurrent scrapes: an
 * Order is immutable.
 */
public final class SnapshotOrder {

  private record Order(String[] names, int[] sorted) {}

  private volatile Order last;

  /** {@code new MetricSnapshots(families)}, put in order the way the last call found it. */
  public MetricSnapshots sorted(List<MetricSnapshot> families) {
    int n = families.size();
    String[] names = new String[n];
    for (int i = 0; i < n; i++) {
      names[i] = families.get(i).getMetadata().getPrometheusName();
    }
    Order o = last;
    if (o == null || !Arrays.equals(o.names, names)) {
      Integer[] idx = new Integer[n];
      for (int i = 0; i < n; i++) {
        idx[i] = i;
      }
      // Stable, as List.sort: equal names (an error the constructor reports) keep their order.
      Arrays.sort(idx, (a, b) -> names[a].compareTo(names[b]));
      int[] sorted = new int[n];
      for (int i = 0; i < n; i++) {
        sorted[i] = idx[i];
      }
      o = new Order(names, sorted);
      last = o;
    }
    List<MetricSnapshot> out = new ArrayList<>(n);
    for (int i : o.sorted) {
      out.add(families.get(i));
    }
    return new MetricSnapshots(out);
  }
}
