package io.mlpipe.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({
    "30s, 30000",
    "5m, 300000",
    "1h30m, 5400000",
    "1d, 86400000",
    "1w, 604800000",
    "1y, 31536000000",
    "250ms, 250",
    "1m30s500ms, 90500",
    "0, 0"
  })
  void parsesPrometheusDurations(String text, long millis) {
    assertThat(Durations.parse(text)).contains(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1", "1x", "m", "1s1h", "-5m", "1.5h", "99999999999999999999y"})
  void refusesOtherText(String text) {
    assertThat(Durations.parse(text)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"5400000, 1h30m", "250, 250ms", "0, 0s", "86400000, 1d"})
  void formatsShortest(long millis, String text) {
    assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
    assertThat(Durations.parse(text)).contains(Duration.ofMillis(millis));
  }
}
