package io.mlpipe.collector.gpu;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GPU values from NVML ({@code libnvidia-ml.so.1}, the library nvidia-smi and DCGM sit on) through
 * JNA. Also listens for XID events on a daemon thread, which nvidia-smi cannot report. Any value
 * NVML refuses (NOT_SUPPORTED, NO_PERMISSION) is NaN.
 */
final class NvmlSource implements GpuSource {

  private static final Logger log = LoggerFactory.getLogger(NvmlSource.class);

  private static final int SUCCESS = 0;
  private static final int ERROR_TIMEOUT = 10;
  private static final int TEMPERATURE_GPU = 0;
  private static final int CLOCK_SM = 1;
  private static final int CLOCK_MEM = 2;
  private static final long EVENT_XID_CRITICAL = 0x8L;

  /** The NVML functions used; all exist in every driver since R450. */
  interface Nvml extends Library {
    int nvmlInit_v2();

    int nvmlShutdown();

    int nvmlSystemGetDriverVersion(byte[] version, int length);

    int nvmlDeviceGetCount_v2(IntByReference count);

    int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

    int nvmlDeviceGetUUID(Pointer device, byte[] uuid, int length);

    int nvmlDeviceGetName(Pointer device, byte[] name, int length);

    int nvmlDeviceGetPciInfo_v3(Pointer device, Pointer pci);

    int nvmlDeviceGetMinorNumber(Pointer device, IntByReference minor);

    int nvmlDeviceGetUtilizationRates(Pointer device, Pointer utilization);

    int nvmlDeviceGetMemoryInfo(Pointer device, Pointer memory);

    int nvmlDeviceGetTemperature(Pointer device, int sensor, IntByReference temp);

    int nvmlDeviceGetPowerUsage(Pointer device, IntByReference milliwatts);

    int nvmlDeviceGetClockInfo(Pointer device, int type, IntByReference mhz);

    int nvmlDeviceGetCurrPcieLinkGeneration(Pointer device, IntByReference gen);

    int nvmlDeviceGetCurrPcieLinkWidth(Pointer device, IntByReference width);

    int nvmlDeviceGetPcieReplayCounter(Pointer device, IntByReference value);

    int nvmlDeviceGetComputeRunningProcesses_v3(
        Pointer device, IntByReference count, Pointer infos);

    int nvmlEventSetCreate(PointerByReference set);

    int nvmlDeviceRegisterEvents(Pointer device, long eventTypes, Pointer set);

    int nvmlEventSetWait_v2(Pointer set, Pointer data, int timeoutMs);

    int nvmlEventSetFree(Pointer set);
  }

  private final Nvml nvml;
  private final Map<String, double[]> xids = new ConcurrentHashMap<>();
  private volatile boolean closed;
  private Thread xidListener;

  private NvmlSource(Nvml nvml) {
    this.nvml = nvml;
  }

  /** Loads and initialises NVML; throws when there is no driver. */
  static NvmlSource open() throws IOException {
    Nvml nvml;
    try {
      nvml = Native.load("nvidia-ml", Nvml.class);
    } catch (UnsatisfiedLinkError e) {
      // JNA's message lists every path it tried: the gist is that the driver's library is absent.
      throw new IOException("libnvidia-ml.so.1 not found", e);
    }
    int rc = nvml.nvmlInit_v2();
    if (rc != SUCCESS) {
      throw new IOException("nvmlInit failed with NVML error " + rc);
    }
    NvmlSource source = new NvmlSource(nvml);
    source.startXidListener();
    return source;
  }

  @Override
  public String name() {
    return "nvml";
  }

  @Override
  public GpuReading read() throws IOException {
    byte[] buf = new byte[96];
    String driver = nvml.nvmlSystemGetDriverVersion(buf, buf.length) == SUCCESS ? cString(buf) : "";
    IntByReference count = new IntByReference();
    check(nvml.nvmlDeviceGetCount_v2(count), "nvmlDeviceGetCount");
    List<GpuReading.Device> devices = new ArrayList<>();
    List<GpuReading.Process> processes = new ArrayList<>();
    for (int i = 0; i < count.getValue(); i++) {
      PointerByReference ref = new PointerByReference();
      if (nvml.nvmlDeviceGetHandleByIndex_v2(i, ref) != SUCCESS) {
        continue; // e.g. GPU_IS_LOST: the GPU is then missing from mlpipe_gpu_devices
      }
      Pointer d = ref.getValue();
      String uuid = nvml.nvmlDeviceGetUUID(d, buf, buf.length) == SUCCESS ? cString(buf) : "";
      String name = nvml.nvmlDeviceGetName(d, buf, buf.length) == SUCCESS ? cString(buf) : "";
      String bus = "";
      try (Memory pci = new Memory(128)) {
        pci.clear();
        if (nvml.nvmlDeviceGetPciInfo_v3(d, pci) == SUCCESS) {
          bus = pci.getString(36, "US-ASCII");
        }
      }
      IntByReference v = new IntByReference();
      String device =
          nvml.nvmlDeviceGetMinorNumber(d, v) == SUCCESS ? "nvidia" + v.getValue() : "nvidia" + i;
      double gpuUtil = Double.NaN;
      double memUtil = Double.NaN;
      try (Memory util = new Memory(8)) {
        if (nvml.nvmlDeviceGetUtilizationRates(d, util) == SUCCESS) {
          gpuUtil = Integer.toUnsignedLong(util.getInt(0));
          memUtil = Integer.toUnsignedLong(util.getInt(4));
        }
      }
      double total = Double.NaN;
      double free = Double.NaN;
      double used = Double.NaN;
      try (Memory mem = new Memory(24)) {
        if (nvml.nvmlDeviceGetMemoryInfo(d, mem) == SUCCESS) {
          double mib = 1024.0 * 1024.0;
          total = Math.floor(mem.getLong(0) / mib);
          free = Math.floor(mem.getLong(8) / mib);
          used = Math.floor(mem.getLong(16) / mib);
        }
      }
      devices.add(
          new GpuReading.Device(
              i,
              uuid,
              name,
              bus,
              device,
              gpuUtil,
              memUtil,
              used,
              free,
              total,
              intValue(nvml.nvmlDeviceGetTemperature(d, TEMPERATURE_GPU, v), v),
              intValue(nvml.nvmlDeviceGetPowerUsage(d, v), v) / 1000.0,
              intValue(nvml.nvmlDeviceGetClockInfo(d, CLOCK_SM, v), v),
              intValue(nvml.nvmlDeviceGetClockInfo(d, CLOCK_MEM, v), v),
              intValue(nvml.nvmlDeviceGetCurrPcieLinkGeneration(d, v), v),
              intValue(nvml.nvmlDeviceGetCurrPcieLinkWidth(d, v), v),
              intValue(nvml.nvmlDeviceGetPcieReplayCounter(d, v), v)));
      processes.addAll(processes(d, uuid));
    }
    return new GpuReading(driver, devices, processes);
  }

  private List<GpuReading.Process> processes(Pointer d, String uuid) {
    List<GpuReading.Process> out = new ArrayList<>();
    try {
      int max = 64;
      int size =
          24; // nvmlProcessInfo_t: pid, (pad), usedGpuMemory, gpuInstanceId, computeInstanceId
      try (Memory infos = new Memory((long) max * size)) {
        IntByReference count = new IntByReference(max);
        if (nvml.nvmlDeviceGetComputeRunningProcesses_v3(d, count, infos) != SUCCESS) {
          return out;
        }
        for (int i = 0; i < Math.min(count.getValue(), max); i++) {
          long pid = Integer.toUnsignedLong(infos.getInt((long) i * size));
          long bytes = infos.getLong((long) i * size + 8);
          double mib = bytes < 0 ? Double.NaN : Math.floor(bytes / (1024.0 * 1024.0));
          out.add(new GpuReading.Process(uuid, pid, "", mib));
        }
      }
    } catch (UnsatisfiedLinkError e) {
      // a driver older than R470: no per-process figures
    }
    return out;
  }

  private void startXidListener() {
    PointerByReference setRef = new PointerByReference();
    if (nvml.nvmlEventSetCreate(setRef) != SUCCESS) {
      return;
    }
    Pointer set = setRef.getValue();
    IntByReference count = new IntByReference();
    if (nvml.nvmlDeviceGetCount_v2(count) != SUCCESS) {
      return;
    }
    Map<Pointer, String> uuids = new ConcurrentHashMap<>();
    byte[] buf = new byte[96];
    for (int i = 0; i < count.getValue(); i++) {
      PointerByReference ref = new PointerByReference();
      if (nvml.nvmlDeviceGetHandleByIndex_v2(i, ref) == SUCCESS
          && nvml.nvmlDeviceGetUUID(ref.getValue(), buf, buf.length) == SUCCESS
          && nvml.nvmlDeviceRegisterEvents(ref.getValue(), EVENT_XID_CRITICAL, set) == SUCCESS) {
        uuids.put(ref.getValue(), cString(buf));
        xids.put(cString(buf), new double[] {0, 0});
      }
    }
    xidListener =
        new Thread(
            () -> {
              try (Memory data = new Memory(32)) {
                while (!closed) {
                  data.clear();
                  int rc = nvml.nvmlEventSetWait_v2(set, data, 1000);
                  if (rc == ERROR_TIMEOUT) {
                    continue;
                  }
                  if (rc != SUCCESS) {
                    log.warn(
                        "NVML event wait failed with error {}; XIDs are no longer counted", rc);
                    return;
                  }
                  String uuid = uuids.get(data.getPointer(0));
                  if (uuid != null) {
                    long xid = data.getLong(16);
                    xids.compute(
                        uuid, (k, old) -> new double[] {xid, old == null ? 1 : old[1] + 1});
                    log.warn("GPU {} reported XID {}", uuid, xid);
                  }
                }
              } finally {
                nvml.nvmlEventSetFree(set);
              }
            },
            "nvml-xid");
    xidListener.setDaemon(true);
    xidListener.start();
  }

  @Override
  public Map<String, double[]> xids() {
    return Map.copyOf(xids);
  }

  @Override
  public void close() {
    closed = true;
    if (xidListener != null) {
      try {
        xidListener.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    nvml.nvmlShutdown();
  }

  private static double intValue(int rc, IntByReference v) {
    return rc == SUCCESS ? Integer.toUnsignedLong(v.getValue()) : Double.NaN;
  }

  private static void check(int rc, String what) throws IOException {
    if (rc != SUCCESS) {
      throw new IOException(what + " failed with NVML error " + rc);
    }
  }

  private static String cString(byte[] buf) {
    int n = 0;
    while (n < buf.length && buf[n] != 0) {
      n++;
    }
    return new String(buf, 0, n, StandardCharsets.UTF_8);
  }
}
