package io.mlpipe.collector;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * node_exporter's {@code meminfo} collector: every field of /proc/meminfo as {@code
 * node_memory_<Field>_bytes} (kB values times 1024) or, for the unit-less ones such as {@code
 * HugePages_Total}, {@code node_memory_<Field>}. {@code Active(anon)} becomes {@code Active_anon}.
 */
final class MeminfoCollector implements Collector {

  static final String PREFIX = "node_memory_";
  static final String MEM_TOTAL = "node_memory_MemTotal_bytes";
  static final String MEM_AVAILABLE = "node_memory_MemAvailable_bytes";

  private static final Pattern PARENS = Pattern.compile("\\((.*)\\)");

  private final Path meminfo;

  MeminfoCollector(HostPaths paths) {
    this.meminfo = paths.proc("meminfo");
  }

  @Override
  public MetricSnapshots collect() throws Exception {
    Families out = new Families();
    for (String line : ProcFiles.lines(meminfo)) {
      String[] f = ProcFiles.fields(line);
      if (f.length == 0) {
        continue;
      }
      if (f.length < 2 || f.length > 3 || !f[0].endsWith(":")) {
        throw new IOException("invalid line in " + meminfo + ": " + line);
      }
      double v = Double.parseDouble(f[1]);
      Matcher m = PARENS.matcher(f[0].substring(0, f[0].length() - 1));
      String key = m.replaceAll("_$1");
      if (f.length == 3) {
        v *= 1024;
        key += "_bytes";
      }
      String name = PREFIX + key;
      Family family =
          name.endsWith("_total")
              ? Family.counter(name, "Memory information field " + key + ".")
              : Family.gauge(name, "Memory information field " + key + ".");
      out.add(family).add(v);
    }
    return out.snapshots();
  }
}
