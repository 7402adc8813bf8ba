package io.mlpipe.collector.gpu;

/** Where GPU values come from: NVML or nvidia-smi. Called on the background reader only. */
interface GpuSource extends AutoCloseable {

  /** A short name for logs and {@code mlpipe_gpu_info{source}}. */
  String name();

  GpuReading read() throws Exception;

  /** XID errors seen per GPU UUID since start: the last XID and how many (NVML only). */
  default java.util.Map<String, double[]> xids() {
    return java.util.Map.of();
  }

  @Override
  default void close() {}
}
