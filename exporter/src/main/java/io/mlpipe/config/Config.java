package io.mlpipe.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The agent's YAML configuration, validated. Immutable: a reload builds a new one and swaps it in
 * whole (see {@link ConfigHolder}).
 *
 * @param source where it was read from, or {@code "<defaults>"}
 */
public record Config(
    String source,
    PipelinesConfig pipelines,
    LimitsConfig limits,
    PushConfig push,
    AuthConfig auth,
    HttpConfig http) {

  public Config(String source, PipelinesConfig pipelines, LimitsConfig limits, PushConfig push) {
    this(source, pipelines, limits, push, AuthConfig.defaults(), HttpConfig.defaults());
  }

  public static Config defaults() {
    return new Config(
        "<defaults>", PipelinesConfig.defaults(), LimitsConfig.defaults(), PushConfig.defaults());
  }

  public Config withAuth(AuthConfig auth) {
    return new Config(source, pipelines, limits, push, auth, http);
  }

  /** The effective configuration as plain maps, for display; secrets are masked. */
  public Map<String, Object> toDisplayMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("pipelines", pipelines.toDisplayMap());
    out.put("limits", limits.toDisplayMap());
    out.put("push", push.toDisplayMap());
    out.put("auth", auth.toDisplayMap());
    out.put("http", http.toDisplayMap());
    return out;
  }
}
