package io.mlpipe.ingest;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The metric family names the agent exposes itself (its collectors', its own {@code
 * mlpipe_exporter_*}, the pipeline model's), which no push and no {@code metric} event may use: a
 * pushed {@code node_cpu_seconds_total} would clash with the real one on every scrape. Known
 * without collecting anything, so the check costs a few string comparisons on the request thread.
 *
 * <p>A pattern is an exact family name, or a prefix when it ends in {@code *} ({@code node_cpu_*}).
 * A name matches in client_java's form or as written on the wire ({@code _total}, {@code _info}).
 *
 * <pre>{@code
 * OwnFamilies own = OwnFamilies.of(List.of("node_load1", "node_cpu_*", "mlpipe_exporter_*"));
 * own.owns("node_cpu_seconds_total"); // true
 * }</pre>
 */
public final class OwnFamilies {

  /** Owns nothing (tests, tools). */
  public static final OwnFamilies NONE = new OwnFamilies(Set.of(), List.of());

  private final Set<String> exact;
  private final List<String> prefixes;

  private OwnFamilies(Set<String> exact, List<String> prefixes) {
    this.exact = exact;
    this.prefixes = prefixes;
  }

  public static OwnFamilies of(Collection<String> patterns) {
    return new OwnFamilies(
        patterns.stream()
            .filter(p -> !p.endsWith("*"))
            .collect(java.util.stream.Collectors.toSet()),
        patterns.stream()
            .filter(p -> p.endsWith("*"))
            .map(p -> p.substring(0, p.length() - 1))
            .toList());
  }

  /** This set plus {@code patterns}. */
  public OwnFamilies with(Collection<String> patterns) {
    List<String> all = new java.util.ArrayList<>(exact);
    prefixes.forEach(p -> all.add(p + "*"));
    all.addAll(patterns);
    return of(all);
  }

  /** Whether {@code name} (a family or sample name) is one the agent exposes itself. */
  public boolean owns(String name) {
    if (matches(name)) {
      return true;
    }
    for (String suffix : List.of("_total", "_info", "_created")) {
      // client_java names a counter or info family without the suffix the wire shows
      if (matches(name + suffix)
          || name.endsWith(suffix) && matches(name.substring(0, name.length() - suffix.length()))) {
        return true;
      }
    }
    return false;
  }

  private boolean matches(String name) {
    if (exact.contains(name)) {
      return true;
    }
    for (String p : prefixes) {
      if (name.startsWith(p)) {
        return true;
      }
    }
    return false;
  }
}
