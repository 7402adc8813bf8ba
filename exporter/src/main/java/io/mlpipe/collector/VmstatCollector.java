package io.mlpipe.collector;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * node_exporter's {@code vmstat} collector: the /proc/vmstat fields matching its default {@code
 * --collector.vmstat.fields}, untyped as node_exporter exposes them.
 */
final class VmstatCollector implements Collector {

  static final String PREFIX = "node_vmstat_";

  /** node_exporter 1.x's default {@code --collector.vmstat.fields}. */
  static final Pattern DEFAULT_FIELDS = Pattern.compile("^(oom_kill|pgpg|pswp|pg.*fault).*");

  private final Path vmstat;

  VmstatCollector(HostPaths paths) {
    this.vmstat = paths.proc("vmstat");
  }

  @Override
  public MetricSnapshots collect() throws Exception {
    Families out = new Families();
    for (String line : ProcFiles.lines(vmstat)) {
      String[] f = ProcFiles.fields(line);
      if (f.length < 2 || !DEFAULT_FIELDS.matcher(f[0]).lookingAt()) {
        continue;
      }
      out.add(Family.untyped(PREFIX + f[0], "/proc/vmstat information field " + f[0] + "."))
          .add(Double.parseDouble(f[1]));
    }
    return out.snapshots();
  }
}
