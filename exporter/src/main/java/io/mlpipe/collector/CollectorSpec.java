package io.mlpipe.collector;

import java.util.List;
import java.util.function.Function;

/**
 * A collector's registration: its name (the {@code NAME} in {@code --collector.NAME} and {@code
 * --no-collector.NAME}), whether it runs by default, how to build it, and the metric families it
 * emits ({@code families}: exact names, or prefixes ending in {@code *}), so that pushes of those
 * names are refused without running it.
 */
public record CollectorSpec(
    String name,
    boolean enabledByDefault,
    String description,
    Function<CollectorContext, Collector> factory,
    List<String> families) {

  public CollectorSpec {
    families = List.copyOf(families);
  }

  /** A collector that declares no families (tests). */
  public CollectorSpec(
      String name,
      boolean enabledByDefault,
      String description,
      Function<CollectorContext, Collector> factory) {
    this(name, enabledByDefault, description, factory, List.of());
  }

  public CollectorSpec withFamilies(String... patterns) {
    return new CollectorSpec(name, enabledByDefault, description, factory, List.of(patterns));
  }
}
