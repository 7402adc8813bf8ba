package io.mlpipe.collector;

import io.mlpipe.collector.gpu.GpuCollector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every collector the agent knows, by name, with its default. The CLI derives {@code
 * --collector.NAME} / {@code --no-collector.NAME} flags from this list.
 */
public final class CollectorCatalog {

  private final Map<String, CollectorSpec> specs = new LinkedHashMap<>();

  public CollectorCatalog(List<CollectorSpec> specs) {
    for (CollectorSpec spec : specs) {
      if (this.specs.put(spec.name(), spec) != null) {
        throw new IllegalArgumentException("collector registered twice: " + spec.name());
      }
    }
  }

  /**
   * The collectors shipped with the agent: node_exporter's names and defaults for the host ones,
   * then the GPU and the agent's own JVM.
   */
  public static CollectorCatalog standard() {
    return new CollectorCatalog(
        List.of(
            new CollectorSpec(
                "conntrack",
                true,
                "connection tracking entries and limit from /proc/sys/net/netfilter, statistics from /proc/net/stat/nf_conntrack",
                ctx -> new ConntrackCollector(ctx.paths())),
            new CollectorSpec(
                "cpu",
                true,
                "seconds per CPU and mode from /proc/stat",
                ctx -> new CpuCollector(ctx.paths())),
            new CollectorSpec(
                "diskstats",
                true,
                "block device I/O from /proc/diskstats",
                ctx -> new DiskstatsCollector(ctx.paths())),
            new CollectorSpec(
                "filefd",
                true,
                "file handles from /proc/sys/fs/file-nr",
                ctx -> new FilefdCollector(ctx.paths())),
            new CollectorSpec(
                "filesystem",
                true,
                "size, free space and inodes per mounted filesystem (statfs in the background)",
                ctx -> new FilesystemCollector(ctx.paths(), ctx.filesystem())),
            new CollectorSpec(
                "hwmon",
                true,
                "temperatures from /sys/class/hwmon",
                ctx -> new HwmonCollector(ctx.paths())),
            new CollectorSpec(
                "loadavg",
                true,
                "load averages from /proc/loadavg",
                ctx -> new LoadavgCollector(ctx.paths())),
            new CollectorSpec(
                "meminfo",
                true,
                "memory from /proc/meminfo",
                ctx -> new MeminfoCollector(ctx.paths())),
            new CollectorSpec(
                "netclass",
                true,
                "network interface state from /sys/class/net (node_network_up, _info)",
                ctx -> new NetclassCollector(ctx.paths())),
            new CollectorSpec(
                "netdev",
                true,
                "network interface counters from /proc/net/dev",
                ctx -> new NetdevCollector(ctx.paths())),
            new CollectorSpec(
                "netstat",
                true,
                "protocol counters from /proc/net/netstat, /proc/net/snmp, /proc/net/snmp6 (--collector.netstat.fields)",
                ctx -> new NetstatCollector(ctx.paths(), ctx.netstatFields())),
            new CollectorSpec(
                "os", true, "node_os_info from os-release", ctx -> new OsCollector(ctx.paths())),
            new CollectorSpec(
                "pressure",
                true,
                "pressure stall information from /proc/pressure",
                ctx -> new PressureCollector(ctx.paths())),
            new CollectorSpec(
                "sockstat",
                true,
                "sockets per protocol from /proc/net/sockstat and /proc/net/sockstat6",
                ctx -> new SockstatCollector(ctx.paths())),
            new CollectorSpec(
                "stat",
                true,
                "boot time, forks, interrupts, context switches from /proc/stat",
                ctx -> new StatCollector(ctx.paths())),
            new CollectorSpec(
                "time",
                true,
                "system time, time zone and clocksource",
                ctx -> new TimeCollector(ctx.paths())),
            new CollectorSpec(
                "timex",
                true,
                "kernel clock synchronisation state from adjtimex(2)",
                ctx -> new TimexCollector()),
            new CollectorSpec(
                "uname", true, "node_uname_info from uname(2)", ctx -> new UnameCollector()),
            new CollectorSpec(
                "vmstat",
                true,
                "paging and OOM counters from /proc/vmstat",
                ctx -> new VmstatCollector(ctx.paths())),
            new CollectorSpec(
                "gpu",
                true,
                "NVIDIA GPUs under dcgm-exporter names, through NVML or nvidia-smi in the background",
                GpuCollector::create),
            new CollectorSpec(
                "jvm",
                true,
                "JVM memory, GC, threads of the agent itself",
                ctx -> new JvmCollector())));
  }

  /** The names of the host collectors (node_exporter's), for tests and the README. */
  public static List<String> hostCollectorNames() {
    return List.of(
        "conntrack",
        "cpu",
        "diskstats",
        "filefd",
        "filesystem",
        "hwmon",
        "loadavg",
        "meminfo",
        "netclass",
        "netdev",
        "netstat",
        "os",
        "pressure",
        "sockstat",
        "stat",
        "time",
        "timex",
        "uname",
        "vmstat");
  }

  public List<CollectorSpec> all() {
    return List.copyOf(specs.values());
  }

  public Optional<CollectorSpec> get(String name) {
    return Optional.ofNullable(specs.get(name));
  }

  /** The names that run given explicit per-name choices; unnamed ones take their default. */
  public List<CollectorSpec> enabled(Map<String, Boolean> choices) {
    return specs.values().stream()
        .filter(s -> choices.getOrDefault(s.name(), s.enabledByDefault()))
        .toList();
  }
}
