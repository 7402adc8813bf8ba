package io.mlpipe.e2e;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A test-only parser of the Prometheus text format 0.0.4 (client_java has none): families by name
 * with their {@code # TYPE} and samples keyed by their sorted label set.
 */
final class Exposition {

  /** One family: its type and its samples (label set -> value). */
  record Family(String name, String type, Map<Map<String, String>, Double> samples) {}

  private Exposition() {}

  static Map<String, Family> parse(String text) {
    Map<String, String> types = new LinkedHashMap<>();
    Map<String, Family> families = new TreeMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String[] f = line.split(" ");
        types.put(f[2], f[3]);
        families.put(f[2], new Family(f[2], f[3], new LinkedHashMap<>()));
        continue;
      }
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.indexOf(' ');
      String name =
          brace >= 0 && brace < space ? line.substring(0, brace) : line.substring(0, space);
      Map<String, String> labels = new TreeMap<>();
      int pos = name.length();
      if (brace >= 0 && brace < space) {
        pos = labels(line, brace + 1, labels);
      }
      String[] rest = line.substring(pos).strip().split(" ");
      double value = Double.parseDouble(rest[0]);
      Family family = families.get(name);
      if (family == null) {
        family =
            families.computeIfAbsent(name, n -> new Family(n, "untyped", new LinkedHashMap<>()));
      }
      family.samples().put(labels, value);
    }
    return families;
  }

  /** Parses {@code a="x",b="y"}} from {@code start}; returns the index after the brace. */
  private static int labels(String line, int start, Map<String, String> out) {
    int i = start;
    while (line.charAt(i) != '}') {
      int eq = line.indexOf('=', i);
      String key = line.substring(i, eq).strip();
      i = eq + 2; // skip ="
      StringBuilder v = new StringBuilder();
      while (line.charAt(i) != '"') {
        char c = line.charAt(i);
        if (c == '\\') {
          char n = line.charAt(++i);
          v.append(n == 'n' ? '\n' : n);
        } else {
          v.append(c);
        }
        i++;
      }
      out.put(key, v.toString());
      i++; // closing quote
      if (line.charAt(i) == ',') {
        i++;
      }
    }
    return i + 1;
  }
}
