package io.mlpipe.collector;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * node_exporter's {@code sockstat} collector: socket counts per protocol from /proc/net/sockstat
 * and /proc/net/sockstat6 under node_exporter's names ({@code node_sockstat_TCP_inuse}, {@code
 * node_sockstat_TCP6_inuse}, {@code node_sockstat_sockets_used}, ...), all gauges, plus {@code
 * _mem_bytes} (pages times the page size) wherever the kernel reports {@code mem} in pages. A
 * missing file (IPv6 disabled) is skipped, as in node_exporter.
 */
final class SockstatCollector implements Collector {

  // Fixed /proc files, read through kept descriptors (see KeptFiles).
  private final KeptFiles kept = new KeptFiles(8);

  static final String PREFIX = "node_sockstat_";
  static final String SOCKETS_USED = "node_sockstat_sockets_used";

  /** The keys node_exporter exports, in its order; others in the file are ignored. */
  private static final List<String> KEYS =
      List.of("inuse", "orphan", "tw", "alloc", "mem", "memory");

  private final Path sockstat;
  private final Path sockstat6;
  private final long pageSize;

  SockstatCollector(HostPaths paths) {
    this(paths, NativeCalls.pageSize());
  }

  SockstatCollector(HostPaths paths, long pageSize) {
    this.sockstat = paths.proc("net/sockstat");
    this.sockstat6 = paths.proc("net/sockstat6");
    this.pageSize = pageSize;
  }

  @Override
  public MetricSnapshots collect() throws Exception {
    Families out = new Families();
    add(out, sockstat, false);
    add(out, sockstat6, true);
    return out.snapshots();
  }

  private void add(Families out, Path file, boolean ipv6) throws IOException {
    String text = kept.textIfExists(file);
    if (text == null) {
      return;
    }
    for (String line : text.lines().toList()) {
      String[] f = ProcFiles.fields(line);
      if (f.length == 0) {
        continue;
      }
      if (f.length < 3 || f.length % 2 == 0 || !f[0].endsWith(":")) {
        throw new IOException("malformed line in " + file + ": '" + line + "'");
      }
      String proto = f[0].substring(0, f[0].length() - 1);
      Map<String, Long> kvs = new LinkedHashMap<>();
      for (int i = 1; i < f.length; i += 2) {
        try {
          kvs.put(f[i], Long.parseLong(f[i + 1]));
        } catch (NumberFormatException e) {
          throw new IOException(
              "invalid value '" + f[i + 1] + "' for " + proto + " " + f[i] + " in " + file);
        }
      }
      if (proto.equals("sockets")) {
        if (!ipv6) {
          out.add(Family.gauge(SOCKETS_USED, "Number of IPv4 sockets in use."))
              .add(kvs.getOrDefault("used", 0L));
        }
        continue;
      }
      // node_exporter (procfs) always reports inuse, 0 where a line lacks it.
      gauge(out, proto, "inuse", kvs.getOrDefault("inuse", 0L));
      for (String key : KEYS.subList(1, KEYS.size())) {
        Long v = kvs.get(key);
        if (v != null) {
          gauge(out, proto, key, v);
        }
      }
      Long mem = kvs.get("mem");
      if (mem != null) {
        gauge(out, proto, "mem_bytes", (double) mem * pageSize);
      }
    }
  }

  private static void gauge(Families out, String proto, String key, double value) {
    out.add(
            Family.gauge(
                PREFIX + proto + "_" + key,
                "Number of " + proto + " sockets in state " + key + "."))
        .add(value);
  }

  @Override
  public void close() {
    kept.close();
  }
}
