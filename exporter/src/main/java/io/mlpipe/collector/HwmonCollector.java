package io.mlpipe.collector;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The temperature part of node_exporter's {@code hwmon} collector: {@code
 * node_hwmon_temp_celsius{chip,sensor}} (and {@code _max}, {@code _crit}, ... for the other {@code
 * tempN_*} values) from /sys/class/hwmon, named the way node_exporter names chips (from the device
 * path, e.g. {@code platform_coretemp_0}), with {@code node_hwmon_chip_names} and {@code
 * node_hwmon_sensor_label}. Fans, voltages and power are not read.
 */
final class HwmonCollector implements Collector {

  static final String TEMP = "node_hwmon_temp_celsius";
  static final String CHIP_NAMES = "node_hwmon_chip_names";
  static final String SENSOR_LABEL = "node_hwmon_sensor_label";

  private static final Pattern INVALID = Pattern.compile("[^a-z0-9:_]");
  private static final Pattern TEMP_FILE = Pattern.compile("^temp([0-9]*)(?:_(.+))?$");

  private final Path hwmon;

  HwmonCollector(HostPaths paths) {
    this.hwmon = paths.sys("class/hwmon");
  }

  @Override
  public MetricSnapshots collect() throws Exception {
    Families out = new Families();
    if (!ProcFiles.isDirectory(hwmon)) {
      return out.snapshots();
    }
    Family chipNames =
        out.add(
            Family.gauge(
                CHIP_NAMES,
                "Annotation metric for human-readable chip names",
                "chip",
                "chip_name"));
    Family labels =
        out.add(
            Family.gauge(
                SENSOR_LABEL, "Label for given chip and sensor", "chip", "sensor", "label"));
    Map<String, Family> temps = new TreeMap<>();
    for (Path dir : dirs(hwmon)) {
      String chip = chipName(dir);
      ProcFiles.readOptional(dir.resolve("name"))
          .map(HwmonCollector::clean)
          .filter(s -> !s.isEmpty())
          .ifPresent(n -> chipNames.add(1, chip, n));
      // sensor -> property -> value, from the hwmon dir and its device dir (older drivers).
      Map<String, Map<String, String>> sensors = new TreeMap<>();
      read(dir, sensors);
      if (ProcFiles.isDirectory(dir.resolve("device"))) {
        read(dir.resolve("device"), sensors);
      }
      for (Map.Entry<String, Map<String, String>> s : sensors.entrySet()) {
        String sensor = s.getKey();
        Map<String, String> props = s.getValue();
        if (props.containsKey("label")) {
          labels.add(1, chip, sensor, props.get("label"));
        }
        for (Map.Entry<String, String> p : props.entrySet()) {
          String element = p.getKey();
          if (element.equals("label") || element.equals("type")) {
            continue;
          }
          double value;
          try {
            value = Double.parseDouble(p.getValue());
          } catch (NumberFormatException e) {
            continue;
          }
          String name = "node_hwmon_temp";
          String help;
          if (element.equals("fault") || element.equals("alarm")) {
            name += "_" + element;
            help = "Hardware sensor " + element + " status (temp)";
          } else {
            if (element.equals("input") && props.containsKey("")) {
              name += "_input";
            } else if (!element.isEmpty() && !element.equals("input")) {
              name += "_" + clean(element);
            }
            name += "_celsius";
            help =
                "Hardware monitor for temperature ("
                    + (element.isEmpty() ? "input" : element)
                    + ")";
            value *= 0.001;
          }
          String finalName = name;
          String finalHelp = help;
          temps
              .computeIfAbsent(finalName, n -> Family.gauge(n, finalHelp, "chip", "sensor"))
              .add(value, chip, sensor);
        }
      }
    }
    temps.values().forEach(out::add);
    return out.snapshots();
  }

  private static void read(Path dir, Map<String, Map<String, String>> sensors) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "temp*")) {
      for (Path f : files) {
        Matcher m = TEMP_FILE.matcher(f.getFileName().toString());
        if (!m.matches() || !ProcFiles.isRegularFile(f)) {
          continue;
        }
        String sensor = "temp" + (m.group(1).isEmpty() ? "0" : Integer.parseInt(m.group(1)));
        String prop = m.group(2) == null ? "" : m.group(2);
        Optional<String> v = ProcFiles.readOptional(f);
        v.ifPresent(val -> sensors.computeIfAbsent(sensor, k -> new TreeMap<>()).put(prop, val));
      }
    }
  }

  private static List<Path> dirs(Path parent) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent)) {
      for (Path p : ds) {
        if (ProcFiles.isDirectory(p)) {
          out.add(p);
        }
      }
    }
    out.sort(null);
    return out;
  }

  /** node_exporter's chip name: from the device path, else the name file, else hwmonN. */
  static String chipName(Path dir) throws IOException {
    Path device = dir.resolve("device");
    if (ProcFiles.exists(device)) {
      Path real = device.toRealPath();
      String devName = clean(real.getFileName().toString());
      Path parent = real.getParent();
      String devType = parent == null ? "" : clean(parent.getFileName().toString());
      if (!devType.isEmpty() && !devName.isEmpty()) {
        return devType + "_" + devName;
      }
      if (!devName.isEmpty()) {
        return devName;
      }
    }
    Optional<String> name = ProcFiles.readOptional(dir.resolve("name")).map(HwmonCollector::clean);
    if (name.isPresent() && !name.get().isEmpty()) {
      return name.get();
    }
    return clean(dir.toRealPath().getFileName().toString());
  }

  static String clean(String name) {
    String replaced = INVALID.matcher(name.toLowerCase(Locale.ROOT)).replaceAll("_");
    int start = 0;
    int end = replaced.length();
    while (start < end && replaced.charAt(start) == '_') {
      start++;
    }
    while (end > start && replaced.charAt(end - 1) == '_') {
      end--;
    }
    return replaced.substring(start, end);
  }
}
