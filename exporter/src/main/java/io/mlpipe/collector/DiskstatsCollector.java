package io.mlpipe.collector;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * node_exporter's {@code diskstats} collector: per block device I/O counters from /proc/diskstats
 * (sectors are the kernel's fixed 512 bytes, times in ms), and {@code node_disk_info} with the udev
 * properties from /run/udev/data under rootfs when present. Partitions, loop and ram devices are
 * left out with node_exporter's default {@code --collector.diskstats.device-exclude}.
 */
final class DiskstatsCollector implements Collector {

  // Fixed /proc files, read through kept descriptors (see KeptFiles).
  private final KeptFiles kept = new KeptFiles(8);

  static final String INFO = "node_disk_info";
  static final String READS_COMPLETED = "node_disk_reads_completed_total";
  static final String READS_MERGED = "node_disk_reads_merged_total";
  static final String READ_BYTES = "node_disk_read_bytes_total";
  static final String READ_TIME = "node_disk_read_time_seconds_total";
  static final String WRITES_COMPLETED = "node_disk_writes_completed_total";
  static final String WRITES_MERGED = "node_disk_writes_merged_total";
  static final String WRITTEN_BYTES = "node_disk_written_bytes_total";
  static final String WRITE_TIME = "node_disk_write_time_seconds_total";
  static final String IO_NOW = "node_disk_io_now";
  static final String IO_TIME = "node_disk_io_time_seconds_total";
  static final String IO_TIME_WEIGHTED = "node_disk_io_time_weighted_seconds_total";
  static final String DISCARDS_COMPLETED = "node_disk_discards_completed_total";
  static final String DISCARDS_MERGED = "node_disk_discards_merged_total";
  static final String DISCARDED_SECTORS = "node_disk_discarded_sectors_total";
  static final String DISCARD_TIME = "node_disk_discard_time_seconds_total";
  static final String FLUSH_REQUESTS = "node_disk_flush_requests_total";
  static final String FLUSH_TIME = "node_disk_flush_requests_time_seconds_total";

  /** node_exporter 1.x's default {@code --collector.diskstats.device-exclude}. */
  static final Pattern DEFAULT_EXCLUDE =
      Pattern.compile("^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$");

  /** The kernel's sector unit in /proc/diskstats, whatever the device's block size. */
  static final double SECTOR_BYTES = 512.0;

  private static final double MS = 1.0 / 1000.0;

  /** One column of /proc/diskstats after major, minor and name: metric, help, factor, counter. */
  private record Column(String name, String help, double factor, boolean counter) {}

  private static final List<Column> COLUMNS =
      List.of(
          new Column(READS_COMPLETED, "The total number of reads completed successfully.", 1, true),
          new Column(READS_MERGED, "The total number of reads merged.", 1, true),
          new Column(
              READ_BYTES, "The total number of bytes read successfully.", SECTOR_BYTES, true),
          new Column(READ_TIME, "The total number of seconds spent by all reads.", MS, true),
          new Column(
              WRITES_COMPLETED, "The total number of writes completed successfully.", 1, true),
          new Column(WRITES_MERGED, "The number of writes merged.", 1, true),
          new Column(
              WRITTEN_BYTES, "The total number of bytes written successfully.", SECTOR_BYTES, true),
          new Column(
              WRITE_TIME, "This is the total number of seconds spent by all writes.", MS, true),
          new Column(IO_NOW, "The number of I/Os currently in progress.", 1, false),
          new Column(IO_TIME, "Total seconds spent doing I/Os.", MS, true),
          new Column(IO_TIME_WEIGHTED, "The weighted # of seconds spent doing I/Os.", MS, true),
          new Column(
              DISCARDS_COMPLETED, "The total number of discards completed successfully.", 1, true),
          new Column(DISCARDS_MERGED, "The total number of discards merged.", 1, true),
          new Column(
              DISCARDED_SECTORS, "The total number of sectors discarded successfully.", 1, true),
          new Column(
              DISCARD_TIME, "This is the total number of seconds spent by all discards.", MS, true),
          new Column(
              FLUSH_REQUESTS, "The total number of flush requests completed successfully", 1, true),
          new Column(
              FLUSH_TIME,
              "This is the total number of seconds spent by all flush requests.",
              MS,
              true));

  private final Path diskstats;
  private final Path udevData;
  private final Pattern exclude;

  DiskstatsCollector(HostPaths paths) {
    this(paths, DEFAULT_EXCLUDE);
  }

  DiskstatsCollector(HostPaths paths, Pattern exclude) {
    this.diskstats = paths.proc("diskstats");
    this.udevData = paths.root("/run/udev/data");
    this.exclude = exclude;
  }

  @Override
  public MetricSnapshots collect() throws Exception {
    Families out = new Families();
    Family info =
        out.add(
            Family.info(
                INFO,
                "Info of /sys/block/<block_device>.",
                "device",
                "major",
                "minor",
                "path",
                "wwn",
                "model",
                "serial",
                "revision"));
    Family[] families = new Family[COLUMNS.size()];
    for (int i = 0; i < families.length; i++) {
      Column c = COLUMNS.get(i);
      families[i] =
          out.add(
              c.counter
                  ? Family.counter(c.name, c.help, "device")
                  : Family.gauge(c.name, c.help, "device"));
    }
    for (String line : kept.lines(diskstats)) {
      String[] f = ProcFiles.fields(line);
      if (f.length < 4) {
        continue;
      }
      String dev = f[2];
      if (exclude.matcher(dev).find()) {
        continue;
      }
      Map<String, String> udev = udev(f[0], f[1]);
      info.add(
          1,
          dev,
          f[0],
          f[1],
          udev.getOrDefault("ID_PATH", ""),
          udev.getOrDefault("ID_WWN", ""),
          udev.getOrDefault("ID_MODEL", ""),
          udev.getOrDefault("ID_SERIAL_SHORT", ""),
          udev.getOrDefault("ID_REVISION", ""));
      for (int i = 0; i < families.length && 3 + i < f.length; i++) {
        families[i].add(Long.parseUnsignedLong(f[3 + i]) * COLUMNS.get(i).factor, dev);
      }
    }
    return out.snapshots();
  }

  /** The {@code E:KEY=value} lines of udev's database for block device major:minor. */
  private Map<String, String> udev(String major, String minor) {
    Map<String, String> props = new HashMap<>();
    for (String line :
        ProcFiles.readOptional(udevData.resolve("b" + major + ":" + minor))
            .orElse("")
            .split("\n")) {
      if (line.startsWith("E:")) {
        int eq = line.indexOf('=');
        if (eq > 2) {
          props.put(line.substring(2, eq), line.substring(eq + 1));
        }
      }
    }
    return props;
  }

  @Override
  public void close() {
    kept.close();
  }
}
