package io.mlpipe.ingest;

import io.mlpipe.store.MetricType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A metric family as read from a push body, before the grouping key is applied.
 *
 * @param samples raw samples: full sample name (with _bucket/_sum/_count), labels, value
 */
public record ParsedFamily(String name, MetricType type, String help, List<Sample> samples) {

  /** One line of the text format (or one protobuf value). */
  public record Sample(String name, Map<String, String> labels, double value, int line) {}

  static ParsedFamily start(String name, MetricType type, String help) {
    return new ParsedFamily(name, type, help, new ArrayList<>());
  }

  ParsedFamily withType(MetricType t) {
    return new ParsedFamily(name, t, help, samples);
  }

  ParsedFamily withHelp(String h) {
    return new ParsedFamily(name, type, h, samples);
  }
}
