package io.mlpipe.report;

import java.util.Comparator;
import java.util.Locale;

/** How figures read in the Markdown and HTML: 97.5 %, 1h 12m, 0.342. */
final class Format {
  private Format() {}

  /** Versions in natural order: v2 before v10. */
  static final Comparator<String> VERSION_ORDER =
      Comparator.comparing((String v) -> v.replaceAll("\\d+", "").toLowerCase(Locale.ROOT))
          .thenComparingLong(
              v -> {
                String d = v.replaceAll("\\D+", "");
                return d.isEmpty() || d.length() > 18 ? 0 : Long.parseLong(d);
              })
          .thenComparing(Comparator.naturalOrder());

  static String percent(Double ratio) {
    if (ratio == null || ratio.isNaN()) {
      return "–";
    }
    double p = ratio * 100;
    return (p == Math.rint(p)
            ? String.format(Locale.ROOT, "%.0f", p)
            : String.format(Locale.ROOT, "%.1f", p))
        + " %";
  }

  /** A signed change as a percentage: +12 %, −3.4 %. */
  static String change(Double ratio) {
    if (ratio == null || ratio.isNaN()) {
      return "–";
    }
    return (ratio >= 0 ? "+" : "−") + percent(Math.abs(ratio));
  }

  static String duration(Double seconds) {
    if (seconds == null || seconds.isNaN()) {
      return "–";
    }
    double s = seconds;
    if (s < 10) {
      return String.format(Locale.ROOT, "%.2g s", s).replace(".0 s", " s");
    }
    long t = Math.round(s);
    long d = t / 86_400;
    long h = t % 86_400 / 3600;
    long m = t % 3600 / 60;
    long sec = t % 60;
    if (d > 0) {
      return d + "d " + h + "h";
    }
    if (h > 0) {
      return h + "h " + m + "m";
    }
    if (m > 0) {
      return m + "m " + sec + "s";
    }
    return sec + " s";
  }

  static String number(Double v) {
    if (v == null || v.isNaN()) {
      return "–";
    }
    double a = Math.abs(v);
    if (a != 0 && (a < 0.001 || a >= 1e6)) {
      return String.format(Locale.ROOT, "%.3g", v);
    }
    String s = String.format(Locale.ROOT, "%.4f", v);
    return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }

  static String hours(double h) {
    return String.format(Locale.ROOT, h < 10 ? "%.3f" : "%.1f", h);
  }

  static String bytes(double b) {
    if (Double.isNaN(b)) {
      return "–";
    }
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    int i = 0;
    while (b >= 1024 && i < units.length - 1) {
      b /= 1024;
      i++;
    }
    return String.format(Locale.ROOT, i == 0 ? "%.0f %s" : "%.1f %s", b, units[i]);
  }
}
