package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.testing.AgentProcess;
import io.mlpipe.testing.FreePort;
import io.mlpipe.testing.PrometheusServer;
import io.mlpipe.testing.SimpleServer;
import io.mlpipe.testing.Wait;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped rules in a real Prometheus, scraping a real agent and a closed port, deliver
 * MlpipeAgentDown through a real Alertmanager to a webhook receiver in the test; the healthy agent
 * raises nothing.
 */
class AlertDeliveryTest {

  private static final Path ROOT =
      Path.of(System.getProperty("mlpipe.root", "..")).toAbsolutePath().normalize();

  @TempDir Path dir;

  @Test
  void agentDownReachesTheWebhookThroughAlertmanager() throws Exception {
    Path config = dir.resolve("mlpipe.yml");
    Files.writeString(config, "pipelines:\n  declared:\n    churn: {team: growth}\n");
    try (AlertWebhook hook = AlertWebhook.start();
        AgentProcess agent = AgentProcess.start(dir.resolve("agent"), "--config.file=" + config);
        SimpleServer am =
            SimpleServer.alertmanager(
                dir.resolve("am"), hook.alertmanagerConfig(dir, "alertname", "instance"));
        PrometheusServer prom = prometheus(agent, am)) {
      Wait.until(
          "MlpipeAgentDown at the webhook",
          Duration.ofSeconds(45),
          () -> hook.first("MlpipeAgentDown", Map.of()).isPresent(),
          () -> "webhook got " + hook + "; ALERTS " + prom.query("ALERTS"));
      AlertWebhook.Received alert = hook.first("MlpipeAgentDown", Map.of()).orElseThrow();
      assertThat(alert.alert().path("status").asText()).isEqualTo("firing");
      assertThat(alert.label("severity")).isEqualTo("critical");
      assertThat(alert.label("job")).isEqualTo("mlpipe-down");
      assertThat(alert.annotation("runbook_url")).endsWith("docs/runbooks.md#mlpipeagentdown");
      assertThat(alert.annotation("description")).contains(alert.label("instance"));
      // The healthy agent is scraped, and none of the agent and pipeline rules fires for it.
      // (Node* alerts judge this machine itself, e.g. a busy CI box or a read-only sandbox mount.)
      assertThat(prom.queryValue("up{job=\"mlpipe\"}")).hasValue(1.0);
      assertThat(prom.queryValue("mlpipe_exporter_config_last_reload_successful")).hasValue(1.0);
      assertThat(
              prom.query("ALERTS{alertname=~\"Mlpipe.*\",instance=\"" + agent.hostPort() + "\"}"))
          .isEmpty();
      assertThat(hook.alerts())
          .filteredOn(a -> a.name().startsWith("Mlpipe"))
          .allSatisfy(a -> assertThat(a.label("instance")).isNotEqualTo(agent.hostPort()));
    }
  }

  private PrometheusServer prometheus(AgentProcess agent, SimpleServer am) throws IOException {
    PrometheusServer.Builder b =
        PrometheusServer.builder(dir.resolve("prom"))
            .scrape("mlpipe", agent.hostPort())
            .scrape("mlpipe-down", "127.0.0.1:" + FreePort.next())
            .alertmanager(am.hostPort());
    for (Path file : RulesTest.yamlFiles(ROOT.resolve("rules"))) {
      b.ruleFile(file.getFileName().toString().equals("agent.yml") ? shortFor(file) : file);
    }
    return b.start();
  }

  /** agent.yml with MlpipeAgentDown's for: cut to 2s; the shipped file stays as it is. */
  private Path shortFor(Path file) throws IOException {
    ShortFor.Copy copy =
        ShortFor.copy(
            file,
            dir.resolve("agent-short-for.yml"),
            r -> "MlpipeAgentDown".equals(r.get("alert")));
    assertThat(copy.changed()).isEqualTo(1);
    return copy.file();
  }
}
