package io.mlpipe.ingest;

import io.mlpipe.store.MetricType;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses the Prometheus text exposition format 0.0.4 (what {@code prometheus_client}'s {@code
 * push_to_gateway} and curl users send). Every error names its line, in the words of Prometheus'
 * own parser where it has them: {@code text format parsing error in line 3: ...}.
 */
public final class TextFormatParser {

  private final Map<String, ParsedFamily> families = new LinkedHashMap<>();
  private final Set<String> typed = new HashSet<>();
  private final Set<String> sampled = new HashSet<>();
  private int lineNo;

  private TextFormatParser() {}

  /** Parses a whole body; families in order of first appearance. */
  public static List<ParsedFamily> parse(byte[] body) throws BadRequestException {
    String text = decodeUtf8(body);
    TextFormatParser p = new TextFormatParser();
    int start = 0;
    while (start <= text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      p.lineNo++;
      p.line(text.substring(start, end));
      start = end + 1;
    }
    return new ArrayList<>(p.families.values());
  }

  private BadRequestException error(String message) {
    return new BadRequestException("text format parsing error in line " + lineNo + ": " + message);
  }

  static String decodeUtf8(byte[] body) throws BadRequestException {
    CharsetDecoder d =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(body);
    CharBuffer out = CharBuffer.allocate(body.length);
    CoderResult r = d.decode(in, out, true);
    if (r.isError()) {
      int line = 1;
      for (int i = 0; i < in.position(); i++) {
        if (body[i] == '\n') {
          line++;
        }
      }
      throw new BadRequestException(
          "text format parsing error in line "
              + line
              + ": invalid UTF-8 at byte "
              + (in.position() + 1));
    }
    d.flush(out);
    return out.flip().toString();
  }

  private void line(String raw) throws BadRequestException {
    String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
    int i = skipBlank(line, 0);
    if (i == line.length()) {
      return;
    }
    if (line.charAt(i) == '#') {
      comment(line, i + 1);
      return;
    }
    sample(line, i);
  }

  private void comment(String line, int i) throws BadRequestException {
    i = skipBlank(line, i);
    int kwEnd = tokenEnd(line, i);
    String keyword = line.substring(i, kwEnd);
    if (!keyword.equals("HELP") && !keyword.equals("TYPE")) {
      return; // an ordinary comment
    }
    i = skipBlank(line, kwEnd);
    int nameEnd = tokenEnd(line, i);
    String name = line.substring(i, nameEnd);
    if (name.isEmpty()) {
      return; // "# HELP" alone is a comment, as in Prometheus' parser
    }
    if (!MetricNames.isValidMetricName(name)) {
      throw error("invalid metric name in comment \"" + name + "\"");
    }
    i = nameEnd < line.length() ? nameEnd + 1 : nameEnd;
    String rest = line.substring(Math.min(i, line.length()));
    ParsedFamily f = families.get(name);
    if (keyword.equals("HELP")) {
      if (f != null && f.help() != null) {
        throw error("second HELP line for metric name \"" + name + "\"");
      }
      String help = unescapeHelp(rest);
      families.put(
          name, f == null ? ParsedFamily.start(name, MetricType.UNTYPED, help) : f.withHelp(help));
    } else {
      if (typed.contains(name) || sampled.contains(name)) {
        throw error(
            "second TYPE line for metric name \"" + name + "\", or TYPE reported after samples");
      }
      MetricType type =
          switch (rest.strip().toLowerCase(Locale.ROOT)) {
            case "counter" -> MetricType.COUNTER;
            case "gauge" -> MetricType.GAUGE;
            case "histogram" -> MetricType.HISTOGRAM;
            case "summary" -> MetricType.SUMMARY;
            case "untyped" -> MetricType.UNTYPED;
            default -> throw error("unknown metric type \"" + rest.strip() + "\"");
          };
      typed.add(name);
      families.put(name, f == null ? ParsedFamily.start(name, type, null) : f.withType(type));
    }
  }

  private void sample(String line, int i) throws BadRequestException {
    int nameEnd = i;
    while (nameEnd < line.length() && isNameChar(line.charAt(nameEnd), nameEnd == i)) {
      nameEnd++;
    }
    String name = line.substring(i, nameEnd);
    if (name.isEmpty()) {
      throw error("invalid metric name");
    }
    i = nameEnd;
    Map<String, String> labels = new LinkedHashMap<>();
    i = skipBlank(line, i);
    if (i < line.length() && line.charAt(i) == '{') {
      i = labels(line, i + 1, name, labels);
    }
    i = skipBlank(line, i);
    int valueEnd = tokenEnd(line, i);
    String valueText = line.substring(i, valueEnd);
    if (valueText.isEmpty()) {
      throw error("expected float as value for metric \"" + name + "\"");
    }
    double value = parseFloat(valueText);
    i = skipBlank(line, valueEnd);
    if (i < line.length()) {
      int tsEnd = tokenEnd(line, i);
      String ts = line.substring(i, tsEnd);
      try {
        Long.parseLong(ts);
      } catch (NumberFormatException e) {
        throw error("expected integer as timestamp, got \"" + ts + "\"");
      }
      if (skipBlank(line, tsEnd) < line.length()) {
        throw error("spurious string after timestamp: \"" + line.substring(tsEnd).strip() + "\"");
      }
      throw new BadRequestException(
          400,
          BadRequestException.TIMESTAMP,
          "pushed metrics must not have timestamps (line " + lineNo + ")");
    }
    ParsedFamily f = familyFor(name);
    f.samples().add(new ParsedFamily.Sample(name, labels, value, lineNo));
    sampled.add(f.name());
  }

  private ParsedFamily familyFor(String sampleName) {
    ParsedFamily exact = families.get(sampleName);
    if (exact != null
        && exact.type() != MetricType.HISTOGRAM
        && exact.type() != MetricType.SUMMARY) {
      return exact;
    }
    for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
      if (sampleName.endsWith(suffix)) {
        String base = sampleName.substring(0, sampleName.length() - suffix.length());
        ParsedFamily f = families.get(base);
        if (f != null
            && (f.type() == MetricType.HISTOGRAM
                || (f.type() == MetricType.SUMMARY && !suffix.equals("_bucket")))) {
          return f;
        }
      }
    }
    if (exact != null) {
      return exact; // a histogram or summary's own name: the summary quantile lines
    }
    ParsedFamily created = ParsedFamily.start(sampleName, MetricType.UNTYPED, null);
    families.put(sampleName, created);
    return created;
  }

  private int labels(String line, int i, String metric, Map<String, String> labels)
      throws BadRequestException {
    while (true) {
      i = skipBlank(line, i);
      if (i >= line.length()) {
        throw error("unexpected end of label set for metric \"" + metric + "\"");
      }
      if (line.charAt(i) == '}') {
        return i + 1;
      }
      int nameEnd = i;
      while (nameEnd < line.length() && isLabelChar(line.charAt(nameEnd), nameEnd == i)) {
        nameEnd++;
      }
      String name = line.substring(i, nameEnd);
      if (name.isEmpty()) {
        throw error("invalid label name for metric \"" + metric + "\"");
      }
      i = skipBlank(line, nameEnd);
      if (i >= line.length() || line.charAt(i) != '=') {
        throw error("expected '=' after label name \"" + name + "\" for metric \"" + metric + "\"");
      }
      i = skipBlank(line, i + 1);
      if (i >= line.length() || line.charAt(i) != '"') {
        throw error("expected '\"' to start the value of label \"" + name + "\"");
      }
      i++;
      int valueStart = i;
      while (i < line.length() && line.charAt(i) != '"' && line.charAt(i) != '\\') {
        i++;
      }
      String valueText;
      boolean closed;
      if (i < line.length() && line.charAt(i) == '"') {
        valueText = line.substring(valueStart, i++); // no escapes: the common case, no copying
        closed = true;
      } else {
        StringBuilder value = new StringBuilder().append(line, valueStart, i);
        closed = false;
        while (i < line.length()) {
          char c = line.charAt(i++);
          if (c == '\\') {
            if (i >= line.length()) {
              break;
            }
            char e = line.charAt(i++);
            switch (e) {
              case '\\' -> value.append('\\');
              case '"' -> value.append('"');
              case 'n' -> value.append('\n');
              default -> throw error("invalid escape sequence '\\" + e + "' in label value");
            }
          } else if (c == '"') {
            closed = true;
            break;
          } else {
            value.append(c);
          }
        }
        valueText = value.toString();
      }
      if (!closed) {
        throw error("unterminated value for label \"" + name + "\"");
      }
      if (!MetricNames.isValidLabelName(name)) {
        throw error("invalid label name \"" + name + "\" for metric \"" + metric + "\"");
      }
      if (labels.put(name, valueText) != null) {
        throw error("duplicate label name \"" + name + "\" for metric \"" + metric + "\"");
      }
      i = skipBlank(line, i);
      if (i < line.length() && line.charAt(i) == ',') {
        i++;
      } else if (i < line.length() && line.charAt(i) != '}') {
        throw error("expected ',' or '}' after label value for metric \"" + metric + "\"");
      }
    }
  }

  private double parseFloat(String s) throws BadRequestException {
    String lower = s.toLowerCase(Locale.ROOT);
    switch (lower) {
      case "nan":
        return Double.NaN;
      case "+inf":
      case "inf":
        return Double.POSITIVE_INFINITY;
      case "-inf":
        return Double.NEGATIVE_INFINITY;
      default:
        break;
    }
    if (!isFloat(s)) {
      throw error("expected float as value, got \"" + s + "\"");
    }
    return Double.parseDouble(s);
  }

  /**
   * Whether {@code s} is {@code [+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?}, checked by hand: a
   * regex match per pushed value cost more than parsing the number.
   */
  static boolean isFloat(String s) {
    int n = s.length();
    int i = 0;
    if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      i++;
    }
    int intDigits = digits(s, i);
    i += intDigits;
    int fracDigits = 0;
    if (i < n && s.charAt(i) == '.') {
      i++;
      fracDigits = digits(s, i);
      i += fracDigits;
    }
    if (intDigits == 0 && fracDigits == 0) {
      return false;
    }
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      int expDigits = digits(s, i);
      if (expDigits == 0) {
        return false;
      }
      i += expDigits;
    }
    return i == n;
  }

  private static int digits(String s, int from) {
    int i = from;
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    return i - from;
  }

  private static String unescapeHelp(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char e = s.charAt(i + 1);
        if (e == 'n') {
          out.append('\n');
          i++;
          continue;
        }
        if (e == '\\') {
          out.append('\\');
          i++;
          continue;
        }
      }
      out.append(c);
    }
    return out.toString();
  }

  private static int skipBlank(String s, int i) {
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  private static int tokenEnd(String s, int i) {
    while (i < s.length() && s.charAt(i) != ' ' && s.charAt(i) != '\t') {
      i++;
    }
    return i;
  }

  private static boolean isNameChar(char c, boolean first) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || c == '_'
        || c == ':'
        || (!first && c >= '0' && c <= '9');
  }

  private static boolean isLabelChar(char c, boolean first) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || c == '_'
        || (!first && c >= '0' && c <= '9');
  }
}
