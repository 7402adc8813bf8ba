package io.mlpipe.store;

/**
 * Bounds on what writers may store, so that no client can grow the agent to an OOM (Pushgateway has
 * none). A write over a bound is rejected whole and counted by reason.
 */
public record Limits(
    int maxSeriesPerGroup,
    long maxSeriesTotal,
    int maxLabelsPerSeries,
    int maxLabelNameLength,
    int maxLabelValueLength,
    long maxBodyBytes) {

  public static Limits defaults() {
    return new Limits(10_000, 1_000_000, 64, 128, 2048, 16L * 1024 * 1024);
  }
}
