package io.mlpipe.collector;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.nio.file.Path;

/** node_exporter's {@code loadavg} collector: the 1, 5 and 15 minute load from /proc/loadavg. */
final class LoadavgCollector implements Collector {

  // Fixed /proc files, read through kept descriptors (see KeptFiles).
  private final KeptFiles kept = new KeptFiles(8);

  static final String LOAD1 = "node_load1";
  static final String LOAD5 = "node_load5";
  static final String LOAD15 = "node_load15";

  private final Path loadavg;

  LoadavgCollector(HostPaths paths) {
    this.loadavg = paths.proc("loadavg");
  }

  @Override
  public MetricSnapshots collect() throws Exception {
    String[] f = ProcFiles.fields(kept.read(loadavg));
    if (f.length < 3) {
      throw new IOException("unexpected content of " + loadavg + ": " + String.join(" ", f));
    }
    Families out = new Families();
    out.add(Family.gauge(LOAD1, "1m load average.")).add(Double.parseDouble(f[0]));
    out.add(Family.gauge(LOAD5, "5m load average.")).add(Double.parseDouble(f[1]));
    out.add(Family.gauge(LOAD15, "15m load average.")).add(Double.parseDouble(f[2]));
    return out.snapshots();
  }

  @Override
  public void close() {
    kept.close();
  }
}
