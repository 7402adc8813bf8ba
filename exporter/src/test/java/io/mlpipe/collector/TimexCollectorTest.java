package io.mlpipe.collector;

import static io.mlpipe.collector.Fixtures.scrape;
import static io.mlpipe.collector.ProcCollectorsTest.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlpipe.collector.TimexCollector.Timex;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** node_exporter's timex collector: its unit conversions on given readings, and this host. */
class TimexCollectorTest {

  /** A chrony-synced clock in microsecond mode (status 0x0001: STA_PLL, STA_NANO unset). */
  static final Timex MICRO =
      new Timex(0, -1500, 655360, 16000, 500, 0x0001, 7, 10000, 0, 250, 4, 0, 1, 2, 3, 4, 37);

  @Test
  void microsecondModeConversions() throws Exception {
    String text = scrape(new TimexCollector(() -> Optional.of(MICRO)));
    assertThat(value(text, "node_timex_sync_status")).isEqualTo(1);
    assertThat(value(text, "node_timex_offset_seconds")).isEqualTo(-0.0015);
    // freq 655360 = 10 ppm with 16 fractional bits.
    assertThat(value(text, "node_timex_frequency_adjustment_ratio")).isEqualTo(1 + 1e-5);
    assertThat(value(text, "node_timex_maxerror_seconds")).isEqualTo(0.016);
    assertThat(value(text, "node_timex_estimated_error_seconds")).isEqualTo(0.0005);
    assertThat(value(text, "node_timex_status")).isEqualTo(1);
    assertThat(value(text, "node_timex_loop_time_constant")).isEqualTo(7);
    assertThat(value(text, "node_timex_tick_seconds")).isEqualTo(0.01);
    assertThat(value(text, "node_timex_pps_jitter_seconds")).isEqualTo(0.00025);
    assertThat(value(text, "node_timex_pps_shift_seconds")).isEqualTo(4);
    assertThat(value(text, "node_timex_pps_jitter_total")).isEqualTo(1);
    assertThat(value(text, "node_timex_pps_calibration_total")).isEqualTo(2);
    assertThat(value(text, "node_timex_pps_error_total")).isEqualTo(3);
    assertThat(value(text, "node_timex_pps_stability_exceeded_total")).isEqualTo(4);
    assertThat(value(text, "node_timex_tai_offset_seconds")).isEqualTo(37);
    assertThat(text)
        .contains("# TYPE node_timex_offset_seconds gauge")
        .contains("# TYPE node_timex_pps_jitter_total counter")
        .contains("# TYPE node_timex_pps_error_total counter")
        .contains(
            "# HELP node_timex_sync_status Is clock synchronized to a reliable server (1 = yes, 0"
                + " = no).");
    assertThat(text.lines().filter(l -> l.startsWith("node_timex_"))).hasSize(17);
    assertThat(Fixtures.promtoolProblems(text)).isEmpty();
  }

  @Test
  void nanosecondModeAndTimeError() throws Exception {
    Timex nano =
        new Timex(
            TimexCollector.TIME_ERROR,
            -1500,
            -65536,
            16000,
            500,
            TimexCollector.STA_NANO | 0x40,
            2,
            10000,
            65536,
            250,
            0,
            131072,
            0,
            0,
            0,
            0,
            0);
    String text = scrape(new TimexCollector(() -> Optional.of(nano)));
    assertThat(value(text, "node_timex_sync_status")).isEqualTo(0);
    assertThat(value(text, "node_timex_offset_seconds")).isEqualTo(-1.5e-6);
    assertThat(value(text, "node_timex_pps_jitter_seconds")).isEqualTo(2.5e-7);
    assertThat(value(text, "node_timex_frequency_adjustment_ratio")).isEqualTo(1 - 1e-6);
    assertThat(value(text, "node_timex_pps_frequency_hertz")).isEqualTo(1e-6);
    assertThat(value(text, "node_timex_pps_stability_hertz")).isEqualTo(2e-6);
    // Maxerror, esterror and tick are microseconds whatever STA_NANO says.
    assertThat(value(text, "node_timex_maxerror_seconds")).isEqualTo(0.016);
    assertThat(value(text, "node_timex_status")).isEqualTo(0x2040);
  }

  @Test
  void thisHostThroughLibc() throws Exception {
    Timex t = NativeCalls.adjtimex().orElseThrow();
    assertThat(t.state()).isBetween(0, 5);
    assertThat(t.tick()).isPositive();
    String text = scrape(new TimexCollector());
    assertThat(value(text, "node_timex_tick_seconds")).isBetween(0.0009, 0.011);
    assertThat(value(text, "node_timex_frequency_adjustment_ratio")).isBetween(0.999, 1.001);
    assertThat(value(text, "node_timex_sync_status")).isIn(0.0, 1.0);
  }

  @Test
  void refusedIsNoDataAndAFailedCallIsACollectorError() throws Exception {
    assertThat(scrape(new TimexCollector(Optional::empty))).isEmpty();
    TimexCollector failing =
        new TimexCollector(
            () -> {
              throw new IOException("adjtimex: errno 14");
            });
    assertThatThrownBy(failing::collect).hasMessage("adjtimex: errno 14");
    try (CollectorRunner runner = new CollectorRunner(Map.of("timex", failing))) {
      assertThat(Fixtures.text(runner.collect()))
          .contains("mlpipe_exporter_collector_success{collector=\"timex\"} 0");
    }
  }
}
