package io.mlpipe.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.ingest.OwnFamilies;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CollectorCatalogTest {

  /** The catalog's family table is what refuses pushes: it must cover what collectors emit. */
  @Test
  void everyFamilyACollectorEmitsIsInItsCatalogEntry() throws Exception {
    CollectorCatalog catalog = CollectorCatalog.standard();
    Map<String, Collector> collectors = new java.util.LinkedHashMap<>();
    collectors.putAll(HostScrapeGoldenTest.hostCollectors());
    collectors.put("jvm", new JvmCollector());
    assertThat(collectors.keySet()).containsAll(CollectorCatalog.hostCollectorNames());
    for (Map.Entry<String, Collector> e : collectors.entrySet()) {
      CollectorSpec spec = catalog.get(e.getKey()).orElseThrow();
      OwnFamilies own = OwnFamilies.of(spec.families());
      for (MetricSnapshot s : e.getValue().collect()) {
        assertThat(own.owns(s.getMetadata().getPrometheusName()))
            .as("%s emits %s", spec.name(), s.getMetadata().getPrometheusName())
            .isTrue();
      }
    }
    assertThat(catalog.all()).allSatisfy(s -> assertThat(s.families()).isNotEmpty());
  }

  /** The demo (and any bridge) pushes GPU readings under dcgm-exporter's names: not refused. */
  @Test
  void pushedDcgmNamesAreNotTheAgentsOwn() {
    OwnFamilies own = OwnFamilies.of(CollectorCatalog.families(CollectorCatalog.standard().all()));
    assertThat(own.owns("DCGM_FI_DEV_GPU_UTIL")).isFalse();
    assertThat(own.owns("mlpipe_gpu_devices")).isTrue();
    assertThat(own.owns("node_cpu_seconds_total")).isTrue();
  }
}
