package io.mlpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code mlpipe report}'s flags: usage errors exit 2 with what was wrong, before any request. */
class ReportCommandTest {

  private final StringWriter err = new StringWriter();
  private final StringWriter out = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(out, true));
    return cli.execute(args);
  }

  @Test
  void prometheusIsRequired() {
    assertThat(run("report")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required option: '--prometheus=URL'");
  }

  @Test
  void badWindowIsAUsageError() {
    assertThat(run("report", "--prometheus", "http://127.0.0.1:1", "--since", "7x")).isEqualTo(2);
    assertThat(err.toString()).contains("--since 7x: expected now, a duration (7d)");
  }

  @Test
  void badTimeoutIsAUsageErrorFromItsConverter() {
    assertThat(run("report", "--prometheus", "http://127.0.0.1:1", "--prometheus.timeout", "soon"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "Invalid value for option '--prometheus.timeout': must be a duration like 500ms, 5s or"
                + " 1m, got 'soon'");
    assertThat(run("report", "--prometheus", "http://127.0.0.1:1", "--prometheus.timeout", "0s"))
        .isEqualTo(2);
  }

  @Test
  void unknownFormatIsAUsageError() {
    assertThat(run("report", "--prometheus", "http://127.0.0.1:1", "--format", "pdf")).isEqualTo(2);
    assertThat(err.toString()).contains("--format", "pdf");
  }

  @Test
  void aUrlWithoutSchemeEndsWithOneLine() {
    assertThat(run("report", "--prometheus", "prometheus:9090")).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(
            "mlpipe report: --prometheus prometheus:9090: not an http:// or https:// URL%n"
                .formatted());
    assertThat(out.toString()).isEmpty();
  }
}
