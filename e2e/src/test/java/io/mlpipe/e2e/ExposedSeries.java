package io.mlpipe.e2e;

import io.mlpipe.ingest.BadRequestException;
import io.mlpipe.ingest.ParsedFamily;
import io.mlpipe.ingest.TextFormatParser;
import io.mlpipe.store.MetricType;
import io.mlpipe.testing.Http;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The pushed series a server exposes on {@code /metrics} (those with a {@code job} label), in a
 * form two servers can be compared in: {@code le} and {@code quantile} and values compared as
 * numbers (Go writes {@code le="1"}, client_java {@code le="1.0"}), push times reduced to set or
 * not, HELP ignored.
 *
 * @param series {@code name{sorted labels}} to value
 * @param types family name to type, for families that hold pushed series
 */
record ExposedSeries(SortedMap<String, String> series, SortedMap<String, MetricType> types) {

  static ExposedSeries scrape(String baseUrl) {
    Http.Response r = Http.get(baseUrl + "/metrics", Map.of("Accept", "text/plain"));
    if (r.status() != 200) {
      throw new AssertionError("GET " + baseUrl + "/metrics: " + r.status() + " " + r.body());
    }
    return parse(r.body());
  }

  static ExposedSeries parse(String text) {
    SortedMap<String, String> series = new TreeMap<>();
    SortedMap<String, MetricType> types = new TreeMap<>();
    try {
      for (ParsedFamily f : TextFormatParser.parse(text.getBytes(StandardCharsets.UTF_8))) {
        for (ParsedFamily.Sample s : f.samples()) {
          if (!s.labels().containsKey("job")) {
            continue;
          }
          types.put(f.name(), f.type());
          String labels =
              new TreeMap<>(s.labels())
                  .entrySet().stream()
                      .map(
                          e -> e.getKey() + "=\"" + normalizeLabel(e.getKey(), e.getValue()) + "\"")
                      .collect(Collectors.joining(","));
          String value =
              s.name().startsWith("push_") && s.name().endsWith("time_seconds")
                  ? (s.value() == 0 ? "0" : "set")
                  : number(s.value());
          series.put(s.name() + "{" + labels + "}", value);
        }
      }
    } catch (BadRequestException e) {
      throw new AssertionError("unparsable /metrics: " + e.getMessage() + "\n" + text);
    }
    return new ExposedSeries(series, types);
  }

  /** Only the series of one job. */
  ExposedSeries ofJob(String job) {
    SortedMap<String, String> s = new TreeMap<>();
    series.forEach(
        (k, v) -> {
          if (k.contains("job=\"" + job + "\"")) {
            s.put(k, v);
          }
        });
    return new ExposedSeries(s, types);
  }

  /** Without the series of the given jobs. */
  ExposedSeries withoutJobs(java.util.Collection<String> jobs) {
    SortedMap<String, String> s = new TreeMap<>(series);
    s.keySet().removeIf(k -> jobs.stream().anyMatch(j -> k.contains("job=\"" + j + "\"")));
    SortedMap<String, MetricType> t = new TreeMap<>(types);
    t.keySet()
        .removeIf(
            family ->
                s.keySet().stream()
                    .map(k -> k.substring(0, k.indexOf('{')))
                    .noneMatch(
                        n ->
                            n.equals(family)
                                || n.equals(family + "_bucket")
                                || n.equals(family + "_sum")
                                || n.equals(family + "_count")));
    return new ExposedSeries(s, t);
  }

  private static String normalizeLabel(String name, String value) {
    if (name.equals("le") || name.equals("quantile")) {
      try {
        return number(Double.parseDouble(value.replace("+Inf", "Infinity")));
      } catch (NumberFormatException e) {
        return value;
      }
    }
    return value;
  }

  private static String number(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    return v == 0 ? "0.0" : Double.toString(v); // -0 is 0 (Pushgateway writes 0)
  }
}
