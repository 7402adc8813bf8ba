package io.mlpipe.collector;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.nio.file.Path;
import java.util.List;

/**
 * node_exporter's {@code pressure} collector: pressure stall information (PSI) totals from
 * /proc/pressure/{cpu,io,memory}, in seconds. A kernel without PSI (before 4.20, or {@code psi=0})
 * gives no series and no error, as in node_exporter.
 */
final class PressureCollector implements Collector {

  // Fixed /proc files, read through kept descriptors (see KeptFiles).
  private final KeptFiles kept = new KeptFiles(8);

  static final String CPU_WAITING = "node_pressure_cpu_waiting_seconds_total";
  static final String IO_WAITING = "node_pressure_io_waiting_seconds_total";
  static final String IO_STALLED = "node_pressure_io_stalled_seconds_total";
  static final String MEMORY_WAITING = "node_pressure_memory_waiting_seconds_total";
  static final String MEMORY_STALLED = "node_pressure_memory_stalled_seconds_total";

  private final HostPaths paths;

  PressureCollector(HostPaths paths) {
    this.paths = paths;
  }

  @Override
  public MetricSnapshots collect() throws Exception {
    Families out = new Families();
    Path cpu = paths.proc("pressure/cpu");
    String cpuText = kept.textIfExists(cpu);
    if (cpuText == null) {
      return out.snapshots();
    }
    out.add(
            Family.counter(
                CPU_WAITING, "Total time in seconds that processes have waited for CPU time"))
        .add(total(cpuText.lines().toList(), "some"));
    // Each file is read once for its some and full lines.
    List<String> io = kept.lines(paths.proc("pressure/io"));
    out.add(
            Family.counter(
                IO_WAITING,
                "Total time in seconds that processes have waited due to IO congestion"))
        .add(total(io, "some"));
    out.add(
            Family.counter(
                IO_STALLED,
                "Total time in seconds no process could make progress due to IO congestion"))
        .add(total(io, "full"));
    List<String> mem = kept.lines(paths.proc("pressure/memory"));
    out.add(
            Family.counter(
                MEMORY_WAITING, "Total time in seconds that processes have waited for memory"))
        .add(total(mem, "some"));
    out.add(
            Family.counter(
                MEMORY_STALLED,
                "Total time in seconds no process could make progress due to memory congestion"))
        .add(total(mem, "full"));
    return out.snapshots();
  }

  /** The {@code total=} microseconds of the {@code some} or {@code full} line, in seconds. */
  private static double total(List<String> lines, String kind) {
    for (String line : lines) {
      String[] f = ProcFiles.fields(line);
      if (f.length > 0 && f[0].equals(kind)) {
        for (String kv : f) {
          if (kv.startsWith("total=")) {
            return Long.parseLong(kv.substring(6)) / 1e6;
          }
        }
      }
    }
    // Older kernels have no "full" line for cpu (and node_exporter reports 0 then).
    return 0;
  }

  @Override
  public void close() {
    kept.close();
  }
}
