package io.mlpipe.collector.gpu;

import io.mlpipe.collector.Collector;
import io.mlpipe.collector.CollectorAbsentException;
import io.mlpipe.collector.CollectorContext;
import io.mlpipe.collector.Families;
import io.mlpipe.collector.Family;
import io.mlpipe.collector.HostPaths;
import io.mlpipe.collector.ProcFiles;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NVIDIA GPUs under dcgm-exporter's names and labels ({@code DCGM_FI_DEV_GPU_UTIL{gpu, UUID,
 * pci_bus_id, device, modelName, Hostname}}, ...), read through NVML when {@code libnvidia-ml.so.1}
 * loads, else from {@code nvidia-smi}. The read runs on a background thread every {@code interval};
 * a scrape only formats the last reading, so a slow or hung driver never blocks it.
 *
 * <p>Without a driver the collector is absent: one INFO line at start, {@code
 * mlpipe_exporter_collector_success{collector="gpu"} 0} on the first scrape only, and from then on
 * success 1 with {@code mlpipe_gpu_devices 0} and no other GPU series, without further logging.
 */
public final class GpuCollector implements Collector {

  static final String GPU_UTIL = "DCGM_FI_DEV_GPU_UTIL";
  static final String MEM_COPY_UTIL = "DCGM_FI_DEV_MEM_COPY_UTIL";
  static final String FB_USED = "DCGM_FI_DEV_FB_USED";
  static final String FB_FREE = "DCGM_FI_DEV_FB_FREE";
  static final String GPU_TEMP = "DCGM_FI_DEV_GPU_TEMP";
  static final String POWER_USAGE = "DCGM_FI_DEV_POWER_USAGE";
  static final String SM_CLOCK = "DCGM_FI_DEV_SM_CLOCK";
  static final String MEM_CLOCK = "DCGM_FI_DEV_MEM_CLOCK";
  static final String XID_ERRORS = "DCGM_FI_DEV_XID_ERRORS";
  static final String PCIE_REPLAY_COUNTER = "DCGM_FI_DEV_PCIE_REPLAY_COUNTER";
  static final String INFO = "mlpipe_gpu_info";
  static final String XID_ERRORS_TOTAL = "mlpipe_gpu_xid_errors_total";
  static final String PCIE_LINK_GEN = "mlpipe_gpu_pcie_link_generation";
  static final String PCIE_LINK_WIDTH = "mlpipe_gpu_pcie_link_width";
  static final String DEVICES = "mlpipe_gpu_devices";
  static final String EXPECTED = "mlpipe_gpu_expected";
  static final String PROCESS_MEMORY = "mlpipe_gpu_process_memory_bytes";
  static final String LAST_READ = "mlpipe_gpu_last_read_timestamp_seconds";
  static final String READ_ERRORS = "mlpipe_gpu_read_errors_total";

  /** dcgm-exporter's labels, in its order. */
  private static final String[] LABELS = {
    "gpu", "UUID", "pci_bus_id", "device", "modelName", "Hostname"
  };

  private static final Logger log = LoggerFactory.getLogger(GpuCollector.class);

  private final GpuSource source;
  private final String absentReason;
  private final GpuSettings settings;
  private final String hostname;
  private final HostPaths paths;
  private final Clock clock;
  private final ScheduledExecutorService reader;
  private final AtomicReference<GpuReading> latest = new AtomicReference<>();
  private final AtomicLong lastReadMillis = new AtomicLong();
  private final AtomicLong readErrors = new AtomicLong();
  private volatile String lastError = "";
  private volatile boolean absentReported;

  GpuCollector(
      GpuSource source,
      String absentReason,
      GpuSettings settings,
      String hostname,
      HostPaths paths,
      Clock clock) {
    this.source = source;
    this.absentReason = absentReason;
    this.settings = settings;
    this.hostname = hostname;
    this.paths = paths;
    this.clock = clock;
    if (source == null) {
      reader = null;
      return;
    }
    reader =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "gpu-reader");
              t.setDaemon(true);
              return t;
            });
    reader.scheduleWithFixedDelay(
        this::readOnce, 0, settings.interval().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Picks NVML, else nvidia-smi, else an absent collector; logs which at INFO. */
  public static Collector create(CollectorContext ctx) {
    GpuSettings settings = ctx.gpu();
    HostPaths paths = ctx.paths();
    String hostname = hostname(paths);
    String nvmlProblem = "disabled";
    if (settings.nvml()) {
      try {
        NvmlSource nvml = NvmlSource.open();
        log.info("gpu collector: reading NVIDIA GPUs through NVML every {}", settings.interval());
        return new GpuCollector(nvml, null, settings, hostname, paths, Clock.systemUTC());
      } catch (Exception | LinkageError e) {
        nvmlProblem = e.getMessage();
      }
    }
    List<String> command = List.of(settings.nvidiaSmi().strip().split("\\s+"));
    Optional<java.nio.file.Path> smi = NvidiaSmiSource.locate(command.get(0));
    if (smi.isPresent()) {
      log.info(
          "gpu collector: NVML not available ({}); reading {} every {} (timeout {})",
          nvmlProblem,
          smi.get(),
          settings.interval(),
          settings.timeout());
      return new GpuCollector(
          new NvidiaSmiSource(command, settings.timeout(), paths),
          null,
          settings,
          hostname,
          paths,
          Clock.systemUTC());
    }
    String reason = noDriver(nvmlProblem, command.get(0));
    log.info("gpu collector: {}; reporting mlpipe_gpu_devices 0 and no GPU series", reason);
    return new GpuCollector(null, reason, settings, hostname, paths, Clock.systemUTC());
  }

  /**
   * Why there are no GPU readings, as one sentence: {@code no NVIDIA driver: libnvidia-ml.so.1 not
   * found and nvidia-smi not on PATH}.
   */
  static String noDriver(String nvmlProblem, String smi) {
    String nvml = "disabled".equals(nvmlProblem) ? "NVML disabled" : nvmlProblem;
    return "no NVIDIA driver: "
        + nvml
        + " and "
        + smi
        + (smi.contains("/") ? " not found" : " not on PATH");
  }

  /** Reads once now (the background reader's job; tests call it directly). */
  synchronized void readOnce() {
    try {
      GpuReading r = source.read();
      latest.set(r);
      lastReadMillis.set(clock.millis());
      if (!lastError.isEmpty()) {
        log.info("gpu collector: {} reads again", source.name());
        lastError = "";
      }
    } catch (Exception | LinkageError e) {
      readErrors.incrementAndGet();
      String msg = e.toString();
      if (!msg.equals(lastError)) {
        log.warn("gpu collector: reading {} failed: {}", source.name(), msg);
      }
      lastError = msg;
    }
  }

  @Override
  public MetricSnapshots collect() throws Exception {
    Families out = new Families();
    Family devices =
        out.add(
            Family.gauge(DEVICES, "NVIDIA GPUs visible to the agent at the last successful read."));
    if (settings.expected() >= 0) {
      out.add(Family.gauge(EXPECTED, "NVIDIA GPUs this node should have (configured)."))
          .add(settings.expected());
    }
    if (source == null) {
      if (!absentReported) {
        absentReported = true;
        throw new CollectorAbsentException(absentReason);
      }
      devices.add(0);
      return out.snapshots();
    }
    out.add(
            Family.counter(
                READ_ERRORS, "Failed reads of the GPU driver (NVML or nvidia-smi) since start."))
        .add(readErrors.get());
    GpuReading r = latest.get();
    if (r == null) {
      devices.add(0);
      return out.snapshots();
    }
    out.add(Family.gauge(LAST_READ, "When the GPU values were last read, in unixtime."))
        .add(lastReadMillis.get() / 1000.0);
    devices.add(r.devices().size());

    Family util = out.add(Family.gauge(GPU_UTIL, "GPU utilization (in %).", LABELS));
    Family memUtil = out.add(Family.gauge(MEM_COPY_UTIL, "Memory utilization (in %).", LABELS));
    Family fbUsed = out.add(Family.gauge(FB_USED, "Framebuffer memory used (in MiB).", LABELS));
    Family fbFree = out.add(Family.gauge(FB_FREE, "Framebuffer memory free (in MiB).", LABELS));
    Family temp = out.add(Family.gauge(GPU_TEMP, "GPU temperature (in C).", LABELS));
    Family power = out.add(Family.gauge(POWER_USAGE, "Power draw (in W).", LABELS));
    Family sm = out.add(Family.gauge(SM_CLOCK, "SM clock frequency (in MHz).", LABELS));
    Family mem = out.add(Family.gauge(MEM_CLOCK, "Memory clock frequency (in MHz).", LABELS));
    Family xid =
        out.add(Family.gauge(XID_ERRORS, "Value of the last XID error encountered.", LABELS));
    // dcgm-exporter types this a counter, but client_java would append _total to a counter's
    // name, and the name is what dashboards query: untyped keeps it.
    Family replay =
        out.add(Family.untyped(PCIE_REPLAY_COUNTER, "Total number of PCIe retries.", LABELS));
    Family xidTotal =
        out.add(
            Family.counter(
                XID_ERRORS_TOTAL,
                "XID errors reported by the driver since the agent started.",
                LABELS));
    Family linkGen = out.add(Family.gauge(PCIE_LINK_GEN, "Current PCIe link generation.", LABELS));
    Family linkWidth = out.add(Family.gauge(PCIE_LINK_WIDTH, "Current PCIe link width.", LABELS));
    String[] infoLabels = {
      "gpu", "UUID", "pci_bus_id", "device", "modelName", "Hostname", "driver_version", "source"
    };
    Family info =
        out.add(
            Family.info(
                INFO,
                "A constant 1 per GPU, labelled with its model, driver version and the source of"
                    + " its values (nvml or nvidia-smi).",
                infoLabels));
    Family processMemory =
        out.add(
            Family.gauge(
                PROCESS_MEMORY,
                "GPU memory used by a compute process, with the pipeline and stage it declares in"
                    + " MLPIPE_PIPELINE / MLPIPE_STAGE where readable.",
                "gpu",
                "UUID",
                "pid",
                "pipeline",
                "stage"));

    Map<String, double[]> xids = source.xids();
    Map<String, String> gpuByUuid = new HashMap<>();
    for (GpuReading.Device d : r.devices()) {
      String[] lv = {
        Integer.toString(d.index()), d.uuid(), d.pciBusId(), d.device(), d.name(), hostname
      };
      gpuByUuid.put(d.uuid(), lv[0]);
      add(util, d.gpuUtil(), lv);
      add(memUtil, d.memCopyUtil(), lv);
      add(fbUsed, d.fbUsedMiB(), lv);
      add(fbFree, d.fbFreeMiB(), lv);
      add(temp, d.temperature(), lv);
      add(power, d.powerWatts(), lv);
      add(sm, d.smClockMHz(), lv);
      add(mem, d.memClockMHz(), lv);
      add(replay, d.pcieReplays(), lv);
      add(linkGen, d.pcieLinkGen(), lv);
      add(linkWidth, d.pcieLinkWidth(), lv);
      double[] x = xids.get(d.uuid());
      if (x != null) {
        xid.add(x[0], lv);
        xidTotal.add(x[1], lv);
      }
      info.add(1, lv[0], lv[1], lv[2], lv[3], lv[4], lv[5], r.driverVersion(), source.name());
    }
    for (GpuReading.Process p : r.processes()) {
      if (Double.isNaN(p.usedMiB())) {
        continue;
      }
      Map<String, String> env = pipelineOf(p.pid());
      processMemory.add(
          p.usedMiB() * 1024 * 1024,
          gpuByUuid.getOrDefault(p.gpuUuid(), ""),
          p.gpuUuid(),
          Long.toString(p.pid()),
          env.getOrDefault("MLPIPE_PIPELINE", ""),
          env.getOrDefault("MLPIPE_STAGE", ""));
    }
    return out.snapshots();
  }

  private static void add(Family f, double v, String[] labels) {
    if (!Double.isNaN(v)) {
      f.add(v, labels);
    }
  }

  /** MLPIPE_PIPELINE and MLPIPE_STAGE from /proc/PID/environ, when this agent may read it. */
  private Map<String, String> pipelineOf(long pid) {
    Map<String, String> out = new HashMap<>();
    try {
      byte[] env = java.nio.file.Files.readAllBytes(paths.proc(pid + "/environ"));
      for (String kv : new String(env, java.nio.charset.StandardCharsets.UTF_8).split("\0")) {
        if (kv.startsWith("MLPIPE_PIPELINE=") || kv.startsWith("MLPIPE_STAGE=")) {
          int eq = kv.indexOf('=');
          out.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      // another user's process, or it has exited: no pipeline labels
    }
    return out;
  }

  private static String hostname(HostPaths paths) {
    return ProcFiles.readOptional(paths.proc("sys/kernel/hostname"))
        .filter(s -> !s.isEmpty())
        .orElse(System.getenv().getOrDefault("HOSTNAME", ""));
  }

  @Override
  public void close() {
    if (reader != null) {
      reader.shutdownNow();
    }
    if (source != null) {
      source.close();
    }
  }
}
