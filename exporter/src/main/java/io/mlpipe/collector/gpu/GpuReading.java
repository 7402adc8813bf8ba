package io.mlpipe.collector.gpu;

import java.util.List;

/**
 * One read of every GPU: what NVML or nvidia-smi said, in dcgm-exporter's units (MiB, W, MHz, °C,
 * %). A value the driver did not give ({@code [N/A]}, {@code [Not Supported]}) is {@code NaN} and
 * its series is left out.
 */
public record GpuReading(String driverVersion, List<Device> devices, List<Process> processes) {

  /** One GPU. */
  public record Device(
      int index,
      String uuid,
      String name,
      String pciBusId,
      String device,
      double gpuUtil,
      double memCopyUtil,
      double fbUsedMiB,
      double fbFreeMiB,
      double fbTotalMiB,
      double temperature,
      double powerWatts,
      double smClockMHz,
      double memClockMHz,
      double pcieLinkGen,
      double pcieLinkWidth,
      double pcieReplays) {}

  /** A compute process and the GPU memory it holds. */
  public record Process(String gpuUuid, long pid, String processName, double usedMiB) {}
}
