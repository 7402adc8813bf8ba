package io.mlpipe.collector;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * A named source of metrics, read on every scrape. The {@link CollectorRunner} times each call and
 * turns an exception into {@code mlpipe_exporter_collector_success{collector} 0} without failing
 * the scrape, so implementations simply throw with a message that says what was being read.
 */
public interface Collector extends AutoCloseable {

  /** The current values. */
  MetricSnapshots collect() throws Exception;

  /** Stops background work, if any. */
  @Override
  default void close() {}
}
