package io.mlpipe.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Pipelines declared in the config, and whether undeclared ones are accepted.
 *
 * @param requireDeclared refuse events for pipelines not declared here (404)
 * @param declared by pipeline name, in file order
 * @param forgetAfter data of a pipeline (declared or not) not heard from for this long is dropped;
 *     zero = never. Declared pipelines keep their info and thresholds, which come from here.
 * @param runInfoTtl how long {@code mlpipe_run_info} of a run lives after its last event
 * @param dedupWindow how long an event id is remembered, so a retry within it is not counted twice
 * @param namePattern what a pipeline or stage name must match, whole ({@code name_pattern})
 */
public record PipelinesConfig(
    boolean requireDeclared,
    Map<String, PipelineConfig> declared,
    Duration forgetAfter,
    Duration runInfoTtl,
    Duration dedupWindow,
    Pattern namePattern) {

  /**
   * Letters, digits, {@code _ . -}, starting with a letter or digit, up to 128 characters: what
   * fits a URL path segment, a file name and a Grafana variable unquoted, and refuses typos such as
   * {@code my pipeline} or {@code churn/v2}.
   */
  public static final Pattern DEFAULT_NAME_PATTERN =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

  public PipelinesConfig {
    declared = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(declared));
  }

  public PipelinesConfig(
      boolean requireDeclared,
      Map<String, PipelineConfig> declared,
      Duration forgetAfter,
      Duration runInfoTtl,
      Duration dedupWindow) {
    this(requireDeclared, declared, forgetAfter, runInfoTtl, dedupWindow, DEFAULT_NAME_PATTERN);
  }

  /** Why {@code name} is not a usable pipeline or stage name, or null when it is. */
  public String nameProblem(String name) {
    return namePattern.matcher(name).matches()
        ? null
        : "'" + name + "' does not match " + namePattern.pattern() + " (pipelines.name_pattern)";
  }

  public PipelinesConfig(boolean requireDeclared, Map<String, PipelineConfig> declared) {
    this(
        requireDeclared,
        declared,
        DEFAULT_FORGET_AFTER,
        DEFAULT_RUN_INFO_TTL,
        DEFAULT_DEDUP_WINDOW);
  }

  public static final Duration DEFAULT_FORGET_AFTER = Duration.ofDays(7);
  public static final Duration DEFAULT_RUN_INFO_TTL = Duration.ofHours(1);
  public static final Duration DEFAULT_DEDUP_WINDOW = Duration.ofHours(24);

  public static PipelinesConfig defaults() {
    return new PipelinesConfig(false, Map.of());
  }

  Map<String, Object> toDisplayMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("require_declared", requireDeclared);
    out.put("forget_after", forgetAfter.isZero() ? "0 (never)" : Durations.format(forgetAfter));
    out.put("run_info_ttl", Durations.format(runInfoTtl));
    out.put("dedup_window", Durations.format(dedupWindow));
    out.put("name_pattern", namePattern.pattern());
    Map<String, Object> pipes = new LinkedHashMap<>();
    declared.forEach((name, p) -> pipes.put(name, p.toDisplayMap()));
    out.put("declared", pipes);
    return out;
  }

  /** Declared pipelines in file order. */
  public List<PipelineConfig> list() {
    return List.copyOf(declared.values());
  }
}
