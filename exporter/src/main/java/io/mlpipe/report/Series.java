package io.mlpipe.report;

import java.util.List;
import java.util.Map;

/** One series of a range query (or of a range-vector selector): labels and points in time order. */
public record Series(Map<String, String> labels, List<Point> points) {
  public Series {
    labels = Map.copyOf(labels);
    points = List.copyOf(points);
  }

  /** A sample at {@code time} (Unix seconds). */
  public record Point(double time, double value) {}

  public String label(String name) {
    return labels.getOrDefault(name, "");
  }
}
