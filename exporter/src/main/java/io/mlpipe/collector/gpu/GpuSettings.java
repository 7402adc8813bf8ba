package io.mlpipe.collector.gpu;

import java.time.Duration;

/**
 * The gpu collector's flags.
 *
 * @param nvidiaSmi the nvidia-smi command, used where NVML cannot be loaded
 * @param interval how often the background reader refreshes the values
 * @param timeout how long one nvidia-smi run may take before it is killed
 * @param expected GPUs this node should have ({@code mlpipe_gpu_expected}); negative: not set
 * @param nvml whether to try NVML (libnvidia-ml.so.1) first
 */
public record GpuSettings(
    String nvidiaSmi, Duration interval, Duration timeout, int expected, boolean nvml) {

  public static GpuSettings defaults() {
    return new GpuSettings("nvidia-smi", Duration.ofSeconds(10), Duration.ofSeconds(5), -1, true);
  }
}
