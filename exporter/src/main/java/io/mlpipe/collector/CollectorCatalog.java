package io.mlpipe.collector;

import io.mlpipe.collector.gpu.GpuCollector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

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
        Stream.of(
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
                    "os",
                    true,
                    "node_os_info from os-release",
                    ctx -> new OsCollector(ctx.paths())),
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
                    ctx -> new JvmCollector()))
            .map(s -> s.withFamilies(FAMILIES.get(s.name()).toArray(String[]::new)))
            .toList());
  }

  /**
   * The families each standard collector emits (prefixes end in {@code *}); a test checks every
   * family collected from the fixture host against this table.
   */
  private static final Map<String, List<String>> FAMILIES =
      Map.ofEntries(
          Map.entry("conntrack", List.of("node_nf_conntrack_*")),
          Map.entry("cpu", List.of("node_cpu_*")),
          Map.entry("diskstats", List.of("node_disk_*")),
          Map.entry("filefd", List.of("node_filefd_*")),
          Map.entry("filesystem", List.of("node_filesystem_*")),
          Map.entry("hwmon", List.of("node_hwmon_*")),
          Map.entry("loadavg", List.of("node_load1", "node_load5", "node_load15")),
          Map.entry("meminfo", List.of("node_memory_*")),
          Map.entry("netclass", List.of("node_network_*")),
          Map.entry("netdev", List.of("node_network_*")),
          Map.entry("netstat", List.of("node_netstat_*")),
          Map.entry("os", List.of("node_os_*")),
          Map.entry("pressure", List.of("node_pressure_*")),
          Map.entry("sockstat", List.of("node_sockstat_*")),
          Map.entry(
              "stat",
              List.of(
                  "node_boot_time_seconds",
                  "node_context_switches",
                  "node_forks",
                  "node_intr",
                  "node_procs_*")),
          Map.entry("time", List.of("node_time_*")),
          Map.entry("timex", List.of("node_timex_*")),
          Map.entry("uname", List.of("node_uname_*")),
          Map.entry("vmstat", List.of("node_vmstat_*")),
          // Not DCGM_FI_*: GPU readings pushed by something else (the demo's simulated GPUs, a
          // dcgm-exporter bridge) are accepted on hosts without GPUs; where the agent reads GPUs
          // itself, the exposition leaves a pushed copy out (AgentCollector).
          Map.entry("gpu", List.of("mlpipe_gpu_*")),
          Map.entry("jvm", List.of("jvm_*", "process_*")));

  /** The family patterns of {@code specs}, for {@code OwnFamilies}. */
  public static List<String> families(List<CollectorSpec> specs) {
    return specs.stream().flatMap(s -> s.families().stream()).distinct().toList();
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
