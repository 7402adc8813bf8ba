package io.mlpipe.cli;

import io.mlpipe.config.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * picocli converters for durations, sizes and times, so that options are typed fields and a bad
 * value is a usage error at parse time ({@code Invalid value for option '--timeout': must be a
 * duration like 500ms, 5s or 1m, got 'abc'}), not a string parsed later in {@code call()}.
 */
final class Converters {

  private Converters() {}

  /** A duration above zero: 500ms, 5s, 1m30s, 1d. */
  static final class PositiveDuration implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return Durations.parse(value)
          .filter(d -> !d.isZero() && !d.isNegative())
          .orElseThrow(() -> bad("a duration like 500ms, 5s or 1m", value));
    }
  }

  /** A duration of zero (meaning "off" where the option says so) or more. */
  static final class NonNegativeDuration implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return Durations.parse(value)
          .filter(d -> !d.isNegative())
          .orElseThrow(() -> bad("a duration like 15s or 1m, or 0", value));
    }
  }

  /** A size above zero in bytes, or with KiB, MiB, GiB, KB (k), MB (M), GB (G). */
  static final class Size implements CommandLine.ITypeConverter<Long> {
    private static final Pattern SIZE =
        Pattern.compile("(\\d+)\\s*(|B|KB|MB|GB|KiB|MiB|GiB|k|M|G)");

    @Override
    public Long convert(String value) {
      Matcher m = SIZE.matcher(value.strip());
      if (m.matches()) {
        long unit =
            switch (m.group(2)) {
              case "KB", "k" -> 1000L;
              case "MB", "M" -> 1000L * 1000;
              case "GB", "G" -> 1000L * 1000 * 1000;
              case "KiB" -> 1024L;
              case "MiB" -> 1024L * 1024;
              case "GiB" -> 1024L * 1024 * 1024;
              default -> 1L;
            };
        try {
          long v = Math.multiplyExact(Long.parseLong(m.group(1)), unit);
          if (v > 0) {
            return v;
          }
        } catch (ArithmeticException | NumberFormatException e) {
          // falls through to the error
        }
      }
      throw bad("a size like 100MiB or 1048576", value);
    }
  }

  /**
   * A point in time as Unix seconds: a number of seconds, or an RFC 3339 time (the events API's two
   * forms), checked here so that a typo is a usage error before anything is sent.
   */
  static final class UnixTime implements CommandLine.ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      try {
        double d = Double.parseDouble(value.strip());
        if (d >= 0 && Double.isFinite(d)) {
          return d;
        }
      } catch (NumberFormatException e) {
        try {
          Instant t = Instant.parse(value.strip());
          return t.getEpochSecond() + t.getNano() / 1e9;
        } catch (DateTimeParseException notATime) {
          // falls through to the error
        }
      }
      throw bad("Unix seconds or an RFC 3339 time like 2026-01-02T03:04:05Z", value);
    }
  }

  private static CommandLine.TypeConversionException bad(String what, String value) {
    return new CommandLine.TypeConversionException("must be " + what + ", got '" + value + "'");
  }
}
