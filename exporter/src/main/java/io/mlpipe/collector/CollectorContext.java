package io.mlpipe.collector;

import io.mlpipe.collector.gpu.GpuSettings;
import java.util.regex.Pattern;

/**
 * What collectors may read from the agent's settings when they are built: where the host's /proc,
 * /sys and / are, and the flags of the collectors that have any.
 */
public record CollectorContext(
    HostPaths paths,
    FilesystemCollector.Settings filesystem,
    GpuSettings gpu,
    Pattern netstatFields) {

  /** node_exporter 1.5.0's default {@code --collector.netstat.fields}. */
  public static final String DEFAULT_NETSTAT_FIELDS = NetstatCollector.DEFAULT_FIELDS;

  /** The given settings, {@code --collector.netstat.fields} at its default. */
  public CollectorContext(
      HostPaths paths, FilesystemCollector.Settings filesystem, GpuSettings gpu) {
    this(paths, filesystem, gpu, Pattern.compile(DEFAULT_NETSTAT_FIELDS));
  }

  /** The given paths, every collector flag at its default. */
  public CollectorContext(HostPaths paths) {
    this(paths, FilesystemCollector.Settings.defaults(), GpuSettings.defaults());
  }

  public static CollectorContext defaults() {
    return new CollectorContext(HostPaths.defaults());
  }
}
