package io.mlpipe.config;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints durations in Prometheus' notation ({@code 1d12h}, {@code 30s}, {@code 250ms}).
 */
public final class Durations {

  private static final Pattern PROMETHEUS =
      Pattern.compile(
          "(?:(\\d+)y)?(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?(?:(\\d+)ms)?");
  private static final long[] UNIT_MILLIS = {
    365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1_000, 1
  };

  private Durations() {}

  /** The duration {@code text} denotes, or empty when it is not a Prometheus duration. */
  public static Optional<Duration> parse(String text) {
    if (text == null || text.isEmpty()) {
      return Optional.empty();
    }
    if (text.equals("0")) {
      return Optional.of(Duration.ZERO);
    }
    Matcher m = PROMETHEUS.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    long millis = 0;
    for (int i = 0; i < UNIT_MILLIS.length; i++) {
      String part = m.group(i + 1);
      if (part != null) {
        try {
          millis = Math.addExact(millis, Math.multiplyExact(Long.parseLong(part), UNIT_MILLIS[i]));
        } catch (ArithmeticException | NumberFormatException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.of(Duration.ofMillis(millis));
  }

  /** The shortest Prometheus notation for {@code d}, e.g. {@code 1h30m}. */
  public static String format(Duration d) {
    long millis = d.toMillis();
    if (millis == 0) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    String[] units = {"y", "w", "d", "h", "m", "s", "ms"};
    for (int i = 0; i < UNIT_MILLIS.length; i++) {
      long n = millis / UNIT_MILLIS[i];
      if (n > 0) {
        out.append(n).append(units[i]);
        millis -= n * UNIT_MILLIS[i];
      }
    }
    return out.toString();
  }
}
