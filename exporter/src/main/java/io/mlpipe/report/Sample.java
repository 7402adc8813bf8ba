package io.mlpipe.report;

import java.util.Map;

/** One element of an instant vector: its labels and value. */
public record Sample(Map<String, String> labels, double value) {
  public Sample {
    labels = Map.copyOf(labels);
  }

  /** The label's value, or "" when absent (as PromQL treats a missing label). */
  public String label(String name) {
    return labels.getOrDefault(name, "");
  }
}
