package io.mlpipe.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class SpanTest {

  private static final Instant NOW = Instant.parse("2026-01-31T12:00:00Z");

  @Test
  void durationBeforeNow() {
    Span s = Span.parse("7d", "now", NOW);
    assertThat(s.until()).isEqualTo(NOW.getEpochSecond());
    assertThat(s.seconds()).isEqualTo(7 * 86_400);
    assertThat(s.step()).isEqualTo(840);
    assertThat(s.previous().until()).isEqualTo(s.since());
    assertThat(s.previous().seconds()).isEqualTo(s.seconds());
  }

  @Test
  void compoundDurationsAndAbsoluteTimes() {
    assertThat(Span.duration("1h30m")).isEqualTo(5400);
    Span s = Span.parse("2026-01-30T00:00:00Z", "1769860800", NOW);
    assertThat(s.since()).isEqualTo(Instant.parse("2026-01-30T00:00:00Z").getEpochSecond());
    assertThat(s.until()).isEqualTo(1769860800);
    assertThat(Span.parse("90s", "now", NOW).step()).isEqualTo(1);
  }

  @Test
  void badInputSaysWhich() {
    assertThatThrownBy(() -> Span.parse("7x", "now", NOW)).hasMessageContaining("--since 7x");
    assertThatThrownBy(() -> Span.parse("1h", "yesterday", NOW))
        .hasMessageContaining("--until yesterday");
    assertThatThrownBy(() -> Span.parse("2026-02-01T00:00:00Z", "now", NOW))
        .hasMessageContaining("--since must be before --until");
  }
}
