package io.mlpipe.security;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who made a request and what they may do.
 *
 * @param name token name, basic-auth user, or {@code anonymous}
 * @param kind {@code token}, {@code basic}, {@code anonymous}, or {@code open} (auth is off)
 * @param pipelines patterns of pipelines writable; null for every pipeline
 * @param jobs patterns of Pushgateway jobs writable; null for every job
 */
public record Identity(
    String name, String kind, Set<String> scopes, List<Pattern> pipelines, List<Pattern> jobs) {

  /** Auth is off: anyone may do anything, as before auth existed. */
  public static final Identity OPEN =
      new Identity("anonymous", "open", Set.of("read", "write", "admin"), null, null);

  public static Identity anonymous(Set<String> scopes) {
    return new Identity("anonymous", "anonymous", scopes, null, null);
  }

  public boolean has(String scope) {
    return scopes.contains(scope);
  }

  public boolean isAnonymous() {
    return kind.equals("anonymous");
  }

  /** May write this pipeline's events (or a pushed group labelled with it). */
  public boolean mayWritePipeline(String pipeline) {
    return has("write") && matches(pipelines, pipeline);
  }

  /**
   * May push to or delete the Pushgateway group with this grouping key: its {@code job} must match
   * one of the token's jobs, and a {@code pipeline} label one of its pipelines.
   */
  public boolean mayWriteGroup(Map<String, String> groupingKey) {
    if (!has("write") || !matches(jobs, groupingKey.getOrDefault("job", ""))) {
      return false;
    }
    String pipeline = groupingKey.get("pipeline");
    return pipeline == null || matches(pipelines, pipeline);
  }

  private static boolean matches(List<Pattern> patterns, String name) {
    if (patterns == null) {
      return true;
    }
    for (Pattern p : patterns) {
      if (p.matcher(name).matches()) {
        return true;
      }
    }
    return false;
  }
}
