package io.mlpipe.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code push:} section: how long pushed groups live without a new push.
 *
 * @param ttl for every job not listed in {@code jobTtl}; {@link Duration#ZERO} = never expire (the
 *     default, as Pushgateway)
 */
public record PushConfig(Duration ttl, Map<String, Duration> jobTtl) {

  public PushConfig {
    jobTtl = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(jobTtl));
  }

  public static PushConfig defaults() {
    return new PushConfig(Duration.ZERO, Map.of());
  }

  /** The TTL of {@code job}'s groups; zero means never. */
  public Duration ttlFor(String job) {
    return jobTtl.getOrDefault(job, ttl);
  }

  Map<String, Object> toDisplayMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("ttl", ttl.isZero() ? "0 (never)" : Durations.format(ttl));
    Map<String, Object> jobs = new LinkedHashMap<>();
    jobTtl.forEach((k, v) -> jobs.put(k, Durations.format(v)));
    out.put("job_ttl", jobs);
    return out;
  }
}
