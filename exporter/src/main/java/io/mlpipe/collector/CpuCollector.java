package io.mlpipe.collector;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * node_exporter's {@code cpu} collector: seconds each CPU spent per mode, from the {@code cpuN}
 * lines of /proc/stat. Like node_exporter, a counter that goes backwards keeps its previous value,
 * and an idle counter that drops by 3 s or more (CPU hot-plug) resets that CPU.
 */
final class CpuCollector implements Collector {

  // Fixed /proc files, read through kept descriptors (see KeptFiles).
  private final KeptFiles kept = new KeptFiles(8);

  static final String SECONDS = "node_cpu_seconds_total";
  static final String GUEST_SECONDS = "node_cpu_guest_seconds_total";

  /** USER_HZ: the unit of /proc/stat, 100 on every Linux architecture Prometheus supports. */
  static final double USER_HZ = 100.0;

  private static final String[] MODES = {
    "user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"
  };
  private static final int GUEST = 8;
  private static final int GUEST_NICE = 9;
  private static final int IDLE = 3;
  private static final double JUMP_BACK_SECONDS = 3.0;

  private final Path stat;
  // By CPU id ("0", "1", ...), in /proc/stat's order: when a CPU goes offline and another comes
  // online, each keeps its own values (positions would shift them onto the wrong CPU).
  private Map<String, double[]> last = new LinkedHashMap<>();

  CpuCollector(HostPaths paths) {
    this.stat = paths.proc("stat");
  }

  @Override
  public synchronized MetricSnapshots collect() throws Exception {
    List<String> ids = new ArrayList<>();
    List<double[]> values = new ArrayList<>();
    for (String line : kept.lines(stat)) {
      if (!line.startsWith("cpu") || line.startsWith("cpu ")) {
        continue;
      }
      String[] f = ProcFiles.fields(line);
      double[] v = new double[10];
      for (int i = 1; i < f.length && i <= v.length; i++) {
        v[i - 1] = Long.parseUnsignedLong(f[i]) / USER_HZ;
      }
      ids.add(f[0].substring(3));
      values.add(v);
    }
    update(ids.toArray(String[]::new), values);

    Families out = new Families();
    Family seconds =
        out.add(Family.counter(SECONDS, "Seconds the CPUs spent in each mode.", "cpu", "mode"));
    Family guest =
        out.add(
            Family.counter(
                GUEST_SECONDS,
                "Seconds the CPUs spent in guests (VMs) for each mode.",
                "cpu",
                "mode"));
    for (Map.Entry<String, double[]> cpu : last.entrySet()) {
      double[] v = cpu.getValue();
      for (int m = 0; m < MODES.length; m++) {
        seconds.add(v[m], cpu.getKey(), MODES[m]);
      }
      // Guest time is also counted in user and nice; node_exporter exposes it separately too.
      guest.add(v[GUEST], cpu.getKey(), "user");
      guest.add(v[GUEST_NICE], cpu.getKey(), "nice");
    }
    return out.snapshots();
  }

  private void update(String[] ids, List<double[]> values) {
    Map<String, double[]> next = new LinkedHashMap<>();
    for (int c = 0; c < ids.length; c++) {
      double[] n = values.get(c);
      double[] v = last.getOrDefault(ids[c], new double[10]);
      if (v[IDLE] - n[IDLE] >= JUMP_BACK_SECONDS) {
        v = new double[10];
      }
      for (int i = 0; i < n.length; i++) {
        if (n[i] >= v[i]) {
          v[i] = n[i];
        }
      }
      next.put(ids[c], v);
    }
    last = next; // CPUs gone offline are forgotten; back online, they start from their counters
  }

  @Override
  public void close() {
    kept.close();
  }
}
