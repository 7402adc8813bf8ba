package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.mlpipe.testing.AgentProcess;
import io.mlpipe.testing.FreePort;
import io.mlpipe.testing.PrometheusServer;
import io.mlpipe.testing.SimpleServer;
import io.mlpipe.testing.Wait;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void agentDownReachesTheWebhookThroughAlertmanager() throws Exception {
    List<JsonNode> received = new CopyOnWriteArrayList<>();
    HttpServer webhook =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    webhook.createContext(
        "/hook",
        exchange -> {
          received.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    webhook.start();
    Path config = dir.resolve("mlpipe.yml");
    Files.writeString(config, "pipelines:\n  declared:\n    churn: {team: growth}\n");
    try (AgentProcess agent = AgentProcess.start(dir.resolve("agent"), "--config.file=" + config);
        SimpleServer am =
            SimpleServer.alertmanager(
                dir.resolve("am"), alertmanagerConfig(webhook.getAddress().getPort()));
        PrometheusServer prom = prometheus(agent, am)) {
      List<JsonNode> alerts = new ArrayList<>();
      Wait.until(
          "MlpipeAgentDown at the webhook",
          Duration.ofSeconds(45),
          () -> {
            alerts.clear();
            received.forEach(body -> body.path("alerts").forEach(alerts::add));
            return alerts.stream()
                .anyMatch(
                    a -> a.path("labels").path("alertname").asText().equals("MlpipeAgentDown"));
          },
          () -> "webhook got " + received + "; ALERTS " + prom.query("ALERTS"));
      JsonNode alert =
          alerts.stream()
              .filter(a -> a.path("labels").path("alertname").asText().equals("MlpipeAgentDown"))
              .findFirst()
              .orElseThrow();
      assertThat(alert.path("status").asText()).isEqualTo("firing");
      assertThat(alert.path("labels").path("severity").asText()).isEqualTo("critical");
      assertThat(alert.path("labels").path("job").asText()).isEqualTo("mlpipe-down");
      assertThat(alert.path("annotations").path("runbook_url").asText())
          .endsWith("docs/runbooks.md#mlpipeagentdown");
      assertThat(alert.path("annotations").path("description").asText())
          .contains(alert.path("labels").path("instance").asText());
      // The healthy agent is scraped, and none of the agent and pipeline rules fires for it.
      // (Node* alerts judge this machine itself, e.g. a busy CI box or a read-only sandbox mount.)
      assertThat(prom.queryValue("up{job=\"mlpipe\"}")).hasValue(1.0);
      assertThat(prom.queryValue("mlpipe_exporter_config_last_reload_successful")).hasValue(1.0);
      assertThat(
              prom.query("ALERTS{alertname=~\"Mlpipe.*\",instance=\"" + agent.hostPort() + "\"}"))
          .isEmpty();
      assertThat(alerts)
          .filteredOn(a -> a.path("labels").path("alertname").asText().startsWith("Mlpipe"))
          .allSatisfy(
              a ->
                  assertThat(a.path("labels").path("instance").asText())
                      .isNotEqualTo(agent.hostPort()));
    } finally {
      webhook.stop(0);
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

  private Path alertmanagerConfig(int webhookPort) throws IOException {
    Path file = dir.resolve("alertmanager.yml");
    Files.writeString(
        file,
        """
        route:
          receiver: hook
          group_by: [alertname, instance]
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 1h
        receivers:
          - name: hook
            webhook_configs:
              - url: http://127.0.0.1:%d/hook
                send_resolved: false
        """
            .formatted(webhookPort));
    return file;
  }
}
