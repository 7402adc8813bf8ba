package io.mlpipe.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  @Test
  void burstThenRatePerKey() {
    AtomicLong now = new AtomicLong();
    RateLimiter r = new RateLimiter(now::get);
    for (int i = 0; i < 5; i++) {
      assertThat(r.acquire("a", 2, 5)).isZero();
    }
    assertThat(r.acquire("a", 2, 5)).isEqualTo(0.5);
    assertThat(r.acquire("b", 2, 5)).isZero();
    now.addAndGet(500_000_000L);
    assertThat(r.acquire("a", 2, 5)).isZero();
    assertThat(r.acquire("a", 2, 5)).isGreaterThan(0);
    assertThat(r.acquire("a", 0, 5)).isZero(); // rate 0: off
  }

  @Test
  void everNewKeysDoNotGrowWithoutBound() {
    AtomicLong now = new AtomicLong();
    RateLimiter r = new RateLimiter(now::get);
    int most = 0;
    for (int i = 0; i < 3 * RateLimiter.MAX_KEYS; i++) {
      r.acquire("addr:" + i, 1, 1);
      now.addAndGet(2_000_000_000L);
      most = Math.max(most, r.size());
    }
    assertThat(most).isBetween(RateLimiter.MAX_KEYS, RateLimiter.MAX_KEYS + 1);
    // a fresh key still gets its burst
    assertThat(r.acquire("new", 1, 1)).isZero();
  }

  @Test
  void everNewBusyKeysAreDroppedRatherThanGrowWithoutBound() {
    AtomicLong now = new AtomicLong();
    RateLimiter r = new RateLimiter(now::get);
    int most = 0;
    // the clock stands still: no bucket refills, none counts as idle
    for (int i = 0; i < 3 * RateLimiter.MAX_KEYS; i++) {
      r.acquire("addr:" + i, 1, 1);
      most = Math.max(most, r.size());
    }
    assertThat(most).isEqualTo(RateLimiter.MAX_KEYS + 1);
  }
}
