package io.mlpipe.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.pipeline.Health;
import io.mlpipe.pipeline.ModelView;
import io.mlpipe.pipeline.PipelineView;
import io.mlpipe.pipeline.PushedGroupView;
import io.mlpipe.pipeline.StageView;
import io.mlpipe.pipeline.StageView.RunState;
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

  @Test
  void noPipelinesSaysHowToGetSome() {
    assertThat(PipelinesPage.render(new PipelinesPage.Model(List.of(), 0, 0)))
        .contains("No pipelines yet", "mlpipe demo")
        .doesNotContain("http-equiv");
  }
}
