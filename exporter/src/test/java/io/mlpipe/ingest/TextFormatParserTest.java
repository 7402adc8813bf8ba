package io.mlpipe.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlpipe.store.MetricType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TextFormatParserTest {

  private static List<ParsedFamily> parse(String text) throws BadRequestException {
    return TextFormatParser.parse(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void parsesWhatPrometheusClientPushes() throws Exception {
    List<ParsedFamily> fams =
        parse(
            """
            # HELP job_duration_seconds How long the job took.\\nSecond line.
            # TYPE job_duration_seconds histogram
            job_duration_seconds_bucket{le="0.5"} 1.0
            job_duration_seconds_bucket{le="+Inf"} 2.0
            job_duration_seconds_count 2.0
            job_duration_seconds_sum 1.7
            # HELP job_duration_seconds_created Created.
            # TYPE job_duration_seconds_created gauge
            job_duration_seconds_created 1.7e9
            # TYPE rows_total counter
            rows_total{table="a\\"b\\\\c\\nd",} 12
            untyped_thing NaN
            """);
    assertThat(fams)
        .extracting(ParsedFamily::name)
        .containsExactly(
            "job_duration_seconds", "job_duration_seconds_created", "rows_total", "untyped_thing");
    assertThat(fams.get(0).type()).isEqualTo(MetricType.HISTOGRAM);
    assertThat(fams.get(0).help()).isEqualTo("How long the job took.\nSecond line.");
    assertThat(fams.get(0).samples()).hasSize(4);
    assertThat(fams.get(2).samples().get(0).labels()).containsEntry("table", "a\"b\\c\nd");
    assertThat(Double.isNaN(fams.get(3).samples().get(0).value())).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "unclosed label set        | 'foo{a=\"1\" 1'                  | line 1: expected ',' or '}'",
        "bad label name            | 'foo{1a=\"1\"} 1'                | line 1: invalid label name for metric \"foo\"",
        "reserved label name       | 'foo{__a=\"1\"} 1'               | line 1: invalid label name \"__a\"",
        "unquoted label value      | 'foo{a=1} 1'                     | line 1: expected '\"' to start the value of label \"a\"",
        "bad escape                | 'foo{a=\"\\x\"} 1'               | line 1: invalid escape sequence",
        "missing value             | 'foo'                            | line 1: expected float as value",
        "word as value             | 'foo abc'                        | line 1: expected float as value, got \"abc\"",
        "java-only float syntax    | 'foo 1d'                         | line 1: expected float as value, got \"1d\"",
        "hex float                 | 'foo 0x1p3'                      | line 1: expected float as value",
        "timestamp                 | 'foo 1 1700000000000'            | must not have timestamps (line 1)",
        "bad timestamp             | 'foo 1 soon'                     | line 1: expected integer as timestamp",
        "unknown type              | '# TYPE foo meter'               | line 1: unknown metric type \"meter\"",
        "second TYPE               | '# TYPE foo gauge\n# TYPE foo gauge' | line 2: second TYPE line",
        "TYPE after samples        | 'foo 1\n# TYPE foo gauge'        | line 2: second TYPE line for metric name \"foo\", or TYPE reported after samples",
        "second HELP               | '# HELP foo a\n# HELP foo b'     | line 2: second HELP line",
        "duplicate label           | 'foo{a=\"1\",a=\"2\"} 1'         | line 1: duplicate label name \"a\"",
        "bad metric name in TYPE   | '# TYPE 1foo gauge'              | line 1: invalid metric name in comment",
        "name starting with digit  | '1foo 1'                         | line 1: invalid metric name",
      })
  void malformedBodiesNameTheirLine(String what, String body, String message) {
    assertThatThrownBy(() -> parse(body.replace("\\n", "\n") + "\n"))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining(message);
  }

  @Test
  void invalidUtf8IsRefusedWithItsLine() {
    byte[] body = "ok 1\nbad{a=\"\u00ff\"} 1\n".getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> TextFormatParser.parse(body))
        .hasMessageContaining("text format parsing error in line 2: invalid UTF-8");
  }

  @Test
  void infinitiesAndSignsAreFloats() throws Exception {
    List<ParsedFamily> f = parse("a +Inf\nb -Inf\nc 1e3\nd -.5\n");
    assertThat(f.get(0).samples().get(0).value()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(f.get(1).samples().get(0).value()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(f.get(2).samples().get(0).value()).isEqualTo(1000.0);
    assertThat(f.get(3).samples().get(0).value()).isEqualTo(-0.5);
  }

  /** The hand-written float check accepts exactly what the regex it replaced accepted. */
  @Test
  void floatCheckMatchesTheRegexItReplaced() {
    java.util.regex.Pattern regex =
        java.util.regex.Pattern.compile("[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?");
    char[] alphabet = {'0', '7', '.', 'e', 'E', '+', '-', 'x', ' ', '\u0664'};
    java.util.Random random = new java.util.Random(17);
    int accepted = 0;
    for (int n = 0; n < 200_000; n++) {
      char[] c = new char[random.nextInt(8)];
      for (int i = 0; i < c.length; i++) {
        c[i] = alphabet[random.nextInt(alphabet.length)];
      }
      String s = new String(c);
      boolean expected = regex.matcher(s).matches();
      assertThat(TextFormatParser.isFloat(s)).as("\"%s\"", s).isEqualTo(expected);
      accepted += expected ? 1 : 0;
    }
    assertThat(accepted).as("the sample holds numbers too").isGreaterThan(1000);
  }

  /** Values with and without escapes, after the fast path for values without any. */
  @Test
  void labelValuesWithAndWithoutEscapes() throws Exception {
    List<ParsedFamily> fs =
        TextFormatParser.parse(
            "m{a=\"plain\",b=\"x\\\\y\\\"z\\nw\",c=\"\"} 1\n".getBytes(StandardCharsets.UTF_8));
    assertThat(fs.get(0).samples().get(0).labels())
        .containsExactly(
            java.util.Map.entry("a", "plain"),
            java.util.Map.entry("b", "x\\y\"z\nw"),
            java.util.Map.entry("c", ""));
  }
}
