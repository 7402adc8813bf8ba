package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlpipe.testing.Binaries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * examples/alertmanager.tmpl, rendered by amtool, turns a shipped alert's relative {@code
 * dashboard_url} into an absolute link on the Grafana base URL it defines once.
 */
class AlertmanagerTemplateTest {

  private static final Path ROOT =
      Path.of(System.getProperty("mlpipe.root", "..")).toAbsolutePath().normalize();

  @Test
  @SuppressWarnings("unchecked")
  void slackTextLinksTheAlertsDashboardOnGrafana(@TempDir Path dir) throws Exception {
    // MlpipeStageFailed's dashboard_url from rules/pipeline.yml, its labels filled in.
    Map<String, Object> rules =
        new Yaml(new SafeConstructor(new LoaderOptions()))
            .load(Files.readString(ROOT.resolve("rules/pipeline.yml")));
    String url =
        ((List<Map<String, Object>>)
                ((List<Map<String, Object>>) rules.get("groups")).get(0).get("rules"))
            .stream()
                .filter(r -> "MlpipeStageFailed".equals(r.get("alert")))
                .map(r -> ((Map<String, String>) r.get("annotations")).get("dashboard_url"))
                .findFirst()
                .orElseThrow()
                .replace("{{ $labels.pipeline }}", "churn")
                .replace("{{ $labels.stage }}", "train");
    assertThat(url).isEqualTo("/d/mlpipe-pipelines?var-pipeline=churn&var-stage=train");
    Map<String, Object> alert =
        Map.of(
            "status", "firing",
            "labels", Map.of("alertname", "MlpipeStageFailed", "pipeline", "churn"),
            "annotations",
                Map.of(
                    "summary", "Stage churn/train failed.",
                    "description", "d",
                    "runbook_url", "https://runbooks/x",
                    "dashboard_url", url));
    Path data = dir.resolve("data.json");
    new ObjectMapper()
        .writeValue(
            data.toFile(),
            Map.of(
                "status", "firing",
                "alerts", List.of(alert),
                "commonLabels", Map.of("alertname", "MlpipeStageFailed")));
    Process p =
        new ProcessBuilder(
                Binaries.require("amtool").toString(),
                "template",
                "render",
                "--template.glob=" + ROOT.resolve("examples/alertmanager.tmpl"),
                "--template.data=" + data,
                "--template.text={{ template \"mlpipe.slack.text\" . }}")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out)
        .contains("*Stage churn/train failed.*")
        .contains(
            "<http://localhost:3000/d/mlpipe-pipelines?var-pipeline=churn&var-stage=train|Dashboard>");
  }
}
