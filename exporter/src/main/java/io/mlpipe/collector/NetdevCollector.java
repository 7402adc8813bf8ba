package io.mlpipe.collector;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * node_exporter's {@code netdev} collector: per interface counters from /proc/net/dev, under the
 * names node_exporter uses ({@code node_network_receive_bytes_total}, {@code ..._errs_total},
 * {@code ..._drop_total}, ...), plus {@code receive_nohandler} from sysfs where the kernel has it.
 */
final class NetdevCollector implements Collector {

  static final String RECEIVE_BYTES = "node_network_receive_bytes_total";
  static final String TRANSMIT_BYTES = "node_network_transmit_bytes_total";
  static final String RECEIVE_PACKETS = "node_network_receive_packets_total";
  static final String TRANSMIT_PACKETS = "node_network_transmit_packets_total";
  static final String RECEIVE_ERRS = "node_network_receive_errs_total";
  static final String TRANSMIT_ERRS = "node_network_transmit_errs_total";
  static final String RECEIVE_DROP = "node_network_receive_drop_total";
  static final String TRANSMIT_DROP = "node_network_transmit_drop_total";

  /** The 16 columns of /proc/net/dev, as node_exporter names them. */
  private static final String[] KEYS = {
    "receive_bytes", "receive_packets", "receive_errs", "receive_drop",
    "receive_fifo", "receive_frame", "receive_compressed", "receive_multicast",
    "transmit_bytes", "transmit_packets", "transmit_errs", "transmit_drop",
    "transmit_fifo", "transmit_colls", "transmit_carrier", "transmit_compressed"
  };

  private final Path netDev;
  private final HostPaths paths;

  // /proc/net/dev and each interface's rx_nohandler through kept descriptors (see KeptFiles);
  // when the set of files read changes (an interface went away), the others are closed.
  private final KeptFiles kept = new KeptFiles(256);
  private volatile Set<String> lastRead = Set.of();

  NetdevCollector(HostPaths paths) {
    this.paths = paths;
    this.netDev = paths.proc("net/dev");
  }

  @Override
  public MetricSnapshots collect() throws Exception {
    Map<String, Family> families = new LinkedHashMap<>();
    Families out = new Families();
    for (String key : KEYS) {
      families.put(key, out.add(family(key)));
    }
    Family nohandler = out.add(family("receive_nohandler"));
    Set<String> read = new HashSet<>();
    read.add(netDev.toString());
    for (String line : kept.lines(netDev)) {
      int colon = line.indexOf(':');
      if (colon < 0 || line.contains("|")) {
        continue;
      }
      String dev = line.substring(0, colon).strip();
      String[] f = ProcFiles.fields(line.substring(colon + 1));
      for (int i = 0; i < KEYS.length && i < f.length; i++) {
        families.get(KEYS[i]).add(Long.parseUnsignedLong(f[i]), dev);
      }
      Path rxNohandler = paths.sys("class/net/" + dev + "/statistics/rx_nohandler");
      read.add(rxNohandler.toString());
      kept.readOptional(rxNohandler).ifPresent(v -> nohandler.add(Long.parseUnsignedLong(v), dev));
    }
    if (!read.equals(lastRead)) {
      lastRead = read;
      kept.retain(read::contains);
    }
    return out.snapshots();
  }

  /** How many descriptors this collector keeps open (a test seam). */
  int keptFiles() {
    return kept.size();
  }

  @Override
  public void close() {
    kept.close();
  }

  private static Family family(String key) {
    return Family.counter(
        "node_network_" + key + "_total", "Network device statistic " + key + ".", "device");
  }
}
