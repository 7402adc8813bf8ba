package io.mlpipe.collector;

import io.mlpipe.collector.gpu.GpuSettings;

/**
 * What collectors may read from the agent's settings when they are built: where the host's /proc,
 * /sys and / are, and the flags of the collectors that have any.
 */
public record CollectorContext(
    HostPaths paths, FilesystemCollector.Settings filesystem, GpuSettings gpu) {

  /** The given paths, every collector flag at its default. */
  public CollectorContext(HostPaths paths) {
    this(paths, FilesystemCollector.Settings.defaults(), GpuSettings.defaults());
  }

  public static CollectorContext defaults() {
    return new CollectorContext(HostPaths.defaults());
  }
}
