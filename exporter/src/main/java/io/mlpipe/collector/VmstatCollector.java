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

  @Override
  public MetricSnapshots collect() throws Exception {
    Families out = new Families();
    for (String line : kept.lines(vmstat)) {
      String[] f = ProcFiles.fields(line);
      if (f.length < 2) {
        continue;
      }
      Field field = fields.get(f[0]);
      if (field == null) {
        field =
            DEFAULT_FIELDS.matcher(f[0]).lookingAt()
                ? new Field(PREFIX + f[0], "/proc/vmstat information field " + f[0] + ".")
                : SKIP;
        fields.put(f[0], field);
      }
      if (field != SKIP) {
        out.add(Family.untyped(field.name, field.help)).add(Double.parseDouble(f[1]));
      }
    }
    return out.snapshots();
  }

  @Override
  public void close() {
    kept.close();
  }
}
