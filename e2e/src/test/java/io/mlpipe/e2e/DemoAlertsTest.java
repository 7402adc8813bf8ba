package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.mlpipe.testing.PrometheusServer;
import io.mlpipe.testing.SimpleServer;
import io.mlpipe.testing.Wait;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8: the shipped rules (copied with every {@code for:} cut to 2 s) in a real Prometheus
 * scraping an agent that the demo drives with faults; each fault's alert reaches a webhook through
 * a real Alertmanager. A healthy demo fires no pipeline alert.
 */
class DemoAlertsTest {

  private static final Path ROOT =
      Path.of(System.getProperty("mlpipe.root", "..")).toAbsolutePath().normalize();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void faultsReachTheWebhook() throws Exception {
    Map<String, Double> firstSeen = new ConcurrentHashMap<>();
    HttpServer hook = webhook(firstSeen);
    try (SimpleServer am = SimpleServer.alertmanager(dir.resolve("am"), amConfig(hook));
        DemoRig rig =
            DemoRig.start(
                dir.resolve("demo"),
                3600,
                "stage-failure@fraud/train",
                "training-diverged@churn/train",
                "drift@recsys/features");
        PrometheusServer prom = prometheus(rig, am)) {
      double t0 = System.currentTimeMillis() / 1000.0;
      List<String> expected =
          List.of(
              "MlpipeStageFailed/fraud",
              "MlpipeTrainingLossNaN/churn",
              "MlpipeDataDriftHigh/recsys");
      Wait.until(
          "alerts " + expected + " at the webhook",
          Duration.ofSeconds(50),
          () -> firstSeen.keySet().containsAll(expected),
          () -> "webhook: " + firstSeen.keySet() + "; ALERTS " + prom.query("ALERTS"));
      for (String a : expected) {
        System.out.printf(
            "%s fired %.1f s after Prometheus started (demo already running, for: cut to 2 s)%n",
            a, firstSeen.get(a) - t0);
      }
    } finally {
      hook.stop(0);
    }
  }

  @Test
  void moreFaultsReachTheWebhook() throws Exception {
    Map<String, Double> firstSeen = new ConcurrentHashMap<>();
    HttpServer hook = webhook(firstSeen);
    try (SimpleServer am = SimpleServer.alertmanager(dir.resolve("am"), amConfig(hook));
        DemoRig rig =
            DemoRig.start(
                dir.resolve("demo"),
                3600,
                "stage-stalled@fraud/train",
                "sla-breach@recsys/features",
                "gpu-idle@recsys/train",
                "missing-values@churn/ingest",
                "corrupt-records@churn/ingest",
                "model-regression@churn/evaluate");
        PrometheusServer prom = prometheus(rig, am)) {
      double t0 = System.currentTimeMillis() / 1000.0;
      List<String> expected =
          List.of(
              "MlpipeStageStalled/fraud",
              "MlpipeStageSlaBreached/recsys",
              "GpuIdleDuringTraining/recsys",
              "MlpipeDataMissingValuesHigh/churn",
              "MlpipeDataCorruptRecordsHigh/churn",
              "MlpipeModelRegressed/churn");
      Wait.until(
          "alerts " + expected + " at the webhook",
          Duration.ofSeconds(90),
          () ->
              expected.stream()
                  .allMatch(e -> firstSeen.keySet().stream().anyMatch(k -> k.startsWith(e))),
          () -> "webhook: " + firstSeen.keySet() + "; ALERTS " + prom.query("ALERTS"));
      for (String e : expected) {
        firstSeen.entrySet().stream()
            .filter(k -> k.getKey().startsWith(e))
            .findFirst()
            .ifPresent(
                k ->
                    System.out.printf(
                        "%s fired %.1f s after Prometheus started (demo already running, for: cut"
                            + " to 2 s)%n",
                        k.getKey(), k.getValue() - t0));
      }
    } finally {
      hook.stop(0);
    }
  }

  @Test
  void healthyDemoFiresNoPipelineAlert() throws Exception {
    Map<String, Double> firstSeen = new ConcurrentHashMap<>();
    HttpServer hook = webhook(firstSeen);
    try (SimpleServer am = SimpleServer.alertmanager(dir.resolve("am"), amConfig(hook));
        DemoRig rig = DemoRig.start(dir.resolve("demo"), 3600);
        PrometheusServer prom = prometheus(rig, am)) {
      prom.waitUntilUp("mlpipe");
      Wait.until(
          "a churn deploy scraped",
          Duration.ofSeconds(40),
          () ->
              prom.queryValue(
                          "mlpipe_stage_runs_total{pipeline=\"churn\",stage=\"deploy\",status=\"success\"}")
                      .orElse(0)
                  >= 1);
      Thread.sleep(15_000);
      assertThat(prom.query("ALERTS{alertname=~\"Mlpipe.*|Gpu.*\"}")).isEmpty();
      assertThat(firstSeen.keySet()).noneMatch(a -> a.startsWith("Mlpipe") || a.startsWith("Gpu"));
    } finally {
      hook.stop(0);
    }
  }

  private HttpServer webhook(Map<String, Double> firstSeen) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    s.createContext(
        "/hook",
        ex -> {
          JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
          double now = System.currentTimeMillis() / 1000.0;
          body.path("alerts")
              .forEach(
                  a ->
                      firstSeen.putIfAbsent(
                          a.path("labels").path("alertname").asText()
                              + "/"
                              + a.path("labels").path("pipeline").asText(),
                          now));
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    s.start();
    return s;
  }

  private PrometheusServer prometheus(DemoRig rig, SimpleServer am) throws IOException {
    PrometheusServer.Builder b =
        PrometheusServer.builder(dir.resolve("prom"))
            .scrape("mlpipe", rig.agent.hostPort())
            .alertmanager(am.hostPort());
    for (Path file : RulesTest.yamlFiles(ROOT.resolve("rules"))) {
      b.ruleFile(shortFor(file));
    }
    return b.start();
  }

  /** A copy of a rules file with every for: cut to 2 s; the shipped file stays as it is. */
  private Path shortFor(Path file) throws IOException {
    Path copy = dir.resolve("rules-short-for").resolve(file.getFileName());
    return ShortFor.copy(file, copy, r -> r.containsKey("for") && !"0m".equals(r.get("for")))
        .file();
  }

  private Path amConfig(HttpServer hook) throws IOException {
    Path file = dir.resolve("alertmanager.yml");
    Files.writeString(
        file,
        """
        route:
          receiver: hook
          group_by: [alertname, pipeline, stage]
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 1h
        receivers:
          - name: hook
            webhook_configs:
              - url: http://127.0.0.1:%d/hook
                send_resolved: false
        """
            .formatted(hook.getAddress().getPort()));
    return file;
  }
}
