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

  /** An absolute host path (a mount point, /etc/os-release) as seen under rootfs. */
  public Path root(String absolute) {
    String rel = absolute.startsWith("/") ? absolute.substring(1) : absolute;
    return rel.isEmpty() ? rootfs : rootfs.resolve(rel);
  }

  /**
   * A mount point as the host names it: with {@code --path.rootfs=/host}, the container sees the
   * host's {@code /data} as {@code /host/data} in its mount table; node_exporter strips the prefix.
   */
  public String stripRootfs(String mountPoint) {
    String root = rootfs.toString();
    if (root.equals("/") || root.isEmpty()) {
      return mountPoint;
    }
    if (mountPoint.equals(root)) {
      return "/";
    }
    if (mountPoint.startsWith(root + "/")) {
      return mountPoint.substring(root.length());
    }
    return mountPoint;
  }
}
