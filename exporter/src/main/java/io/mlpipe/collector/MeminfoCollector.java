package io.mlpipe.collector;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * node_exporter's {@code meminfo} collector: every field of /proc/meminfo as {@code
 * node_memory_<Field>_bytes} (kB values times 1024) or, for the unit-less ones such as {@code
 * HugePages_Total}, {@code node_memory_<Field>}. {@code Active(anon)} becomes {@code Active_anon}.
 */
final class MeminfoCollector implements Collector {

  // Fixed /proc files, read through kept descriptors (see KeptFiles).
  private final KeptFiles kept = new KeptFiles(8);

  static final String PREFIX = "node_memory_";
  static final String MEM_TOTAL = "node_memory_MemTotal_bytes";
  static final String MEM_AVAILABLE = "node_memory_MemAvailable_bytes";

  private static final Pattern PARENS = Pattern.compile("\\((.*)\\)");

  private final Path meminfo;

  /** A line's family: name, help, counter or gauge, and whether its kB become bytes. */
  private record Field(String name, String help, boolean counter, boolean kilobytes) {}

  // "Name:" -> its family, for lines with and without a kB unit: the kernel's ~55 names are the
  // same on every scrape, so the regex and the concatenations run once per name, not per line
  // per scrape.
  private final Map<String, Field> withUnit = new ConcurrentHashMap<>();
  private final Map<String, Field> withoutUnit = new ConcurrentHashMap<>();

  MeminfoCollector(HostPaths paths) {
    this.meminfo = paths.proc("meminfo");
  }

  @Override
  public MetricSnapshots collect() throws Exception {
    Families out = new Families();
    for (String line : kept.lines(meminfo)) {
      String[] f = ProcFiles.fields(line);
      if (f.length == 0) {
        continue;
      }
      if (f.length < 2 || f.length > 3 || !f[0].endsWith(":")) {
        throw new IOException("invalid line in " + meminfo + ": " + line);
      }
      double v = Double.parseDouble(f[1]);
      Map<String, Field> fields = f.length == 3 ? withUnit : withoutUnit;
      Field field = fields.get(f[0]);
      if (field == null) {
        field = field(f[0], f.length == 3);
        fields.put(f[0], field);
      }
      if (field.kilobytes) {
        v *= 1024;
      }
      Family family =
          field.counter
              ? Family.counter(field.name, field.help)
              : Family.gauge(field.name, field.help);
      out.add(family).add(v);
    }
    return out.snapshots();
  }

  private static Field field(String token, boolean kilobytes) {
    Matcher m = PARENS.matcher(token.substring(0, token.length() - 1));
    String key = m.replaceAll("_$1");
    if (kilobytes) {
      key += "_bytes";
    }
    String name = PREFIX + key;
    return new Field(
        name, "Memory information field " + key + ".", name.endsWith("_total"), kilobytes);
  }

  @Override
  public void close() {
    kept.close();
  }
}
