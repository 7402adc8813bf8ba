package io.mlpipe.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelinesPageTest {

  private static Map<String, Object> pipeline(String name, Map<String, Object> stages) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("name", name);
    p.put("declared", true);
    p.put("team", "growth");
    p.put("owner", "<b>ana</b>");
    p.put("status", "failure");
    p.put("stages", stages);
    p.put("training_loss", Map.of("m:train", Double.NaN));
    p.put("drift", Map.of("f<1>", 0.5));
    p.put(
        "models",
        Map.of(
            "m",
            Map.of(
                "candidate:auc",
                0.8,
                "production:auc",
                0.9,
                "candidate:version",
                "v2",
                "production:version",
                "v1")));
    return p;
  }

  @Test
  void failedStalledOverSlaAndMissingValuesAreProblems() {
    Map<String, Object> stages = new LinkedHashMap<>();
    stages.put("train", Map.of("status", "failure", "runs", Map.of("failure", 2.0)));
    stages.put(
        "ingest",
        Map.of(
            "status",
            "running",
            "running",
            1.0,
            "heartbeat_age_seconds",
            900.0,
            "over_sla",
            true,
            "sla_seconds",
            60.0,
            "missing_values_ratio",
            Map.of("customers", 0.3)));
    String html =
        PipelinesPage.render(
            new PipelinesPage.Model(
                List.of(pipeline("churn", stages)),
                Map.of("churn", new PipelinesPage.Thresholds(Map.of("customers", 0.1), 0.2)),
                1_700_000_000,
                5));
    assertThat(html)
        .contains(
            "<meta http-equiv=\"refresh\" content=\"5\">",
            "data-pipeline=\"churn\" data-stage=\"train\" data-status=\"failure\"",
            "churn/train: failed",
            "churn/ingest: running over its SLA",
            "stalled: no heartbeat for 15m 0s",
            "30.0 % missing values in customers (max 10.0 %)",
            "training loss m:train is NaN",
            "feature f&lt;1&gt; drifted",
            "&lt;b&gt;ana&lt;/b&gt;");
    assertThat(html).doesNotContain("<b>ana</b>", "<script", "http://", "https://");
  }

  @Test
  void eachPipelineLinksItsGrafanaDashboardWhenGrafanaIsConfigured() {
    List<Map<String, Object>> pipelines =
        List.of(pipeline("churn", Map.of()), pipeline("a&b c", Map.of()));
    String html =
        PipelinesPage.render(
            new PipelinesPage.Model(
                pipelines, Map.of(), 1_700_000_000, 5, "https://grafana.example.com"));
    assertThat(html)
        .contains(
            "<a class=\"grafana\" href=\"https://grafana.example.com/d/mlpipe-pipelines?var-pipeline=churn\">",
            "href=\"https://grafana.example.com/d/mlpipe-pipelines?var-pipeline=a%26b+c\"");
    assertThat(PipelinesPage.render(new PipelinesPage.Model(pipelines, Map.of(), 0, 5)))
        .doesNotContain("grafana");
  }

  @Test
  void noPipelinesSaysHowToGetSome() {
    assertThat(PipelinesPage.render(new PipelinesPage.Model(List.of(), Map.of(), 0, 0)))
        .contains("No pipelines yet", "mlpipe demo")
        .doesNotContain("http-equiv");
  }
}
