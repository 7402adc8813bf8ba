package io.mlpipe.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Rendering of what PipelineStatus derived (its derivation is tested in PipelineStatusTest). */
class PipelinesPageTest {

  private static Map<String, Object> pipeline(String name, Map<String, Object> stages) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("name", name);
    p.put("declared", true);
    p.put("team", "growth");
    p.put("owner", "<b>ana</b>");
    p.put("status", "failed");
    p.put("stages", stages);
    p.put("training_loss", Map.of("m:train", Double.NaN));
    p.put("drift", Map.of("f<1>", 0.5));
    p.put("drift_threshold", 0.2);
    p.put(
        "problems",
        List.of(
            "churn/train: failed (exit code 1)",
            "churn/ingest: stalled: no heartbeat for 900 s",
            "churn: feature f<1> drifted (0.5 > 0.2)"));
    p.put(
        "models",
        Map.of(
            "m",
            Map.of(
                "candidate",
                Map.of(
                    "version",
                    "v2",
                    "metrics",
                    Map.of("auc", Map.of("value", 0.8, "version", "v2"))),
                "production",
                Map.of(
                    "version",
                    "v1",
                    "metrics",
                    Map.of("auc", Map.of("value", 0.9, "version", "v1"))))));
    p.put(
        "pushed",
        List.of(
            Map.of(
                "grouping_key",
                // Sorted as a LabelSet's map is: Map.of's order changes from one JVM to the next.
                new TreeMap<>(Map.of("job", "trainer", "pipeline", name)),
                "last_push",
                1_699_999_990.0,
                "families",
                List.of("gpu_seconds_total"))));
    return p;
  }

  @Test
  void rendersHealthProblemsErrorsModelsAndPushedGroupsEscaped() {
    Map<String, Object> stages = new LinkedHashMap<>();
    stages.put(
        "train",
        Map.of(
            "status",
            "failure",
            "health",
            "failed",
            "runs",
            Map.of("failure", 2.0),
            "problems",
            List.of("failed (exit code 1)"),
            "last_error",
            "RuntimeError: <CUDA> out of memory"));
    stages.put(
        "ingest",
        Map.of(
            "status",
            "running",
            "health",
            "stalled",
            "running",
            1.0,
            "heartbeat_age_seconds",
            900.0,
            "sla_seconds",
            60.0,
            "missing_values_ratio",
            Map.of("customers", 0.3),
            "missing_values_max_ratio",
            Map.of("customers", 0.1),
            "problems",
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
    List<Map<String, Object>> pipelines =
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

  @Test
  void noPipelinesSaysHowToGetSome() {
    assertThat(PipelinesPage.render(new PipelinesPage.Model(List.of(), 0, 0)))
        .contains("No pipelines yet", "mlpipe demo")
        .doesNotContain("http-equiv");
  }
}
