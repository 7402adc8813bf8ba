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

/** node_exporter's conntrack collector over the fixture host (this machine's files) and edges. */
class ConntrackCollectorTest {

  @Test
  void entriesLimitAndStatisticsAsGauges() throws Exception {
    String text = scrape(new ConntrackCollector(paths()));
    assertThat(text)
        .contains("# TYPE node_nf_conntrack_entries gauge")
        .contains(
            "# HELP node_nf_conntrack_entries Number of currently allocated flow entries for"
                + " connection tracking.")
        .contains("# TYPE node_nf_conntrack_entries_limit gauge")
        .contains("# TYPE node_nf_conntrack_stat_found gauge")
        .contains("# TYPE node_nf_conntrack_stat_search_restart gauge");
    assertThat(value(text, ConntrackCollector.ENTRIES)).isEqualTo(0);
    assertThat(value(text, ConntrackCollector.LIMIT)).isEqualTo(262144);
    assertThat(text.lines().filter(l -> l.startsWith("node_nf_conntrack_"))).hasSize(10);
    assertThat(Fixtures.promtoolProblems(text)).isEmpty();
  }

  @Test
  void statisticsAreHexadecimalSummedOverCpus(@TempDir Path dir) throws Exception {
    write(dir, "17", "65536");
    String header =
        "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop"
            + " early_drop icmp_error  expect_new expect_create expect_delete search_restart\n";
    Files.writeString(
        dir.resolve("net/stat/nf_conntrack"),
        header
            + "00000011  00000000 0000000a 00000000 00000001 00000002 00000000 00000000 00000003"
            + " 00000004 00000005 00000006 00000000  00000000 00000000 00000000 00000007\n"
            + "00000011  00000000 000000f0 00000000 00000001 00000002 00000000 00000000 00000003"
            + " 00000004 00000005 00000006 00000000  00000000 00000000 00000000 00000007\n");
    String text = scrape(new ConntrackCollector(new HostPaths(dir, dir, dir)));
    assertThat(value(text, "node_nf_conntrack_entries")).isEqualTo(17);
    assertThat(value(text, "node_nf_conntrack_entries_limit")).isEqualTo(65536);
    Map.of(
            "found", 250.0,
            "invalid", 2.0,
            "ignore", 4.0,
            "insert", 6.0,
            "insert_failed", 8.0,
            "drop", 10.0,
            "early_drop", 12.0,
            "search_restart", 14.0)
        .forEach(
            (k, v) -> assertThat(value(text, "node_nf_conntrack_stat_" + k)).as(k).isEqualTo(v));
  }

  @Test
  void noConntrackModuleIsNoDataNotAnError(@TempDir Path dir) throws Exception {
    assertThat(scrape(new ConntrackCollector(new HostPaths(dir, dir, dir)))).isEmpty();
  }

  @Test
  void noStatisticsFileStillGivesEntriesAndLimit(@TempDir Path dir) throws Exception {
    write(dir, "3", "100");
    Files.delete(dir.resolve("net/stat/nf_conntrack"));
    String text = scrape(new ConntrackCollector(new HostPaths(dir, dir, dir)));
    assertThat(value(text, "node_nf_conntrack_entries")).isEqualTo(3);
    assertThat(text).doesNotContain("node_nf_conntrack_stat_");
  }

  @Test
  void malformedFilesAreACollectorErrorNamingTheFile(@TempDir Path dir) throws Exception {
    write(dir, "lots", "100");
    HostPaths p = new HostPaths(dir, dir, dir);
    assertThatThrownBy(() -> new ConntrackCollector(p).collect())
        .hasMessageContaining("invalid value 'lots'")
        .hasMessageContaining("nf_conntrack_count");
    write(dir, "1", "100");
    Files.writeString(dir.resolve("net/stat/nf_conntrack"), "entries found\n1 2 3\n");
    assertThatThrownBy(() -> new ConntrackCollector(p).collect())
        .hasMessageContaining("no column invalid")
        .hasMessageContaining("nf_conntrack");
    // Through the runner: success 0, the scrape goes on.
    try (CollectorRunner runner =
        new CollectorRunner(Map.of("conntrack", new ConntrackCollector(p)))) {
      assertThat(Fixtures.text(runner.collect()))
          .contains("mlpipe_exporter_collector_success{collector=\"conntrack\"} 0")
          .doesNotContain("node_nf_conntrack_entries ");
    }
  }

  private static void write(Path dir, String count, String max) throws Exception {
    Files.createDirectories(dir.resolve("sys/net/netfilter"));
    Files.createDirectories(dir.resolve("net/stat"));
    Files.writeString(dir.resolve("sys/net/netfilter/nf_conntrack_count"), count + "\n");
    Files.writeString(dir.resolve("sys/net/netfilter/nf_conntrack_max"), max + "\n");
    if (!Files.exists(dir.resolve("net/stat/nf_conntrack"))) {
      Files.writeString(dir.resolve("net/stat/nf_conntrack"), "entries found invalid\n");
    }
  }
}
