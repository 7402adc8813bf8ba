package io.mlpipe.collector;

import java.nio.file.Path;

/**
 * Where the host's /proc, /sys and root filesystem are visible; in a container they are the host's
 * mounted under e.g. /host/proc, like node_exporter's {@code --path.procfs}.
 */
public record HostPaths(Path procfs, Path sysfs, Path rootfs) {

  public static HostPaths defaults() {
    return new HostPaths(Path.of("/proc"), Path.of("/sys"), Path.of("/"));
  }

  /** {@code relative} inside procfs, e.g. {@code proc("meminfo")}. */
  public Path proc(String relative) {
    return procfs.resolve(relative);
  }

  /** {@code relative} inside sysfs, e.g. {@code sys("class/hwmon")}. */
  public Path sys(String relative) {
    return sysfs.resolve(relative);
  }
}
