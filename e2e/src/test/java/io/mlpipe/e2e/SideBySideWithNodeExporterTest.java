package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.testing.AgentProcess;
import io.mlpipe.testing.Http;
import io.mlpipe.testing.SimpleServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged agent next to the real node_exporter (Debian's 1.5.0) on this machine: for every
 * metric of issue 4 and of the conntrack, sockstat, netstat and timex collectors that node_exporter
 * exposes here, the same name, type, label names and label value sets, and values within a stated
 * tolerance. Prints a matched / not matched table.
 *
 * <p>node_exporter gets upstream 1.5.0's defaults, which Debian's build changes (it adds /run,
 * /mnt, /media to the filesystem mount point exclude and {@code ^lo$} as netdev exclude), so both
 * sides run with what the agent documents as its defaults.
 */
class SideBySideWithNodeExporterTest {

  /** How close two readings a moment apart must be. */
  enum Tolerance {
    /** Totals that cannot change between two reads (MemTotal, filesystem size, info metrics). */
    EXACT(0, 0),
    /** Gauges that move a little (free memory, load, time). */
    GAUGE(0.05, 5),
    /** Counters read ~100 ms apart: a few percent or a few units of their own scale. */
    COUNTER(0.03, 5),
    /** Byte and page counters, whose absolute steps are large. */
    BYTES(0.03, 64 * 1024 * 1024),
    /**
     * Memory counted in pages (sockstat's TCP and UDP {@code mem}): the same 64 MiB bound as BYTES
     * in 4 KiB pages. Socket buffers of the test's own traffic come and go by hundreds of pages
     * between the two reads (a clean-clone CI run saw TCP_mem 0 on node_exporter's read and 186 on
     * ours).
     */
    PAGES(0.03, 64 * 1024 * 1024 / 4096),
    /**
     * Socket and connection counts of the whole host (sockstat, Tcp_CurrEstab, conntrack entries):
     * every HTTP request of the test, and any build beside it, opens and closes sockets.
     */
    SOCKETS(0.2, 50);

    final double relative;
    final double absolute;

    Tolerance(double relative, double absolute) {
      this.relative = relative;
      this.absolute = absolute;
    }

    boolean agree(double ne, double ours) {
      return Math.abs(ne - ours) <= Math.max(relative * Math.abs(ne), absolute);
    }
  }

  static final Map<String, Tolerance> METRICS =
      new java.util.TreeMap<>(
          Map.ofEntries(
              Map.entry("node_cpu_seconds_total", Tolerance.COUNTER),
              Map.entry("node_cpu_guest_seconds_total", Tolerance.COUNTER),
              Map.entry("node_memory_MemTotal_bytes", Tolerance.EXACT),
              Map.entry("node_memory_MemFree_bytes", Tolerance.BYTES),
              Map.entry("node_memory_MemAvailable_bytes", Tolerance.BYTES),
              Map.entry("node_memory_Buffers_bytes", Tolerance.BYTES),
              Map.entry("node_memory_Cached_bytes", Tolerance.BYTES),
              Map.entry("node_memory_Slab_bytes", Tolerance.BYTES),
              Map.entry("node_memory_SwapTotal_bytes", Tolerance.EXACT),
              Map.entry("node_memory_SwapFree_bytes", Tolerance.BYTES),
              Map.entry("node_load1", Tolerance.GAUGE),
              Map.entry("node_load5", Tolerance.GAUGE),
              Map.entry("node_load15", Tolerance.GAUGE),
              Map.entry("node_filesystem_size_bytes", Tolerance.EXACT),
              Map.entry("node_filesystem_avail_bytes", Tolerance.BYTES),
              Map.entry("node_filesystem_free_bytes", Tolerance.BYTES),
              Map.entry("node_filesystem_files", Tolerance.EXACT),
              Map.entry("node_filesystem_files_free", Tolerance.COUNTER),
              Map.entry("node_filesystem_readonly", Tolerance.EXACT),
              Map.entry("node_filesystem_device_error", Tolerance.EXACT),
              Map.entry("node_disk_reads_completed_total", Tolerance.COUNTER),
              Map.entry("node_disk_writes_completed_total", Tolerance.COUNTER),
              Map.entry("node_disk_read_bytes_total", Tolerance.BYTES),
              Map.entry("node_disk_written_bytes_total", Tolerance.BYTES),
              Map.entry("node_disk_io_time_seconds_total", Tolerance.COUNTER),
              Map.entry("node_disk_io_time_weighted_seconds_total", Tolerance.COUNTER),
              Map.entry("node_disk_read_time_seconds_total", Tolerance.COUNTER),
              Map.entry("node_disk_write_time_seconds_total", Tolerance.COUNTER),
              Map.entry("node_network_receive_bytes_total", Tolerance.BYTES),
              Map.entry("node_network_transmit_bytes_total", Tolerance.BYTES),
              Map.entry("node_network_receive_packets_total", Tolerance.COUNTER),
              Map.entry("node_network_transmit_packets_total", Tolerance.COUNTER),
              Map.entry("node_network_receive_errs_total", Tolerance.COUNTER),
              Map.entry("node_network_transmit_errs_total", Tolerance.COUNTER),
              Map.entry("node_network_receive_drop_total", Tolerance.COUNTER),
              Map.entry("node_network_transmit_drop_total", Tolerance.COUNTER),
              Map.entry("node_network_up", Tolerance.EXACT),
              Map.entry("node_network_info", Tolerance.EXACT),
              Map.entry("node_vmstat_pgmajfault", Tolerance.COUNTER),
              Map.entry("node_vmstat_pgpgin", Tolerance.BYTES),
              Map.entry("node_vmstat_pgpgout", Tolerance.BYTES),
              Map.entry("node_vmstat_pswpin", Tolerance.COUNTER),
              Map.entry("node_vmstat_pswpout", Tolerance.COUNTER),
              Map.entry("node_filefd_allocated", Tolerance.GAUGE),
              Map.entry("node_filefd_maximum", Tolerance.EXACT),
              Map.entry("node_pressure_cpu_waiting_seconds_total", Tolerance.COUNTER),
              Map.entry("node_pressure_memory_waiting_seconds_total", Tolerance.COUNTER),
              Map.entry("node_pressure_memory_stalled_seconds_total", Tolerance.COUNTER),
              Map.entry("node_pressure_io_waiting_seconds_total", Tolerance.COUNTER),
              Map.entry("node_pressure_io_stalled_seconds_total", Tolerance.COUNTER),
              Map.entry("node_uname_info", Tolerance.EXACT),
              Map.entry("node_os_info", Tolerance.EXACT),
              Map.entry("node_time_seconds", Tolerance.GAUGE),
              Map.entry("node_boot_time_seconds", Tolerance.EXACT),
              Map.entry("node_hwmon_temp_celsius", Tolerance.GAUGE)));

  /**
   * The conntrack, sockstat, netstat and timex collectors: every family node_exporter 1.5.0 exposes
   * from them by default (those it does not expose on a machine count as not here).
   */
  static final Map<String, Tolerance> NETWORK_AND_CLOCK = new java.util.TreeMap<>();

  static {
    Map<String, Tolerance> m = NETWORK_AND_CLOCK;
    m.put("node_nf_conntrack_entries", Tolerance.SOCKETS);
    m.put("node_nf_conntrack_entries_limit", Tolerance.EXACT);
    for (String stat :
        List.of(
            "found",
            "invalid",
            "ignore",
            "insert",
            "insert_failed",
            "drop",
            "early_drop",
            "search_restart")) {
      m.put("node_nf_conntrack_stat_" + stat, Tolerance.COUNTER);
    }
    m.put("node_sockstat_sockets_used", Tolerance.SOCKETS);
    for (String proto : List.of("TCP", "UDP", "UDPLITE", "RAW", "FRAG")) {
      for (String v : List.of("", "6")) {
        m.put("node_sockstat_" + proto + v + "_inuse", Tolerance.SOCKETS);
      }
    }
    for (String key : List.of("orphan", "tw", "alloc")) {
      m.put("node_sockstat_TCP_" + key, Tolerance.SOCKETS);
    }
    m.put("node_sockstat_TCP_mem", Tolerance.PAGES);
    m.put("node_sockstat_UDP_mem", Tolerance.PAGES);
    m.put("node_sockstat_TCP_mem_bytes", Tolerance.BYTES);
    m.put("node_sockstat_UDP_mem_bytes", Tolerance.BYTES);
    m.put("node_sockstat_FRAG_memory", Tolerance.BYTES);
    m.put("node_sockstat_FRAG6_memory", Tolerance.BYTES);
    m.put("node_netstat_Ip_Forwarding", Tolerance.EXACT);
    for (String f :
        List.of(
            "Icmp_InErrors",
            "Icmp_InMsgs",
            "Icmp_OutMsgs",
            "Icmp6_InErrors",
            "Icmp6_InMsgs",
            "Icmp6_OutMsgs",
            "TcpExt_ListenDrops",
            "TcpExt_ListenOverflows",
            "TcpExt_SyncookiesFailed",
            "TcpExt_SyncookiesRecv",
            "TcpExt_SyncookiesSent",
            "TcpExt_TCPSynRetrans",
            "TcpExt_TCPTimeouts",
            "Tcp_ActiveOpens",
            "Tcp_InErrs",
            "Tcp_InSegs",
            "Tcp_OutRsts",
            "Tcp_OutSegs",
            "Tcp_PassiveOpens",
            "Tcp_RetransSegs",
            "Udp_InDatagrams",
            "Udp_InErrors",
            "Udp_NoPorts",
            "Udp_OutDatagrams",
            "Udp_RcvbufErrors",
            "Udp_SndbufErrors",
            "Udp6_InDatagrams",
            "Udp6_InErrors",
            "Udp6_NoPorts",
            "Udp6_OutDatagrams",
            "Udp6_RcvbufErrors",
            "Udp6_SndbufErrors",
            "UdpLite_InErrors",
            "UdpLite6_InErrors")) {
      m.put("node_netstat_" + f, Tolerance.COUNTER);
    }
    m.put("node_netstat_Tcp_CurrEstab", Tolerance.SOCKETS);
    for (String f : List.of("IpExt_InOctets", "IpExt_OutOctets", "Ip6_InOctets", "Ip6_OutOctets")) {
      m.put("node_netstat_" + f, Tolerance.BYTES);
    }
    // adjtimex: the clock's state and constants do not move between two reads a moment apart;
    // offset, frequency and the error bounds may.
    for (String f :
        List.of(
            "sync_status",
            "status",
            "loop_time_constant",
            "tick_seconds",
            "tai_offset_seconds",
            "pps_frequency_hertz",
            "pps_jitter_seconds",
            "pps_shift_seconds",
            "pps_stability_hertz",
            "pps_jitter_total",
            "pps_calibration_total",
            "pps_error_total",
            "pps_stability_exceeded_total")) {
      m.put("node_timex_" + f, Tolerance.EXACT);
    }
    for (String f :
        List.of(
            "offset_seconds",
            "frequency_adjustment_ratio",
            "maxerror_seconds",
            "estimated_error_seconds")) {
      m.put("node_timex_" + f, Tolerance.GAUGE);
    }
    METRICS.putAll(NETWORK_AND_CLOCK);
  }

  /** The agent's documented defaults, given to node_exporter too. */
  static final String[] NODE_EXPORTER_ARGS = {
    "--collector.filesystem.mount-points-exclude="
        + "^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)",
    "--collector.netdev.device-exclude="
  };

  @TempDir static Path dir;
  static SimpleServer nodeExporter;
  static AgentProcess agent;

  @BeforeAll
  static void start() {
    nodeExporter = SimpleServer.nodeExporter(dir.resolve("ne"), NODE_EXPORTER_ARGS);
    agent = AgentProcess.start(dir.resolve("agent"));
  }

  @AfterAll
  static void stop() throws Exception {
    // node_exporter stops even when the agent never started (a stale jar) or its close throws.
    try {
      if (agent != null) {
        agent.close();
      }
    } finally {
      if (nodeExporter != null) {
        nodeExporter.close();
      }
    }
  }

  @Test
  void sameNamesTypesLabelsAndValuesAsNodeExporter() {
    // Warm both up (first reads of a JVM are slow), then read node_exporter, then the agent.
    Http.get(agent.url() + "/metrics");
    Http.get(nodeExporter.url() + "/metrics");
    Map<String, Exposition.Family> ne =
        Exposition.parse(Http.get(nodeExporter.url() + "/metrics").body());
    Map<String, Exposition.Family> ours =
        Exposition.parse(Http.get(agent.url() + "/metrics").body());

    List<String> rows = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    int matched = 0;
    int notHere = 0;
    for (Map.Entry<String, Tolerance> e : METRICS.entrySet()) {
      String name = e.getKey();
      Exposition.Family n = ne.get(name);
      Exposition.Family o = ours.get(name);
      if (n == null) {
        notHere++;
        rows.add(
            row(
                name,
                "-",
                o == null ? "-" : o.type(),
                "-",
                "node_exporter does not expose it here"));
        continue;
      }
      List<String> p = compare(n, o, e.getValue());
      if (p.isEmpty()) {
        matched++;
      }
      problems.addAll(p);
      rows.add(
          row(
              name,
              n.type(),
              o == null ? "-" : o.type(),
              Integer.toString(n.samples().size()),
              p.isEmpty()
                  ? "MATCH (" + e.getValue().name().toLowerCase() + ")"
                  : "DIFF: " + p.get(0)));
    }
    // Everything else node_exporter exposes here that the agent does not (yet).
    Set<String> missing =
        ne.keySet().stream()
            .filter(k -> k.startsWith("node_") && !ours.containsKey(k))
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> extraMatched =
        ne.keySet().stream()
            .filter(k -> k.startsWith("node_") && ours.containsKey(k) && !METRICS.containsKey(k))
            .collect(Collectors.toCollection(TreeSet::new));

    StringBuilder table = new StringBuilder("\n");
    table.append(row("metric", "node_exporter", "mlpipe", "series", "result")).append('\n');
    rows.forEach(r -> table.append(r).append('\n'));
    table.append(
        ("\n%d of %d compared metrics (issue 4's, conntrack, sockstat, netstat, timex) matched, %d"
                + " not exposed by node_exporter on this machine\n")
            .formatted(matched, METRICS.size() - notHere, notHere));
    table.append(
        "further node_exporter families the agent also exposes (%d): %s\n"
            .formatted(extraMatched.size(), String.join(", ", extraMatched)));
    table.append(
        "node_exporter families not (yet) exposed by the agent (%d): %s\n"
            .formatted(missing.size(), String.join(", ", missing)));
    System.out.println(table);

    assertThat(problems).as(table.toString()).isEmpty();
    assertThat(matched).isGreaterThanOrEqualTo(50 + 60);
    // conntrack, sockstat, netstat and timex: all of their families node_exporter has here.
    assertThat(NETWORK_AND_CLOCK.keySet().stream().filter(ne::containsKey))
        .as(table.toString())
        .allMatch(ours::containsKey);
    assertThat(
            ne.keySet().stream()
                .filter(k -> k.matches("node_(nf_conntrack|sockstat|netstat|timex)_.*"))
                .filter(k -> !NETWORK_AND_CLOCK.containsKey(k)))
        .as("families of the four collectors the test does not compare")
        .isEmpty();
  }

  private static List<String> compare(Exposition.Family ne, Exposition.Family ours, Tolerance t) {
    List<String> p = new ArrayList<>();
    if (ours == null) {
      p.add(ne.name() + " missing");
      return p;
    }
    if (!ne.type().equals(ours.type())) {
      p.add(ne.name() + " type " + ours.type() + ", node_exporter " + ne.type());
    }
    Set<Set<String>> neNames =
        ne.samples().keySet().stream().map(Map::keySet).collect(Collectors.toSet());
    Set<Set<String>> ourNames =
        ours.samples().keySet().stream().map(Map::keySet).collect(Collectors.toSet());
    if (!neNames.equals(ourNames)) {
      p.add(ne.name() + " label names " + ourNames + ", node_exporter " + neNames);
      return p;
    }
    if (!ne.samples().keySet().equals(ours.samples().keySet())) {
      Set<Map<String, String>> onlyNe = new java.util.HashSet<>(ne.samples().keySet());
      onlyNe.removeAll(ours.samples().keySet());
      Set<Map<String, String>> onlyOurs = new java.util.HashSet<>(ours.samples().keySet());
      onlyOurs.removeAll(ne.samples().keySet());
      p.add(
          ne.name() + " label values: only node_exporter " + onlyNe + ", only mlpipe " + onlyOurs);
      return p;
    }
    for (Map.Entry<Map<String, String>, Double> s : ne.samples().entrySet()) {
      double o = ours.samples().get(s.getKey());
      if (!t.agree(s.getValue(), o)) {
        p.add(
            ne.name()
                + s.getKey()
                + " = "
                + o
                + ", node_exporter "
                + s.getValue()
                + " ("
                + t
                + ")");
      }
    }
    return p;
  }

  private static String row(String a, String b, String c, String d, String e) {
    return String.format("%-46s %-13s %-8s %-6s %s", a, b, c, d, e);
  }
}
