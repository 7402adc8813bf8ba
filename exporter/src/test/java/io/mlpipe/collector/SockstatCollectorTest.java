package io.mlpipe.collector;

import static io.mlpipe.collector.Fixtures.paths;
import static io.mlpipe.collector.Fixtures.scrape;
import static io.mlpipe.collector.ProcCollectorsTest.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** node_exporter's sockstat collector over the fixture host (this machine's files) and edges. */
class SockstatCollectorTest {

  @Test
  void protocolsAndStatesUnderNodeExporterNames() throws Exception {
    String text = scrape(new SockstatCollector(paths(), 4096));
    // fixtures/proc/net/sockstat: "sockets: used 34", "TCP: inuse 8 orphan 0 tw 31 alloc 19 mem 0"
    assertThat(value(text, "node_sockstat_sockets_used")).isEqualTo(34);
    assertThat(value(text, "node_sockstat_TCP_inuse")).isEqualTo(8);
    assertThat(value(text, "node_sockstat_TCP_tw")).isEqualTo(31);
    assertThat(value(text, "node_sockstat_TCP_alloc")).isEqualTo(19);
    assertThat(value(text, "node_sockstat_TCP_mem_bytes")).isEqualTo(0);
    assertThat(value(text, "node_sockstat_FRAG_memory")).isEqualTo(0);
    assertThat(text)
        .contains("# TYPE node_sockstat_TCP_inuse gauge")
        .contains("# HELP node_sockstat_TCP_inuse Number of TCP sockets in state inuse.")
        .contains("# HELP node_sockstat_sockets_used Number of IPv4 sockets in use.")
        .contains("node_sockstat_TCP6_inuse ")
        .contains("node_sockstat_UDP6_inuse ")
        .contains("node_sockstat_UDPLITE6_inuse ")
        .contains("node_sockstat_RAW6_inuse ")
        .contains("node_sockstat_FRAG6_memory ")
        .doesNotContain("node_sockstat_FRAG_mem_bytes")
        .doesNotContain("node_sockstat_TCP6_mem");
    // The 20 series node_exporter 1.5.0 exposes from these two files.
    assertThat(text.lines().filter(l -> l.startsWith("node_sockstat_"))).hasSize(20);
    assertThat(Fixtures.promtoolProblems(text)).isEmpty();
  }

  @Test
  void memPagesTimesThePageSize(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("net"));
    Files.writeString(
        dir.resolve("net/sockstat"),
        "sockets: used 5\nTCP: inuse 3 orphan 1 tw 2 alloc 4 mem 7\nUDP: inuse 1 mem 2\n");
    String text = scrape(new SockstatCollector(new HostPaths(dir, dir, dir), 16384));
    assertThat(value(text, "node_sockstat_TCP_mem")).isEqualTo(7);
    assertThat(value(text, "node_sockstat_TCP_mem_bytes")).isEqualTo(7 * 16384);
    assertThat(value(text, "node_sockstat_UDP_mem_bytes")).isEqualTo(2 * 16384);
    assertThat(value(text, "node_sockstat_TCP_orphan")).isEqualTo(1);
    // No sockstat6 (IPv6 disabled): skipped, as node_exporter.
    assertThat(text).doesNotContain("6_");
  }

  @Test
  void thisHostsPageSizeFromLibc() {
    assertThat(NativeCalls.pageSize()).isIn(4096L, 16384L, 65536L);
  }

  @Test
  void noFilesIsNoData(@TempDir Path dir) throws Exception {
    assertThat(scrape(new SockstatCollector(new HostPaths(dir, dir, dir), 4096))).isEmpty();
  }

  @Test
  void malformedLinesAreACollectorError(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("net"));
    HostPaths p = new HostPaths(dir, dir, dir);
    for (Map.Entry<String, String> bad :
        Map.of(
                "TCP: inuse 3 orphan\n", "malformed line",
                "TCP: inuse three\n", "invalid value 'three' for TCP inuse",
                "TCP inuse 3\n", "malformed line")
            .entrySet()) {
      Files.writeString(dir.resolve("net/sockstat"), bad.getKey());
      assertThatThrownBy(() -> new SockstatCollector(p, 4096).collect())
          .as(bad.getKey())
          .hasMessageContaining(bad.getValue())
          .hasMessageContaining("sockstat");
    }
    try (CollectorRunner runner =
        new CollectorRunner(Map.of("sockstat", new SockstatCollector(p, 4096)))) {
      assertThat(Fixtures.text(runner.collect()))
          .contains("mlpipe_exporter_collector_success{collector=\"sockstat\"} 0");
    }
  }
}
