package io.mlpipe.collector;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;

/**
 * node_exporter's {@code timex} collector: the kernel clock discipline state read with adjtimex(2)
 * (modes 0, read only), with node_exporter's unit conversions: offset and PPS jitter in seconds
 * from micro- or nanoseconds by the {@code STA_NANO} status bit, maxerror, esterror and tick from
 * microseconds, frequencies from ppm with a 16-bit fraction ({@code freq} as the ratio {@code 1 +
 * freq / 2^16 / 1e6}), and {@code sync_status} 0 when the call returns {@code TIME_ERROR}.
 *
 * <p>Where adjtimex is refused (EPERM, a seccomp profile) node_exporter reports no data; so does
 * the agent, without counting it as a failure.
 */
final class TimexCollector implements Collector {

  /** The fields of {@code struct timex} node_exporter reads, and adjtimex's return value. */
  record Timex(
      int state,
      long offset,
      long freq,
      long maxerror,
      long esterror,
      int status,
      long constant,
      long tick,
      long ppsfreq,
      long jitter,
      int shift,
      long stabil,
      long jitcnt,
      long calcnt,
      long errcnt,
      long stbcnt,
      int tai) {}

  /** adjtimex(2); empty when the kernel refuses it (EPERM). */
  interface Source {
    java.util.Optional<Timex> read() throws IOException;
  }

  /** adjtimex's return value: the clock is not synchronized. */
  static final int TIME_ERROR = 5;

  /** Status bit: offset and jitter are in nanoseconds instead of microseconds. */
  static final int STA_NANO = 0x2000;

  /** ppm with a 16-bit binary fraction, adjtimex(2)'s unit of freq, ppsfreq and stabil. */
  private static final double PPM16FRAC = 1_000_000.0 * 65_536.0;

  private static final double MICRO = 1e6;

  private final Source source;

  TimexCollector() {
    this(NativeCalls::adjtimex);
  }

  TimexCollector(Source source) {
    this.source = source;
  }

  @Override
  public MetricSnapshots collect() throws Exception {
    Families out = new Families();
    java.util.Optional<Timex> read = source.read();
    if (read.isEmpty()) {
      return out.snapshots();
    }
    Timex t = read.get();
    double divisor = (t.status() & STA_NANO) != 0 ? 1e9 : MICRO;
    gauge(
        out,
        "sync_status",
        "Is clock synchronized to a reliable server (1 = yes, 0 = no).",
        t.state() == TIME_ERROR ? 0 : 1);
    gauge(
        out,
        "offset_seconds",
        "Time offset in between local system and reference clock.",
        t.offset() / divisor);
    gauge(
        out,
        "frequency_adjustment_ratio",
        "Local clock frequency adjustment.",
        1 + t.freq() / PPM16FRAC);
    gauge(out, "maxerror_seconds", "Maximum error in seconds.", t.maxerror() / MICRO);
    gauge(out, "estimated_error_seconds", "Estimated error in seconds.", t.esterror() / MICRO);
    gauge(out, "status", "Value of the status array bits.", t.status());
    gauge(out, "loop_time_constant", "Phase-locked loop time constant.", t.constant());
    gauge(out, "tick_seconds", "Seconds between clock ticks.", t.tick() / MICRO);
    gauge(out, "pps_frequency_hertz", "Pulse per second frequency.", t.ppsfreq() / PPM16FRAC);
    gauge(out, "pps_jitter_seconds", "Pulse per second jitter.", t.jitter() / divisor);
    gauge(out, "pps_shift_seconds", "Pulse per second interval duration.", t.shift());
    gauge(
        out,
        "pps_stability_hertz",
        "Pulse per second stability, average of recent frequency changes.",
        t.stabil() / PPM16FRAC);
    counter(
        out,
        "pps_jitter_total",
        "Pulse per second count of jitter limit exceeded events.",
        t.jitcnt());
    counter(
        out,
        "pps_calibration_total",
        "Pulse per second count of calibration intervals.",
        t.calcnt());
    counter(out, "pps_error_total", "Pulse per second count of calibration errors.", t.errcnt());
    counter(
        out,
        "pps_stability_exceeded_total",
        "Pulse per second count of stability limit exceeded events.",
        t.stbcnt());
    gauge(out, "tai_offset_seconds", "International Atomic Time (TAI) offset.", t.tai());
    return out.snapshots();
  }

  private static void gauge(Families out, String name, String help, double value) {
    out.add(Family.gauge("node_timex_" + name, help)).add(value);
  }

  private static void counter(Families out, String name, String help, double value) {
    out.add(Family.counter("node_timex_" + name, help)).add(value);
  }
}
