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
  // Its many families, put in order the way the last scrape found it (see SnapshotOrder).
  private final SnapshotOrder order = new SnapshotOrder();

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

  // The same, by line position: recognised in place without a split (see LineTokens).
  private final LineTokens<Field> byLine = new LineTokens<>();

  @Override
  public MetricSnapshots collect() throws Exception {
    Families out = new Families();
    String text = kept.text(meminfo);
    int n = text.length();
    int lineNo = 0;
    for (int start = 0; start < n; lineNo++) {
      int nl = text.indexOf('\n', start);
      int end = nl < 0 ? n : nl;
      int lineStart = start;
      start = end + 1;
      // Name:, value and an optional unit (kB), nothing else.
      int i = ProcFiles.skipSpace(text, lineStart, end);
      if (i == end) {
        continue;
      }
      int e = ProcFiles.skipToken(text, i, end);
      int vi = ProcFiles.skipSpace(text, e, end);
      int ve = ProcFiles.skipToken(text, vi, end);
      int ui = ProcFiles.skipSpace(text, ve, end);
      int ue = ProcFiles.skipToken(text, ui, end);
      boolean unit = ui < end;
      if (vi == end || ProcFiles.skipSpace(text, ue, end) < end || text.charAt(e - 1) != ':') {
        throw new IOException(
            "invalid line in " + meminfo + ": " + text.substring(lineStart, end).strip());
      }
      double v = ProcFiles.number(text, vi, ve);
      Field field = byLine.get(lineNo, text, i, e);
      if (field == null || field.kilobytes != unit) {
        String token = text.substring(i, e);
        Map<String, Field> fields = unit ? withUnit : withoutUnit;
        field = fields.get(token);
        if (field == null) {
          field = field(token, unit);
          fields.put(token, field);
        }
        byLine.put(lineNo, token, field);
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
    return out.snapshots(order);
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
