package io.mlpipe.collector;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every collector the agent knows, by name, with its default. The CLI derives {@code
 * --collector.NAME} / {@code --no-collector.NAME} flags from this list.
 */
public final class CollectorCatalog {

  private final Map<String, CollectorSpec> specs = new LinkedHashMap<>();

  public CollectorCatalog(List<CollectorSpec> specs) {
    for (CollectorSpec spec : specs) {
      if (this.specs.put(spec.name(), spec) != null) {
        throw new IllegalArgumentException("collector registered twice: " + spec.name());
      }
    }
  }

  /** The collectors shipped with the agent. */
  public static CollectorCatalog standard() {
    return new CollectorCatalog(
        List.of(
            new CollectorSpec(
                "jvm",
                true,
                "JVM memory, GC, threads of the agent itself",
                ctx -> new JvmCollector())));
  }

  public List<CollectorSpec> all() {
    return List.copyOf(specs.values());
  }

  public Optional<CollectorSpec> get(String name) {
    return Optional.ofNullable(specs.get(name));
  }

  /** The names that run given explicit per-name choices; unnamed ones take their default. */
  public List<CollectorSpec> enabled(Map<String, Boolean> choices) {
    return specs.values().stream()
        .filter(s -> choices.getOrDefault(s.name(), s.enabledByDefault()))
        .toList();
  }
}
