package io.mlpipe.collector;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * node_exporter's {@code vmstat} collector: the /proc/vmstat fields matching its default {@code
 * --collector.vmstat.fields}, untyped as node_exporter exposes them.
 */
final class VmstatCollector implements Collector {

  // Fixed /proc files, read through kept descriptors (see KeptFiles).
  private final KeptFiles kept = new KeptFiles(8);
  // Its many families, put in order the way the last scrape found it (see SnapshotOrder).
  private final SnapshotOrder order = new SnapshotOrder();

  static final String PREFIX = "node_vmstat_";

  /** node_exporter 1.x's default {@code --collector.vmstat.fields}. */
  static final Pattern DEFAULT_FIELDS = Pattern.compile("^(oom_kill|pgpg|pswp|pg.*fault).*");

  private final Path vmstat;

  /** A selected field's family name and help. */
  private record Field(String name, String help) {}

  private static final Field SKIP = new Field("", "");

  // /proc/vmstat field -> its family, or SKIP: the kernel's ~200 field names are the same on every
  // scrape, so the pattern and the concatenations run once per name, not per line per scrape
  // (they were half of this collector's time in JFR).
  private final Map<String, Field> fields = new ConcurrentHashMap<>();

  VmstatCollector(HostPaths paths) {
    this.vmstat = paths.proc("vmstat");
  }

  // The same, by line position: recognised in place without a split (see LineTokens).
  private final LineTokens<Field> byLine = new LineTokens<>();

  @Override
  public MetricSnapshots collect() throws Exception {
    Families out = new Families();
    String text = kept.text(vmstat);
    int n = text.length();
    int lineNo = 0;
    for (int start = 0; start < n; lineNo++) {
      int nl = text.indexOf('\n', start);
      int end = nl < 0 ? n : nl;
      int i = ProcFiles.skipSpace(text, start, end);
      int e = ProcFiles.skipToken(text, i, end);
      int vi = ProcFiles.skipSpace(text, e, end);
      int ve = ProcFiles.skipToken(text, vi, end);
      start = end + 1;
      if (vi == ve) {
        continue; // fewer than two fields
      }
      Field field = byLine.get(lineNo, text, i, e);
      if (field == null) {
        field = field(text.substring(i, e));
        byLine.put(lineNo, text.substring(i, e), field);
      }
      if (field != SKIP) {
        out.add(Family.untyped(field.name, field.help)).add(ProcFiles.number(text, vi, ve));
      }
    }
    return out.snapshots(order);
  }

  private Field field(String name) {
    Field field = fields.get(name);
    if (field == null) {
      field =
          DEFAULT_FIELDS.matcher(name).lookingAt()
              ? new Field(PREFIX + name, "/proc/vmstat information field " + name + ".")
              : SKIP;
      fields.put(name, field);
    }
    return field;
  }

  @Override
  public void close() {
    kept.close();
  }
}
