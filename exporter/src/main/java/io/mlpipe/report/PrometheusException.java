package io.mlpipe.report;

/** Prometheus could not answer: its message is the one line {@code mlpipe report} prints. */
public class PrometheusException extends Exception {
  public PrometheusException(String message) {
    super(message);
  }
}
