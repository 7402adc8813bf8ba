package io.mlpipe.collector;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * node_exporter's {@code netclass} collector (where {@code node_network_up} and {@code
 * node_network_info} come from): per interface properties from /sys/class/net/&lt;iface&gt;. A
 * property the kernel refuses to read (the carrier of a link that is down) is left out, as in
 * node_exporter.
 */
final class NetclassCollector implements Collector {

  static final String UP = "node_network_up";
  static final String INFO = "node_network_info";
  static final String MTU = "node_network_mtu_bytes";
  static final String CARRIER = "node_network_carrier";
  static final String TRANSMIT_QUEUE_LENGTH = "node_network_transmit_queue_length";
  static final String IFACE_ID = "node_network_iface_id";
  static final String PROTOCOL_TYPE = "node_network_protocol_type";

  private final Path classNet;

  // The interfaces' attribute files through kept descriptors (see KeptFiles): ~11 per interface,
  // ~45 opens and closes per scrape on a host with 4 interfaces. Those of an interface that is no
  // longer listed are closed when the listing changes.
  private final KeptFiles kept = new KeptFiles(512);
  private volatile Set<String> listed = Set.of();

  NetclassCollector(HostPaths paths) {
    this.classNet = paths.sys("class/net");
  }

  @Override
  public MetricSnapshots collect() throws Exception {
    Families out = new Families();
    if (!ProcFiles.isDirectory(classNet)) {
      return out.snapshots();
    }
    Family up =
        out.add(Family.gauge(UP, "Value is 1 if operstate is 'up', 0 otherwise.", "device"));
    Family info =
        out.add(
            Family.info(
                INFO,
                "Non-numeric data from /sys/class/net/<iface>, value is always 1.",
                "device",
                "address",
                "broadcast",
                "duplex",
                "operstate",
                "ifalias"));
    Family carrier = out.add(Family.gauge(CARRIER, "Network device property: carrier", "device"));
    Family ifaceId = out.add(Family.gauge(IFACE_ID, "Network device property: iface_id", "device"));
    Family mtu = out.add(Family.gauge(MTU, "Network device property: mtu_bytes", "device"));
    Family protocol =
        out.add(Family.gauge(PROTOCOL_TYPE, "Network device property: protocol_type", "device"));
    Family txqlen =
        out.add(
            Family.gauge(
                TRANSMIT_QUEUE_LENGTH, "Network device property: transmit_queue_length", "device"));
    List<Path> interfaces = interfaces();
    forgetGone(interfaces);
    for (Path iface : interfaces) {
      String dev = iface.getFileName().toString();
      String operstate = value(iface, "operstate").orElse("");
      up.add(operstate.equals("up") ? 1 : 0, dev);
      info.add(
          1,
          dev,
          value(iface, "address").orElse(""),
          value(iface, "broadcast").orElse(""),
          value(iface, "duplex").orElse(""),
          operstate,
          value(iface, "ifalias").orElse(""));
      number(iface, "carrier").ifPresent(v -> carrier.add(v, dev));
      number(iface, "ifindex").ifPresent(v -> ifaceId.add(v, dev));
      number(iface, "mtu").ifPresent(v -> mtu.add(v, dev));
      number(iface, "type").ifPresent(v -> protocol.add(v, dev));
      number(iface, "tx_queue_len").ifPresent(v -> txqlen.add(v, dev));
    }
    return out.snapshots();
  }

  private List<Path> interfaces() throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(classNet)) {
      for (Path p : dirs) {
        // bonding_masters and the like are files, not interfaces.
        if (ProcFiles.isDirectory(p)) {
          out.add(p);
        }
      }
    }
    out.sort(null);
    return out;
  }

  /** Closes the kept descriptors of interfaces that are not in {@code interfaces}. */
  private void forgetGone(List<Path> interfaces) {
    Set<String> dirs = new HashSet<>();
    for (Path iface : interfaces) {
      dirs.add(iface.toString() + "/");
    }
    if (!dirs.equals(listed)) {
      listed = dirs;
      kept.retain(file -> dirs.contains(file.substring(0, file.lastIndexOf('/') + 1)));
    }
  }

  /** How many descriptors this collector keeps open (a test seam). */
  int keptFiles() {
    return kept.size();
  }

  @Override
  public void close() {
    kept.close();
  }

  private Optional<String> value(Path iface, String name) {
    return kept.readOptional(iface.resolve(name));
  }

  private Optional<Double> number(Path iface, String name) {
    try {
      return value(iface, name).map(Double::parseDouble);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
