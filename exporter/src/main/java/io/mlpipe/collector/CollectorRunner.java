package io.mlpipe.collector;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the enabled collectors on every scrape, each timed, and adds {@code
 * mlpipe_exporter_collector_duration_seconds} and {@code mlpipe_exporter_collector_success}. A
 * collector that throws is reported as failed and logged; the scrape goes on.
 */
public final class CollectorRunner implements MultiCollector, AutoCloseable {

  static final String DURATION = "mlpipe_exporter_collector_duration_seconds";
  static final String SUCCESS = "mlpipe_exporter_collector_success";

  private static final Logger log = LoggerFactory.getLogger(CollectorRunner.class);

  private final Map<String, Collector> collectors;
  // Each collector's {collector="name"} label set, made once (Labels.of validates the name).
  private final Map<String, Labels> labels = new HashMap<>();
  private final SnapshotOrder order = new SnapshotOrder();

  /**
   * @param collectors by name, in the order they run
   */
  public CollectorRunner(Map<String, Collector> collectors) {
    this.collectors = new LinkedHashMap<>(collectors);
    collectors.keySet().forEach(name -> labels.put(name, Labels.of("collector", name)));
  }

  /** Builds every enabled collector of {@code specs}. */
  public static CollectorRunner build(List<CollectorSpec> specs, CollectorContext context) {
    Map<String, Collector> built = new LinkedHashMap<>();
    for (CollectorSpec spec : specs) {
      built.put(spec.name(), spec.factory().apply(context));
    }
    return new CollectorRunner(built);
  }

  public List<String> names() {
    return List.copyOf(collectors.keySet());
  }

  @Override
  public MetricSnapshots collect() {
    List<MetricSnapshot> out = new ArrayList<>();
    GaugeSnapshot.Builder duration =
        GaugeSnapshot.builder()
            .name(DURATION)
            .help("Time a collector took during the last scrape, in seconds.");
    GaugeSnapshot.Builder success =
        GaugeSnapshot.builder()
            .name(SUCCESS)
            .help("Whether a collector succeeded during the last scrape (1) or failed (0).");
    // A family name twice in one scrape makes the whole exposition fail: the later collector's
    // copy is dropped and counted as that collector's failure instead.
    // Sized for a host scrape's ~250 families, so that it does not grow on every scrape.
    Set<String> seen = new HashSet<>(1024);
    seen.add(DURATION);
    seen.add(SUCCESS);
    for (Map.Entry<String, Collector> e : collectors.entrySet()) {
      String name = e.getKey();
      long start = System.nanoTime();
      boolean ok;
      try {
        MetricSnapshots snapshots = e.getValue().collect();
        ok = true;
        for (MetricSnapshot s : snapshots) {
          String family = s.getMetadata().getPrometheusName();
          if (seen.add(family)) {
            out.add(s);
          } else {
            ok = false;
            log.warn(
                "collector {} failed: it emits {}, which another collector already emitted;"
                    + " dropped",
                name,
                family);
          }
        }
      } catch (CollectorAbsentException ex) {
        log.debug("collector {} absent: {}", name, ex.getMessage());
        ok = false;
      } catch (Exception | LinkageError ex) {
        log.warn("collector {} failed: {}", name, ex.toString());
        log.debug("collector {} failure", name, ex);
        ok = false;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      Labels labels = this.labels.get(name);
      duration.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(seconds).build());
      success.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(ok ? 1 : 0).build());
    }
    out.add(duration.build());
    out.add(success.build());
    return order.sorted(out);
  }

  @Override
  public void close() {
    collectors.values().forEach(Collector::close);
  }
}
