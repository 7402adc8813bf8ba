package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.demo.Workload;
import io.mlpipe.testing.AgentProcess;
import io.mlpipe.testing.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --web.grafana-url}: the landing page links the overview dashboard and /pipelines links
 * each pipeline to its dashboard, both dashboards that dashboards/ ships.
 */
class GrafanaLinksTest {

  private static final Path ROOT =
      Path.of(System.getProperty("mlpipe.root", "..")).toAbsolutePath().normalize();

  @Test
  void landingAndPipelinesPagesLinkTheDashboards(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("mlpipe.yml");
    Files.writeString(config, Workload.configYaml(1));
    try (AgentProcess agent =
        AgentProcess.start(
            dir.resolve("agent"),
            "--config.file=" + config,
            "--storage.path=" + dir.resolve("data"),
            "--web.grafana-url=https://grafana.example.com/")) {
      assertThat(Http.get(agent.url() + "/").body())
          .contains("href=\"https://grafana.example.com/d/mlpipe-overview\"");
      assertThat(Http.get(agent.url() + "/pipelines").body())
          .contains("href=\"https://grafana.example.com/d/mlpipe-pipelines?var-pipeline=churn\"")
          .contains("href=\"https://grafana.example.com/d/mlpipe-pipelines?var-pipeline=fraud\"");
    }
    assertThat(ROOT.resolve("dashboards/mlpipe-overview.json")).exists();
    assertThat(ROOT.resolve("dashboards/mlpipe-pipelines.json")).exists();
  }
}
