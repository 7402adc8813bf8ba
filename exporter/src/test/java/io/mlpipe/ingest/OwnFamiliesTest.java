package io.mlpipe.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.Agent;
import io.mlpipe.AgentOptions;
import io.mlpipe.collector.Collector;
import io.mlpipe.collector.CollectorCatalog;
import io.mlpipe.collector.CollectorSpec;
import io.mlpipe.testing.Http;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The names the agent exposes itself: refused on both write APIs, known without collecting. */
class OwnFamiliesTest {

  @TempDir Path dir;
  private Agent agent;

  @AfterEach
  void stop() throws Exception {
    if (agent != null) {
      agent.close();
    }
  }

  @Test
  void exactNamesPrefixesAndWireSuffixes() {
    OwnFamilies own = OwnFamilies.of(List.of("node_load1", "node_cpu_*", "mlpipe_exporter_*"));
    assertThat(own.owns("node_load1")).isTrue();
    assertThat(own.owns("node_load15")).isFalse();
    assertThat(own.owns("node_cpu_seconds_total")).isTrue();
    assertThat(own.owns("mlpipe_exporter_build_info")).isTrue();
    assertThat(own.owns("node_load1_total")).isTrue();
    assertThat(own.owns("rows_loaded_total")).isFalse();
    assertThat(own.with(List.of("rows_*")).owns("rows_loaded_total")).isTrue();
    assertThat(OwnFamilies.NONE.owns("node_load1")).isFalse();
  }

  @Test
  void bothWriteApisRefuseACollectorsFamilyWithoutRunningIt() throws Exception {
    AtomicInteger collected = new AtomicInteger();
    Collector counting =
        () -> {
          collected.incrementAndGet();
          return MetricSnapshots.of(
              GaugeSnapshot.builder()
                  .name("node_load1")
                  .dataPoint(
                      GaugeSnapshot.GaugeDataPointSnapshot.builder()
                          .labels(Labels.EMPTY)
                          .value(1)
                          .build())
                  .build());
        };
    agent =
        Agent.start(
            AgentOptions.forTest(dir.resolve("data"))
                .withCatalog(
                    new CollectorCatalog(
                        List.of(
                            new CollectorSpec("loadavg", true, "", ctx -> counting)
                                .withFamilies("node_load1")))));
    String base = "http://127.0.0.1:" + agent.port();
    int before = collected.get();

    Http.Response pushed =
        Http.send("PUT", base + "/metrics/job/x", Map.of(), "node_load1 5\n".getBytes());
    assertThat(pushed.status()).isEqualTo(400);
    assertThat(pushed.body()).contains("is exposed by the agent itself");
    Http.Response event =
        Http.post(
            base + "/api/v1/events",
            "application/json",
            "{\"type\":\"metric\",\"pipeline\":\"p\",\"name\":\"node_load1\",\"value\":5}");
    assertThat(event.status()).as(event.body()).isEqualTo(400);
    assertThat(event.body()).contains("\"field\":\"name\"").contains("exposed by the agent itself");
    assertThat(collected.get()).as("collections on the write path").isEqualTo(before);

    assertThat(Http.get(base + "/metrics").body()).contains("node_load1 1.0");
  }
}
