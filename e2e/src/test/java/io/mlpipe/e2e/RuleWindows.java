package io.mlpipe.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * How far back each shipped alert looks: the longest range selector ({@code [1h]}, {@code
 * [15m:1m]}) in its expression or in the recording rules it reads. A test that watches a healthy
 * system for less than that has not shown the alert stays quiet in steady state.
 */
final class RuleWindows {

  private static final Pattern RANGE = Pattern.compile("\\[(\\d+)([smhdwy])[]:]");

  private RuleWindows() {}

  /** Alert name to its longest look-back (zero: instant expressions only). */
  @SuppressWarnings("unchecked")
  static Map<String, Duration> longestPerAlert(List<Path> ruleFiles) throws IOException {
    Map<String, String> recorded = new LinkedHashMap<>();
    Map<String, String> alerts = new LinkedHashMap<>();
    for (Path file : ruleFiles) {
      Map<String, Object> doc =
          new Yaml(new SafeConstructor(new LoaderOptions()))
              .load(Files.readString(file, StandardCharsets.UTF_8));
      for (Object group : (List<Object>) doc.get("groups")) {
        for (Object rule : (List<Object>) ((Map<String, Object>) group).get("rules")) {
          Map<String, Object> r = (Map<String, Object>) rule;
          String expr = String.valueOf(r.get("expr"));
          if (r.containsKey("record")) {
            recorded.merge((String) r.get("record"), expr, (a, b) -> a + "\n" + b);
          } else {
            alerts.merge((String) r.get("alert"), expr, (a, b) -> a + "\n" + b);
          }
        }
      }
    }
    Map<String, Duration> out = new LinkedHashMap<>();
    alerts.forEach(
        (name, expr) -> {
          StringBuilder all = new StringBuilder(expr);
          recorded.forEach(
              (record, recordExpr) -> {
                if (expr.contains(record)) {
                  all.append('\n').append(recordExpr);
                }
              });
          out.put(name, longest(all.toString()));
        });
    return out;
  }

  static Duration longest(String expr) {
    Duration max = Duration.ZERO;
    Matcher m = RANGE.matcher(expr);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      Duration d =
          switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            case "w" -> Duration.ofDays(7 * n);
            default -> Duration.ofDays(365 * n);
          };
      if (d.compareTo(max) > 0) {
        max = d;
      }
    }
    return max;
  }
}
