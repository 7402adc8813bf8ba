package io.mlpipe.security;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per identity (token name, user, or client address): {@code rate} requests per
 * second on average, up to {@code burst} at once. Buckets of idle clients are forgotten once more
 * than {@value #MAX_KEYS} exist, so ever-new client addresses cannot grow it without bound.
 *
 * <pre>{@code
 * RateLimiter limiter = new RateLimiter(System::nanoTime);
 * double wait = limiter.acquire("token:team-a", 10, 20); // 0 when allowed, else seconds to wait
 * }</pre>
 */
public final class RateLimiter {

  static final int MAX_KEYS = 10_000;

  private final LongSupplier nanoTime;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  private static final class Bucket {
    double tokens;
    long updated;

    Bucket(double tokens, long updated) {
      this.tokens = tokens;
      this.updated = updated;
    }
  }

  public RateLimiter(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** Takes one request from {@code key}'s bucket: 0 if allowed, else seconds until one is. */
  public double acquire(String key, double rate, int burst) {
    if (rate <= 0) {
      return 0;
    }
    long now = nanoTime.getAsLong();
    if (buckets.size() > MAX_KEYS) {
      forgetIdle(now, rate, burst);
    }
    Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
    synchronized (b) {
      b.tokens = Math.min(burst, b.tokens + (now - b.updated) / 1e9 * rate);
      b.updated = now;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return (1 - b.tokens) / rate;
    }
  }

  /** Buckets held now (a test seam). */
  int size() {
    return buckets.size();
  }

  private void forgetIdle(long now, double rate, int burst) {
    buckets
        .entrySet()
        .removeIf(
            e -> {
              synchronized (e.getValue()) {
                return e.getValue().tokens + (now - e.getValue().updated) / 1e9 * rate >= burst;
              }
            });
    if (buckets.size() > MAX_KEYS) {
      buckets.clear(); // all busy: start over rather than grow
    }
  }
}
