package io.mlpipe.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.pipeline.Health;
import io.mlpipe.pipeline.ModelView;
import io.mlpipe.pipeline.PipelineView;
import io.mlpipe.pipeline.PushedGroupView;
import io.mlpipe.pipeline.StageView;
import io.mlpipe.pipeline.StageView.RunState;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Rendering of what PipelineStatus derived (its derivation is tested in PipelineStatusTest). */
class PipelinesPageTest {

  private static PipelineView pipeline(String name, Map<String, StageView> stages) {
    return new PipelineView(
        name,
        true,
        "growth",
        "<b>ana</b>",
        Health.failed,
        List.of(
            "churn/train: failed (exit code 1)",
            "churn/ingest: stalled: no heartbeat for 900 s",
            "churn: feature f<1> drifted (0.5 > 0.2)"),
        stages,
        new TreeMap<>(Map.of("f<1>", 0.5)),
        0.2,
        null,
        new TreeMap<>(
            Map.of(
                "m",
                new ModelView(
                    new ModelView.Role(
                        "v2", new TreeMap<>(Map.of("auc", new ModelView.Metric(0.8, "v2")))),
                    new ModelView.Role(
                        "v1", new TreeMap<>(Map.of("auc", new ModelView.Metric(0.9, "v1"))))))),
        new TreeMap<>(Map.of("m:train", Double.NaN)),
        List.of(
            new PushedGroupView(
                new TreeMap<>(Map.of("job", "trainer", "pipeline", name)),
                null,
                1_699_999_990.0,
                null,
                List.of("gpu_seconds_total"))));
  }

  /** A stage with only what a test sets; the rest null as for a stage that never reported it. */
  private static StageView stage(
      RunState status,
      Health health,
      Double running,
      Double heartbeatAge,
      Double sla,
      StageView.Runs runs,
      Map<String, Double> missing,
      Map<String, Double> missingMax,
      String lastError,
      List<String> problems) {
    return new StageView(
        sla,
        null,
        running,
        null,
        null,
        null,
        null,
        null,
        null,
        lastError,
        heartbeatAge,
        status,
        null,
        runs,
        null,
        missing == null ? null : new TreeMap<>(missing),
        missingMax == null ? null : new TreeMap<>(missingMax),
        null,
        health,
        problems);
  }

  @Test
  void rendersHealthProblemsErrorsModelsAndPushedGroupsEscaped() {
    Map<String, StageView> stages = new LinkedHashMap<>();
    stages.put(
        "train",
        stage(
            RunState.failure,
            Health.failed,
            null,
            null,
            null,
            new StageView.Runs(null, 2.0, null),
            null,
            null,
            "RuntimeError: <CUDA> out of memory",
            List.of("failed (exit code 1)")));
    stages.put(
        "ingest",
        stage(
            RunState.running,
            Health.stalled,
            1.0,
            900.0,
            60.0,
            null,
            Map.of("customers", 0.3),
            Map.of("customers", 0.1),
            null,
            List.of("stalled: no heartbeat for 900 s")));
    String html =
        PipelinesPage.render(
            new PipelinesPage.Model(List.of(pipeline("churn", stages)), 1_700_000_000, 5));
    assertThat(html)
        .contains(
            "<meta http-equiv=\"refresh\" content=\"5\">",
            "data-pipeline=\"churn\" data-status=\"failed\"",
            "data-pipeline=\"churn\" data-stage=\"train\" data-status=\"failure\""
                + " data-health=\"failed\"",
            "<strong>3 problems</strong>",
            "churn/train: failed (exit code 1)",
            "<span class=\"badge warn\">stalled</span>",
            "<span class=\"bad\">15m 0s ago</span>",
            "customers: <span class=\"bad\">30.0 %</span>",
            "RuntimeError: &lt;CUDA&gt; out of memory",
            "0.8000 <span class=\"muted\">v2</span>",
            "0.9000 <span class=\"muted\">v1</span>",
            "feature f&lt;1&gt; drifted",
            "job=trainer, pipeline=churn",
            "gpu_seconds_total",
            "&lt;b&gt;ana&lt;/b&gt;");
    assertThat(html).doesNotContain("<b>ana</b>", "<CUDA>", "<script", "http://", "https://");
  }

  @Test
  void eachPipelineLinksItsGrafanaDashboardWhenGrafanaIsConfigured() {
    List<PipelineView> pipelines =
        List.of(pipeline("churn", Map.of()), pipeline("a&b c", Map.of()));
    String html =
        PipelinesPage.render(
            new PipelinesPage.Model(pipelines, 1_700_000_000, 5, "https://grafana.example.com"));
    assertThat(html)
        .contains(
            "<a class=\"grafana\" href=\"https://grafana.example.com/d/mlpipe-pipelines?var-pipeline=churn\">",
            "href=\"https://grafana.example.com/d/mlpipe-pipelines?var-pipeline=a%26b+c\"");
    assertThat(PipelinesPage.render(new PipelinesPage.Model(pipelines, 0, 5)))
        .doesNotContain("grafana");
  }

  private static final String HOSTILE = "\"'><img src=x onerror=alert(1)>";

  /** A pipeline with {@code value} in every field that holds text from a push or the config. */
  private static PipelineView everywhere(String value) {
    StageView stage =
        new StageView(
            60.0,
            null,
            1.0,
            1_699_999_000.0,
            null,
            1_699_999_500.0,
            30.0,
            1.0,
            0.5,
            value,
            400.0,
            RunState.running,
            1000.0,
            new StageView.Runs(0.0, 1.0, 2.0),
            new StageView.Records(1.0, 0.0, 1.0, 10.0),
            new TreeMap<>(Map.of(value, 0.5)),
            new TreeMap<>(Map.of(value, 0.1)),
            true,
            Health.stalled,
            List.of(value));
    ModelView.Role role =
        new ModelView.Role(value, new TreeMap<>(Map.of(value, new ModelView.Metric(0.5, value))));
    return new PipelineView(
        value,
        true,
        value,
        value,
        Health.stalled,
        List.of(value + "/" + value + ": " + value),
        Map.of(value, stage),
        new TreeMap<>(Map.of(value, 0.9)),
        0.2,
        new TreeMap<>(Map.of(value, 1_699_999_000.0)),
        new TreeMap<>(Map.of(value, new ModelView(role, role))),
        new TreeMap<>(Map.of(value + ":" + value, 0.5)),
        List.of(
            new PushedGroupView(
                new TreeMap<>(Map.of("a" + value, value, "pipeline", value)),
                value,
                1_699_999_990.0,
                1_699_999_995.0,
                List.of(value))));
  }

  @Test
  void aHostileValueInEveryFieldIsTextAndChangesNoMarkup() {
    String escaped = "&quot;&#39;&gt;&lt;img src&#61;x onerror&#61;alert(1)&gt;";
    String encoded = URLEncoder.encode(HOSTILE, StandardCharsets.UTF_8);
    String hostile =
        PipelinesPage.render(
            new PipelinesPage.Model(
                List.of(everywhere(HOSTILE)), 1_700_000_000, 5, "https://grafana.example.com"));
    String benign =
        PipelinesPage.render(
            new PipelinesPage.Model(
                List.of(everywhere("x")), 1_700_000_000, 5, "https://grafana.example.com"));
    assertThat(hostile).doesNotContain(HOSTILE, "<img", "onerror=", "'>");
    // Every field shows the value as text: with it replaced by a harmless one, the page is the
    // same byte for byte, so the value made no element, attribute or link of its own.
    assertThat(hostile.replace(escaped, "x").replace(encoded, "x")).isEqualTo(benign);
    // Ids, data attributes, 9 cells of the stage row, the error, 8 in models, loss, drift, the
    // pushed group's key and families, the problem list and the owner line all hold it.
    assertThat(hostile.split(java.util.regex.Pattern.quote(escaped), -1).length - 1)
        .isGreaterThanOrEqualTo(25);
    assertThat(hostile).contains("var-pipeline=" + encoded + "\"");
  }

  @Test
  void theTemplateHasNoUnescapedTag() throws Exception {
    try (var in = PipelinesPage.class.getResourceAsStream("pipelines.html.mustache")) {
      String template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(template).contains("{{name}}").doesNotContain("{{{", "{{&");
    }
  }

  @Test
  void noPipelinesSaysHowToGetSome() {
    assertThat(PipelinesPage.render(new PipelinesPage.Model(List.of(), 0, 0)))
        .contains("No pipelines yet", "mlpipe demo")
        .doesNotContain("http-equiv");
  }
}
