package io.mlpipe.collector.gpu;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Parses what {@code nvidia-smi --query-gpu=... --format=csv[,noheader][,nounits]} and {@code
 * --query-compute-apps=...} print: cells separated by {@code ", "}, optional units ({@code 19818
 * MiB}, {@code 631.95 W}, {@code 100 %}), and the driver's words for a missing value ({@code
 * [N/A]}, {@code N/A}, {@code [Not Supported]}, {@code [Unknown Error]}, {@code [GPU is lost]},
 * {@code [Requested functionality has been deprecated]}), which all become {@code NaN}.
 */
final class NvidiaSmiCsv {

  /** What the agent asks nvidia-smi for, in this order. */
  static final List<String> GPU_FIELDS =
      List.of(
          "index",
          "uuid",
          "name",
          "pci.bus_id",
          "driver_version",
          "utilization.gpu",
          "utilization.memory",
          "memory.total",
          "memory.used",
          "memory.free",
          "temperature.gpu",
          "power.draw",
          "clocks.sm",
          "clocks.mem",
          "pcie.link.gen.current",
          "pcie.link.width.current");

  static final List<String> APP_FIELDS = List.of("gpu_uuid", "pid", "process_name", "used_memory");

  /** Header names nvidia-smi prints for a field asked under another of its names. */
  private static final Map<String, String> ALIASES =
      Map.ofEntries(
          Map.entry("gpu_uuid", "uuid"),
          Map.entry("gpu_name", "name"),
          Map.entry("gpu_bus_id", "pci.bus_id"),
          Map.entry("clocks.current.sm", "clocks.sm"),
          Map.entry("clocks.current.memory", "clocks.mem"),
          Map.entry("clocks.current.graphics", "clocks.gr"),
          Map.entry("used_gpu_memory", "used_memory"),
          Map.entry("pcie.link.gen.gpucurrent", "pcie.link.gen.gpucurrent"));

  private NvidiaSmiCsv() {}

  /**
   * The rows of {@code csv} as field name to raw cell. With {@code header}, the first line names
   * the columns (units in brackets are dropped, aliases mapped); without, {@code fields} do.
   */
  static List<Map<String, String>> rows(String csv, List<String> fields, boolean header) {
    List<String> lines = new ArrayList<>();
    for (String line : csv.split("\r?\n")) {
      if (!line.isBlank()) {
        lines.add(line);
      }
    }
    List<String> columns = new ArrayList<>();
    if (header && !lines.isEmpty()) {
      for (String h : split(lines.remove(0))) {
        int bracket = h.indexOf(" [");
        String name = (bracket > 0 ? h.substring(0, bracket) : h).strip();
        columns.add(canonical(name));
      }
    } else {
      fields.forEach(f -> columns.add(canonical(f)));
    }
    List<Map<String, String>> out = new ArrayList<>();
    for (String line : lines) {
      List<String> cells = split(line);
      if (cells.size() > columns.size()) {
        // A name with ", " in it: put the overflow back into the first name column.
        int nameCol = Math.max(columns.indexOf("name"), columns.indexOf("process_name"));
        if (nameCol < 0) {
          continue;
        }
        int extra = cells.size() - columns.size();
        List<String> merged = new ArrayList<>(cells.subList(0, nameCol));
        merged.add(String.join(", ", cells.subList(nameCol, nameCol + extra + 1)));
        merged.addAll(cells.subList(nameCol + extra + 1, cells.size()));
        cells = merged;
      }
      if (cells.size() < columns.size()) {
        continue; // a truncated line (nvidia-smi killed mid-write)
      }
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < columns.size(); i++) {
        row.put(columns.get(i), cells.get(i));
      }
      out.add(row);
    }
    return out;
  }

  /** The device rows as a reading; {@code deviceName} maps a PCI bus id to e.g. nvidia0. */
  static GpuReading reading(
      List<Map<String, String>> gpus,
      List<Map<String, String>> apps,
      Function<String, String> deviceName) {
    List<GpuReading.Device> devices = new ArrayList<>();
    String driver = "";
    int row = 0;
    for (Map<String, String> g : gpus) {
      double idx = number(g.get("index"));
      int index = Double.isNaN(idx) ? row : (int) idx;
      row++;
      String bus = text(g.get("pci.bus_id"));
      if (driver.isEmpty()) {
        driver = text(g.get("driver_version"));
      }
      String dev = deviceName.apply(bus);
      devices.add(
          new GpuReading.Device(
              index,
              text(g.get("uuid")),
              text(g.get("name")),
              bus,
              dev == null ? "nvidia" + index : dev,
              number(g.get("utilization.gpu")),
              number(g.get("utilization.memory")),
              number(g.get("memory.used")),
              number(g.get("memory.free")),
              number(g.get("memory.total")),
              number(g.get("temperature.gpu")),
              number(g.get("power.draw")),
              number(g.get("clocks.sm")),
              number(g.get("clocks.mem")),
              number(g.get("pcie.link.gen.current")),
              number(g.get("pcie.link.width.current")),
              Double.NaN));
    }
    List<GpuReading.Process> processes = new ArrayList<>();
    for (Map<String, String> a : apps) {
      double pid = number(a.get("pid"));
      if (Double.isNaN(pid)) {
        continue;
      }
      processes.add(
          new GpuReading.Process(
              text(a.get("uuid")),
              (long) pid,
              text(a.get("process_name")),
              number(a.get("used_memory"))));
    }
    return new GpuReading(driver, devices, processes);
  }

  /** A numeric cell without its unit; any of the driver's "no value" words is NaN. */
  static double number(String cell) {
    if (cell == null) {
      return Double.NaN;
    }
    String s = cell.strip();
    if (s.isEmpty() || s.startsWith("[") || s.toUpperCase(Locale.ROOT).startsWith("N/A")) {
      return Double.NaN;
    }
    int space = s.indexOf(' ');
    if (space > 0) {
      s = s.substring(0, space); // "19818 MiB", "631.95 W", "100 %"
    }
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** A text cell; a "no value" word is the empty string. */
  static String text(String cell) {
    if (cell == null) {
      return "";
    }
    String s = cell.strip();
    return s.startsWith("[") || s.equals("N/A") ? "" : s;
  }

  private static String canonical(String field) {
    return ALIASES.getOrDefault(field, field);
  }

  private static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    for (String cell : line.split(",", -1)) {
      out.add(cell.strip());
    }
    return out;
  }
}
