package io.mlpipe.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.InputStream;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The three renderings of one report: the JSON fits the committed schema, the Markdown and HTML
 * have every section, and label values (which anyone who pushes metrics chooses) are escaped.
 */
class ReportRenderTest {

  private static final String EVIL = "<script>alert(1)</script>|x*y_";

  private static Report report(boolean empty) {
    Report.Window w =
        new Report.Window(
            "2026-01-01T00:00:00Z", "2026-01-08T00:00:00Z", 604_800, "2025-12-25T00:00:00Z", 840);
    if (empty) {
      String why =
          "no mlpipe pipeline has data between 2026-01-01T00:00:00Z and 2026-01-08T00:00:00Z";
      return new Report(
          "2026-01-08T00:00:01Z",
          "http://127.0.0.1:9090",
          w,
          new Report.Filter(null, null),
          false,
          true,
          why,
          new Report.Pipelines(why, ReportBuilder.slaMethod(), List.of()),
          new Report.Data(why, List.of(), List.of(), List.of(), List.of(), List.of()),
          new Report.Models(why, List.of(), List.of(), List.of()),
          new Report.Resources(why, ReportBuilder.gpuMethod(), List.of(), List.of(), List.of()),
          new Report.Alerts("no ALERTS series", List.of(), List.of(), List.of()),
          List.of());
    }
    Report.Stage train =
        new Report.Stage(
            "train",
            10,
            7,
            3,
            0,
            0.7,
            7200.0,
            new Report.Sla(10, 6, 2, 0.6, 0.8),
            3000.0,
            6500.0,
            2500.0,
            5000.0,
            0.2,
            0.3,
            0,
            12.0);
    Report.Pipeline p =
        new Report.Pipeline(
            EVIL,
            "growth",
            "failing",
            List.of("3 failed runs of stage train"),
            10,
            7,
            3,
            0,
            0.7,
            List.of(train));
    return new Report(
        "2026-01-08T00:00:01Z",
        "http://127.0.0.1:9090",
        w,
        new Report.Filter("growth", null),
        true,
        false,
        null,
        new Report.Pipelines(
            null, ReportBuilder.slaMethod(), List.of(new Report.Team("growth", List.of(p)))),
        new Report.Data(
            null,
            List.of(
                new Report.MissingValues(EVIL, "growth", "ingest", "customers", 0.3, 0.1, 3600)),
            List.of(),
            List.of(
                new Report.SchemaViolations(EVIL, "growth", "ingest", "customers", "not_null", 4)),
            List.of(),
            List.of(new Report.Drift(EVIL, "growth", "tenure_days", 0.45, Double.NaN, 7200))),
        new Report.Models(
            null,
            List.of(
                new Report.Model(
                    EVIL,
                    "growth",
                    "churn-xgb",
                    List.of("v1", "v2"),
                    List.of("v2"),
                    List.of(new Report.MetricChange("auc", 0.86, 0.88, -0.02, true, true)))),
            List.of(new Report.Regression(EVIL, "growth", "churn-xgb", "auc", 0.04, 0.01, 1800)),
            List.of(
                new Report.Retrain(
                    EVIL,
                    "growth",
                    "churn-xgb",
                    List.of("production auc fell from 0.88 to 0.86")))),
        new Report.Resources(
            null,
            ReportBuilder.gpuMethod(),
            List.of(new Report.Usage("growth", EVIL, "train", 12.5, 8.0, 2.0)),
            List.of(new Report.TeamUsage("growth", 12.5, 8.0, 2.0)),
            List.of(
                new Report.Exhaustion(
                    "node-1:9478", "filesystem", "/data", 5e9, "2026-01-12T00:00:00Z", 4))),
        new Report.Alerts(
            null,
            List.of(
                new Report.Alert(
                    "MlpipeStageFailed",
                    "warning",
                    "growth",
                    EVIL,
                    "train",
                    2,
                    5400,
                    "2026-01-02T00:00:00Z")),
            List.of(new Report.Count("bad_token", 12)),
            List.of(new Report.Count("HTTP events 400", 3))),
        List.of(
            new Report.Timeline(
                EVIL,
                "success_ratio",
                List.of(new Report.Point(1.7672e9, 1.0), new Report.Point(1.7673e9, 0.5))),
            new Report.Timeline(
                EVIL,
                "p90_duration_seconds",
                List.of(
                    new Report.Point(1.7672e9, 60.0),
                    new Report.Point(1.7673e9, null),
                    new Report.Point(1.7674e9, 90.0)))));
  }

  private static Set<ValidationMessage> schemaErrors(String json) throws Exception {
    try (InputStream in =
        ReportRenderTest.class.getResourceAsStream("/io/mlpipe/report/report.schema.json")) {
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
          .getSchema(in)
          .validate(new ObjectMapper().readTree(json));
    }
  }

  @Test
  void jsonFitsTheSchemaWithNaNAsNull() throws Exception {
    String json = JsonReport.render(report(false));
    assertThat(schemaErrors(json)).isEmpty();
    assertThat(json).contains("\"threshold\" : null").doesNotContain("NaN");
    assertThat(schemaErrors(JsonReport.render(report(true)))).isEmpty();
  }

  @Test
  void schemaRefusesWhatTheReportNeverWrites() throws Exception {
    String json =
        JsonReport.render(report(false))
            .replace("\"health\" : \"failing\"", "\"health\" : \"on fire\"");
    assertThat(schemaErrors(json)).isNotEmpty();
  }

  @Test
  void markdownHasEverySectionAndEscapesLabels() {
    String md = MarkdownReport.render(report(false));
    assertThat(md)
        .contains(
            "## Pipelines",
            "## Data integrity",
            "## Models",
            "## Resources and cost",
            "## Alerts and security")
        .contains("&lt;script>alert(1)&lt;/script>\\|x\\*y\\_")
        .doesNotContain("<script>");
    assertThat(MarkdownReport.render(report(true)))
        .contains("> Empty window: no mlpipe pipeline has data", "_No data: ");
  }

  @Test
  void htmlEscapesLabelsAndDrawsCharts() {
    String html = HtmlReport.render(report(false));
    assertThat(html)
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
        .doesNotContain("<script")
        .contains(
            "<section id=\"pipelines\"", "<section id=\"alerts\"", "Success ratio per pipeline");
    assertThat(Pattern.compile("<svg").matcher(html).results().count()).isEqualTo(3);
    // Each chart's clip paths have their own ids.
    assertThat(html).contains("id='chart-success-clip-0'", "id='chart-gpu-clip-0'");
    String empty = HtmlReport.render(report(true));
    assertThat(empty).contains("Empty window: no mlpipe pipeline has data").doesNotContain("<svg");
  }
}
