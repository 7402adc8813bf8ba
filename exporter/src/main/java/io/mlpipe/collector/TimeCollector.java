package io.mlpipe.collector;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * node_exporter's {@code time} collector: the system clock, the time zone offset and the
 * clocksources from /sys/devices/system/clocksource.
 */
final class TimeCollector implements Collector {

  // The clocksource attributes (listed once, see clocksourceDirs), through kept descriptors.
  private final KeptFiles kept = new KeptFiles(16);

  static final String SECONDS = "node_time_seconds";
  static final String ZONE_OFFSET = "node_time_zone_offset_seconds";
  static final String CLOCKSOURCE_AVAILABLE = "node_time_clocksource_available_info";
  static final String CLOCKSOURCE_CURRENT = "node_time_clocksource_current_info";

  private final Path clocksources;
  private final Clock clock;
  private volatile ZoneName lastZone;
  private volatile List<Path> dirs;

  TimeCollector(HostPaths paths) {
    this(paths, Clock.systemDefaultZone());
  }

  TimeCollector(HostPaths paths, Clock clock) {
    this.clocksources = paths.sys("devices/system/clocksource");
    this.clock = clock;
  }

  @Override
  public MetricSnapshots collect() throws Exception {
    Families out = new Families();
    Instant now = clock.instant();
    out.add(Family.gauge(SECONDS, "System time in seconds since epoch (1970)."))
        .add(now.getEpochSecond() + now.getNano() / 1e9);
    ZoneId zone = clock.getZone();
    boolean dst = zone.getRules().isDaylightSavings(now);
    out.add(Family.gauge(ZONE_OFFSET, "System time zone offset in seconds.", "time_zone"))
        .add(zone.getRules().getOffset(now).getTotalSeconds(), abbreviation(zone, dst));

    Family available =
        out.add(
            Family.info(
                CLOCKSOURCE_AVAILABLE,
                "Available clocksources read from '/sys/devices/system/clocksource'.",
                "device",
                "clocksource"));
    Family current =
        out.add(
            Family.info(
                CLOCKSOURCE_CURRENT,
                "Current clocksource read from '/sys/devices/system/clocksource'.",
                "device",
                "clocksource"));
    int i = 0;
    for (Path dir : clocksourceDirs()) {
      String device = Integer.toString(i++);
      for (String cs :
          ProcFiles.fields(kept.readOptional(dir.resolve("available_clocksource")).orElse(""))) {
        available.add(1, device, cs);
      }
      current.add(1, device, kept.readOptional(dir.resolve("current_clocksource")).orElse(""));
    }
    return out.snapshots();
  }

  /**
   * The zone's short name ("CET", "CEST"), remembered per zone and daylight-saving state: looking
   * it up walks the JDK's locale data (TimeZoneNameUtility) and took more of a scrape than the rest
   * of this collector.
   */
  private String abbreviation(ZoneId zone, boolean dst) {
    ZoneName last = this.lastZone;
    if (last != null && last.zone.equals(zone) && last.dst == dst) {
      return last.abbreviation;
    }
    String abbreviation;
    if (zone.getId().equals("Z") || zone.getId().equals("UTC") || zone.getId().equals("Etc/UTC")) {
      abbreviation = "UTC"; // without loading the JDK's locale data (heap) on most servers
    } else {
      abbreviation =
          java.util.TimeZone.getTimeZone(zone)
              .getDisplayName(dst, java.util.TimeZone.SHORT, Locale.ROOT);
      if (abbreviation.startsWith("GMT") && abbreviation.length() > 3) {
        abbreviation = zone.getDisplayName(TextStyle.SHORT, Locale.ROOT);
      }
    }
    this.lastZone = new ZoneName(zone, dst, abbreviation);
    return abbreviation;
  }

  private record ZoneName(ZoneId zone, boolean dst, String abbreviation) {}

  /**
   * The clocksource devices (clocksource0, ...), listed once: the kernel registers them at boot and
   * never adds a device directory later, and listing with a glob compiled a regex on every scrape.
   * Their files (the current clocksource can be switched at run time) are read on every scrape.
   */
  private List<Path> clocksourceDirs() throws IOException {
    List<Path> dirs = this.dirs;
    if (dirs == null) {
      dirs = listClocksourceDirs();
      this.dirs = dirs;
    }
    return dirs;
  }

  private List<Path> listClocksourceDirs() throws IOException {
    List<Path> out = new ArrayList<>();
    if (!ProcFiles.isDirectory(clocksources)) {
      return out;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(clocksources, "clocksource*")) {
      dirs.forEach(out::add);
    }
    out.sort(null);
    return List.copyOf(out);
  }

  @Override
  public void close() {
    kept.close();
  }
}
