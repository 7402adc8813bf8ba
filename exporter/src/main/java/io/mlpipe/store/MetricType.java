package io.mlpipe.store;

/** The metric types of the Prometheus text and protobuf formats. */
public enum MetricType {
  COUNTER,
  GAUGE,
  UNTYPED,
  HISTOGRAM,
  SUMMARY
}
