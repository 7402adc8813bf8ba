package io.mlpipe.collector;

import static io.mlpipe.collector.Fixtures.paths;
import static io.mlpipe.collector.Fixtures.scrape;
import static io.mlpipe.collector.ProcCollectorsTest.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** node_exporter's netstat collector over the fixture host (this machine's files) and edges. */
class NetstatCollectorTest {

  static final Pattern DEFAULT = Pattern.compile(NetstatCollector.DEFAULT_FIELDS);

  /** What node_exporter 1.5.0 exposes for fixtures/proc/net/{netstat,snmp,snmp6}. */
  static final List<String> EXPECTED =
      List.of(
          "Icmp6_InErrors",
          "Icmp6_InMsgs",
          "Icmp6_OutMsgs",
          "Icmp_InErrors",
          "Icmp_InMsgs",
          "Icmp_OutMsgs",
          "Ip6_InOctets",
          "Ip6_OutOctets",
          "IpExt_InOctets",
          "IpExt_OutOctets",
          "Ip_Forwarding",
          "TcpExt_ListenDrops",
          "TcpExt_ListenOverflows",
          "TcpExt_SyncookiesFailed",
          "TcpExt_SyncookiesRecv",
          "TcpExt_SyncookiesSent",
          "TcpExt_TCPSynRetrans",
          "TcpExt_TCPTimeouts",
          "Tcp_ActiveOpens",
          "Tcp_CurrEstab",
          "Tcp_InErrs",
          "Tcp_InSegs",
          "Tcp_OutRsts",
          "Tcp_OutSegs",
          "Tcp_PassiveOpens",
          "Tcp_RetransSegs",
          "Udp6_InDatagrams",
          "Udp6_InErrors",
          "Udp6_NoPorts",
          "Udp6_OutDatagrams",
          "Udp6_RcvbufErrors",
          "Udp6_SndbufErrors",
          "UdpLite6_InErrors",
          "UdpLite_InErrors",
          "Udp_InDatagrams",
          "Udp_InErrors",
          "Udp_NoPorts",
          "Udp_OutDatagrams",
          "Udp_RcvbufErrors",
          "Udp_SndbufErrors");

  @Test
  void defaultFieldsUntypedUnderNodeExporterNames() throws Exception {
    String text = scrape(new NetstatCollector(paths(), DEFAULT));
    assertThat(
            text.lines()
                .filter(l -> l.startsWith("node_netstat_"))
                .map(l -> l.substring("node_netstat_".length(), l.indexOf(' ')))
                .sorted()
                .toList())
        .containsExactlyInAnyOrderElementsOf(EXPECTED);
    assertThat(text)
        .contains("# TYPE node_netstat_Tcp_ActiveOpens untyped")
        .contains("# HELP node_netstat_Tcp_ActiveOpens Statistic TcpActiveOpens.")
        .contains("# HELP node_netstat_Icmp6_InMsgs Statistic Icmp6InMsgs.");
    assertThat(value(text, "node_netstat_Tcp_ActiveOpens")).isEqualTo(5893);
    assertThat(value(text, "node_netstat_Tcp_CurrEstab")).isEqualTo(14);
    assertThat(value(text, "node_netstat_Ip_Forwarding")).isEqualTo(2);
    assertThat(value(text, "node_netstat_IpExt_InOctets")).isEqualTo(3336083891.0);
    assertThat(value(text, "node_netstat_Ip6_InOctets")).isEqualTo(128);
    assertThat(value(text, "node_netstat_Icmp6_InErrors")).isEqualTo(1);
    assertThat(value(text, "node_netstat_Udp_OutDatagrams")).isEqualTo(72);
    // Promtool's camelCase lint, as for node_exporter's own netstat output, is all it says.
    assertThat(Fixtures.promtoolProblems(text)).isEmpty();
  }

  @Test
  void fieldsAreConfigurable() throws Exception {
    String text =
        scrape(new NetstatCollector(paths(), Pattern.compile("^(Tcp_MaxConn|Ip6_InReceives)$")));
    assertThat(value(text, "node_netstat_Tcp_MaxConn")).isEqualTo(-1);
    assertThat(value(text, "node_netstat_Ip6_InReceives")).isEqualTo(1);
    assertThat(text.lines().filter(l -> l.startsWith("node_netstat_"))).hasSize(2);
  }

  @Test
  void noSnmp6IsSkipped(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("net"));
    Files.writeString(dir.resolve("net/netstat"), "TcpExt: ListenDrops TW\nTcpExt: 3 4\n");
    Files.writeString(dir.resolve("net/snmp"), "Udp: InErrors NoPorts\nUdp: 1 2\n");
    String text = scrape(new NetstatCollector(new HostPaths(dir, dir, dir), DEFAULT));
    assertThat(value(text, "node_netstat_TcpExt_ListenDrops")).isEqualTo(3);
    assertThat(value(text, "node_netstat_Udp_NoPorts")).isEqualTo(2);
    assertThat(text.lines().filter(l -> l.startsWith("node_netstat_"))).hasSize(3);
  }

  @Test
  void malformedFilesAreACollectorError(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("net"));
    Files.writeString(dir.resolve("net/snmp"), "Udp: InErrors\nUdp: 1\n");
    HostPaths p = new HostPaths(dir, dir, dir);
    for (Map.Entry<String, String> bad :
        Map.of(
                "TcpExt: A B\nTcpExt: 1\n", "field count mismatch",
                "TcpExt: A B\n", "no value line after TcpExt:",
                "TcpExt: A B\nIpExt: 1 2\n", "invalid line pair",
                "TcpExt: A B\nTcpExt: 1 x\n", "invalid value 'x' for TcpExtB")
            .entrySet()) {
      Files.writeString(dir.resolve("net/netstat"), bad.getKey());
      assertThatThrownBy(() -> new NetstatCollector(p, DEFAULT).collect())
          .as(bad.getKey())
          .hasMessageContaining(bad.getValue())
          .hasMessageContaining("net/netstat");
    }
    try (CollectorRunner runner =
        new CollectorRunner(Map.of("netstat", new NetstatCollector(p, DEFAULT)))) {
      assertThat(Fixtures.text(runner.collect()))
          .contains("mlpipe_exporter_collector_success{collector=\"netstat\"} 0");
    }
    // A missing /proc/net/netstat is an error too, as in node_exporter.
    Files.delete(dir.resolve("net/netstat"));
    assertThatThrownBy(() -> new NetstatCollector(p, DEFAULT).collect())
        .hasMessageContaining("net/netstat");
  }
}
