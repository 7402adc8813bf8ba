package io.mlpipe.collector;

import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryPoolAllocationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmNativeMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.lang.management.ManagementFactory;

/** The agent's own JVM metrics from client_java's instrumentation, as one switchable collector. */
final class JvmCollector implements Collector {

  private final PrometheusRegistry jvm = new PrometheusRegistry();

  /**
   * What {@code JvmMetrics.builder().register()} registers, except the native memory metrics when
   * native memory tracking is off (the default): they expose nothing then, but asking the JVM
   * whether they can starts the platform MBean server, which registers and introspects every
   * platform MXBean (~150 JMX classes, a few MB of heap) in an agent that has no other use for it.
   */
  JvmCollector() {
    JvmThreadsMetrics.builder().register(jvm);
    JvmBufferPoolMetrics.builder().register(jvm);
    JvmClassLoadingMetrics.builder().register(jvm);
    JvmCompilationMetrics.builder().register(jvm);
    JvmGarbageCollectorMetrics.builder().register(jvm);
    JvmMemoryPoolAllocationMetrics.builder().register(jvm);
    JvmMemoryMetrics.builder().register(jvm);
    if (nativeMemoryTracking()) {
      JvmNativeMemoryMetrics.builder().register(jvm);
    }
    JvmRuntimeInfoMetric.builder().register(jvm);
    ProcessMetricsCollector.register(jvm);
  }

  /** Whether the JVM was started with -XX:NativeMemoryTracking=summary or =detail. */
  static boolean nativeMemoryTracking() {
    return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .anyMatch(a -> a.startsWith("-XX:NativeMemoryTracking=") && !a.endsWith("=off"));
  }

  @Override
  public MetricSnapshots collect() {
    return jvm.scrape();
  }
}
