package io.mlpipe.collector;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.nio.file.Path;

/**
 * node_exporter's {@code filefd} collector: allocated and maximum file handles from
 * /proc/sys/fs/file-nr.
 */
final class FilefdCollector implements Collector {

  // The sysctl file, read through a kept descriptor (see KeptFiles).
  private final KeptFiles kept = new KeptFiles(2);

  static final String ALLOCATED = "node_filefd_allocated";
  static final String MAXIMUM = "node_filefd_maximum";

  private final Path fileNr;

  FilefdCollector(HostPaths paths) {
    this.fileNr = paths.proc("sys/fs/file-nr");
  }

  @Override
  public MetricSnapshots collect() throws Exception {
    String[] f = ProcFiles.fields(kept.read(fileNr));
    if (f.length < 3) {
      throw new IOException("unexpected number of file stats in " + fileNr);
    }
    Families out = new Families();
    out.add(Family.gauge(ALLOCATED, "File descriptor statistics: allocated."))
        .add(Double.parseDouble(f[0]));
    out.add(Family.gauge(MAXIMUM, "File descriptor statistics: maximum."))
        .add(Double.parseDouble(f[2]));
    return out.snapshots();
  }

  @Override
  public void close() {
    kept.close();
  }
}
