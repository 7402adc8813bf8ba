package io.mlpipe.collector;

/**
 * Thrown by a collector whose source does not exist on this host (no GPU driver): the runner
 * reports {@code mlpipe_exporter_collector_success 0} for that scrape without logging a failure,
 * because the collector already said so once at start.
 */
public final class CollectorAbsentException extends Exception {

  public CollectorAbsentException(String message) {
    super(message, null, false, false);
  }
}
