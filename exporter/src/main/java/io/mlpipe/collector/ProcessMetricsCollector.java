package io.mlpipe.collector;

import com.sun.management.UnixOperatingSystemMXBean;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.RuntimeMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code process_*} metrics exactly as client_java's {@link ProcessMetrics} registers them
 * (names, help, units, values), minus its cost on HotSpot: it calls the operating system bean's
 * getters through reflection on the bean's class, which is not public, so each of its three calls
 * per scrape first throws and fills an {@code IllegalAccessException} before finding the public
 * interface; and it reads /proc/self/status twice through a new 8 KiB reader. Here the getters are
 * called through {@link UnixOperatingSystemMXBean} and the status file is read through {@link
 * ProcFiles}. Where the bean is another vendor's, client_java's own class is registered instead.
 */
final class ProcessMetricsCollector {

  private ProcessMetricsCollector() {}

  private static final Path STATUS = Path.of("/proc/self/status");
  // /proc/self/status through one kept descriptor for the agent's life (see KeptFiles): read
  // twice per scrape, for the virtual and the resident size.
  private static final KeptFiles KEPT = new KeptFiles(1);

  static void register(PrometheusRegistry registry) {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (!(os instanceof UnixOperatingSystemMXBean unix)) {
      ProcessMetrics.builder().register(registry);
      return;
    }
    RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
    CounterWithCallback.builder()
        .name("process_cpu_seconds_total")
        .help("Total user and system CPU time spent in seconds.")
        .unit(Unit.SECONDS)
        .callback(cb -> cb.call(Unit.nanosToSeconds(unix.getProcessCpuTime())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("process_start_time_seconds")
        .help("Start time of the process since unix epoch in seconds.")
        .unit(Unit.SECONDS)
        .callback(cb -> cb.call(Unit.millisToSeconds(runtime.getStartTime())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("process_open_fds")
        .help("Number of open file descriptors.")
        .callback(cb -> cb.call(unix.getOpenFileDescriptorCount()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("process_max_fds")
        .help("Maximum number of open file descriptors.")
        .callback(cb -> cb.call(unix.getMaxFileDescriptorCount()))
        .register(registry);
    if (Files.isReadable(STATUS)) {
      GaugeWithCallback.builder()
          .name("process_virtual_memory_bytes")
          .help("Virtual memory size in bytes.")
          .unit(Unit.BYTES)
          .callback(cb -> statusBytes("VmSize:", cb))
          .register(registry);
      GaugeWithCallback.builder()
          .name("process_resident_memory_bytes")
          .help("Resident memory size in bytes.")
          .unit(Unit.BYTES)
          .callback(cb -> statusBytes("VmRSS:", cb))
          .register(registry);
    }
  }

  /** The kB value of the /proc/self/status line that starts with {@code prefix}, in bytes. */
  private static void statusBytes(String prefix, GaugeWithCallback.Callback cb) {
    try {
      for (String line : KEPT.lines(STATUS)) {
        if (line.startsWith(prefix)) {
          cb.call(Unit.kiloBytesToBytes(Double.parseDouble(ProcFiles.fields(line)[1])));
          return;
        }
      }
    } catch (Exception ignored) {
      // As client_java: no value this scrape.
    }
  }
}
