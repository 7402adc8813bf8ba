package io.mlpipe.store;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One group's metric families and bookkeeping. Immutable; every write produces a new one.
 *
 * @param pushTimeSeconds last successful change, 0 if none (Pushgateway's push_time_seconds)
 * @param pushFailureTimeSeconds last failed change, 0 if none
 * @param updatedAtMillis wall clock of the last successful change, for TTL expiry
 * @param ttlMillis expire this long after {@code updatedAtMillis}; 0 = never
 */
public record Group(
    GroupKey key,
    Map<String, Family> families,
    double pushTimeSeconds,
    double pushFailureTimeSeconds,
    long updatedAtMillis,
    long ttlMillis) {

  public Group {
    families = Collections.unmodifiableMap(new LinkedHashMap<>(families));
  }

  public static Group empty(GroupKey key) {
    return new Group(key, Map.of(), 0, 0, 0, 0);
  }

  /** Series stored in this group (push_time and push_failure_time not included). */
  public int seriesCount() {
    int n = 0;
    for (Family f : families.values()) {
      n += f.seriesCount();
    }
    return n;
  }

  public boolean expiredAt(long nowMillis) {
    return ttlMillis > 0 && updatedAtMillis > 0 && nowMillis - updatedAtMillis >= ttlMillis;
  }

  Group withFamilies(Map<String, Family> families, long timeMillis, long ttlMillis) {
    return new Group(
        key, families, timeMillis / 1000.0, pushFailureTimeSeconds, timeMillis, ttlMillis);
  }

  Group withFailure(long timeMillis) {
    return new Group(
        key, families, pushTimeSeconds, timeMillis / 1000.0, updatedAtMillis, ttlMillis);
  }
}
