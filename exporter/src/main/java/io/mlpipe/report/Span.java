package io.mlpipe.report;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reported window, in Unix seconds, and the step that queries sample it with: about 720 steps
 * per window (so a week is read at 14-minute resolution), never under 1 s.
 */
public record Span(double since, double until) {

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|y|w|d|h|m|s)");

  public Span {
    if (!(until > since)) {
      throw new IllegalArgumentException("--since must be before --until");
    }
  }

  public double seconds() {
    return until - since;
  }

  public double step() {
    return Math.max(1, Math.ceil(seconds() / 720));
  }

  /** The window of the same length just before this one. */
  public Span previous() {
    return new Span(since - seconds(), since);
  }

  /** {@code 3600s}: a PromQL range of the whole window. */
  public String range() {
    return secs(seconds());
  }

  public String stepRange() {
    return secs(step());
  }

  static String secs(double s) {
    return Math.max(1, Math.round(s)) + "s";
  }

  /**
   * {@code --since} and {@code --until}: {@code until} is {@code now}, an RFC 3339 time or Unix
   * seconds; {@code since} is one of those or a Prometheus duration before {@code until} ({@code
   * 7d}, {@code 12h30m}).
   */
  public static Span parse(String since, String until, Instant now) {
    double end = time("--until", until, now);
    double start;
    if (DURATION.matcher(since).lookingAt()
        && since.replaceAll("(\\d+)(ms|y|w|d|h|m|s)", "").isEmpty()) {
      start = end - duration(since);
    } else {
      start = time("--since", since, now);
    }
    return new Span(start, end);
  }

  public static double duration(String text) {
    Matcher m = DURATION.matcher(text);
    double total = 0;
    int at = 0;
    while (m.find()) {
      if (m.start() != at) {
        throw new IllegalArgumentException("not a duration: " + text);
      }
      at = m.end();
      long n = Long.parseLong(m.group(1));
      total +=
          n
              * switch (m.group(2)) {
                case "ms" -> 0.001;
                case "s" -> 1;
                case "m" -> 60;
                case "h" -> 3600;
                case "d" -> 86_400;
                case "w" -> 7 * 86_400;
                default -> 365 * 86_400;
              };
    }
    if (at != text.length() || at == 0 || total <= 0) {
      throw new IllegalArgumentException("not a duration: " + text);
    }
    return total;
  }

  private static double time(String flag, String text, Instant now) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("now")) {
      return now.toEpochMilli() / 1000.0;
    }
    if (t.matches("\\d+(\\.\\d+)?")) {
      return Double.parseDouble(t);
    }
    try {
      return Instant.parse(text.trim()).toEpochMilli() / 1000.0;
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          flag
              + " "
              + text
              + ": expected now, a duration (7d), an RFC 3339 time (2026-01-31T00:00:00Z) or Unix"
              + " seconds");
    }
  }

  static String iso(double epochSeconds) {
    return Instant.ofEpochMilli(Math.round(epochSeconds * 1000)).toString();
  }
}
