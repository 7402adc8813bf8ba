package io.mlpipe.collector;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/** The agent's own JVM metrics from client_java's instrumentation, as one switchable collector. */
final class JvmCollector implements Collector {

  private final PrometheusRegistry jvm = new PrometheusRegistry();

  JvmCollector() {
    JvmMetrics.builder().register(jvm);
  }

  @Override
  public MetricSnapshots collect() {
    return jvm.scrape();
  }
}
