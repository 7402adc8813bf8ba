package io.mlpipe.collector;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.util.concurrent.Callable;

/** node_exporter's {@code uname} collector: {@code node_uname_info} from uname(2). */
final class UnameCollector implements Collector {

  static final String INFO = "node_uname_info";

  private final Callable<String[]> uname;

  UnameCollector() {
    this(NativeCalls::uname);
  }

  /**
   * @param uname sysname, nodename, release, version, machine, domainname (a test seam)
   */
  UnameCollector(Callable<String[]> uname) {
    this.uname = uname;
  }

  @Override
  public MetricSnapshots collect() throws Exception {
    String[] u = uname.call();
    if (u.length != 6) {
      throw new IOException("uname gave " + u.length + " fields");
    }
    Families out = new Families();
    out.add(
            Family.info(
                INFO,
                "Labeled system information as provided by the uname system call.",
                "sysname",
                "nodename",
                "release",
                "version",
                "machine",
                "domainname"))
        .add(1, u);
    return out.snapshots();
  }
}
