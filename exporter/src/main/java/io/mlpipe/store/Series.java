package io.mlpipe.store;

/** One series of a family: a plain value, or a classic histogram or summary. */
public sealed interface Series permits Series.Value, Series.Histogram, Series.Summary {

  LabelSet labels();

  /** Number of samples this series becomes on exposition (used for limits and counts). */
  int sampleCount();

  /** A counter, gauge or untyped value. */
  record Value(LabelSet labels, double value) implements Series {
    @Override
    public int sampleCount() {
      return 1;
    }
  }

  /**
   * A classic histogram.
   *
   * @param upperBounds ascending, the last is +Inf
   * @param cumulativeCounts one per bound, non-decreasing
   */
  record Histogram(
      LabelSet labels, double[] upperBounds, double[] cumulativeCounts, double sum, double count)
      implements Series {
    @Override
    public int sampleCount() {
      return upperBounds.length + 2;
    }
  }

  /** A summary with its quantiles. */
  record Summary(LabelSet labels, double[] quantiles, double[] values, double sum, double count)
      implements Series {
    @Override
    public int sampleCount() {
      return quantiles.length + 2;
    }
  }
}
