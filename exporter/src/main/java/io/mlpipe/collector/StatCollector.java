package io.mlpipe.collector;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.nio.file.Path;

/**
 * node_exporter's {@code stat} collector: boot time, interrupts, context switches, forks and
 * process states from /proc/stat.
 */
final class StatCollector implements Collector {

  // Fixed /proc files, read through kept descriptors (see KeptFiles).
  private final KeptFiles kept = new KeptFiles(8);

  static final String BOOT_TIME = "node_boot_time_seconds";
  static final String INTR = "node_intr_total";
  static final String CONTEXT_SWITCHES = "node_context_switches_total";
  static final String FORKS = "node_forks_total";
  static final String PROCS_RUNNING = "node_procs_running";
  static final String PROCS_BLOCKED = "node_procs_blocked";

  private final Path stat;

  StatCollector(HostPaths paths) {
    this.stat = paths.proc("stat");
  }

  @Override
  public MetricSnapshots collect() throws Exception {
    Families out = new Families();
    Family intr = out.add(Family.counter(INTR, "Total number of interrupts serviced."));
    Family ctxt = out.add(Family.counter(CONTEXT_SWITCHES, "Total number of context switches."));
    Family forks = out.add(Family.counter(FORKS, "Total number of forks."));
    Family btime = out.add(Family.gauge(BOOT_TIME, "Node boot time, in unixtime."));
    Family running = out.add(Family.gauge(PROCS_RUNNING, "Number of processes in runnable state."));
    Family blocked =
        out.add(
            Family.gauge(
                PROCS_BLOCKED, "Number of processes blocked waiting for I/O to complete."));
    for (String line : kept.lines(stat)) {
      String[] f = ProcFiles.fields(line);
      if (f.length < 2) {
        continue;
      }
      double v = Double.parseDouble(f[1]);
      switch (f[0]) {
        case "intr" -> intr.add(v);
        case "ctxt" -> ctxt.add(v);
        case "processes" -> forks.add(v);
        case "btime" -> btime.add(v);
        case "procs_running" -> running.add(v);
        case "procs_blocked" -> blocked.add(v);
        default -> {}
      }
    }
    return out.snapshots();
  }

  @Override
  public void close() {
    kept.close();
  }
}
