package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mlpipe.Agent;
import io.mlpipe.AgentOptions;
import io.mlpipe.config.ConfigHolder;
import io.mlpipe.testing.Http;
import io.mlpipe.testing.PrometheusServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18, the fleet path end to end: six agents (hosts {@code eu-0..2}, {@code us-3..5}; in this
 * JVM, each with its own port and store, as six JVMs do not start in time on a 2-core CI VM), a
 * Prometheus per cluster with its external {@code cluster} label (eu in agent mode, us a normal
 * server) scraping three each and remote-writing to a central Prometheus that evaluates the shipped
 * rules ({@code for:} cut to 2 s). Pipelines run their stages across agents of both clusters,
 * through the events API; some stages move between agents and between clusters.
 *
 * <p>On the central Prometheus: fleet-wide run counts and duration histograms equal the events
 * sent, counts per cluster too; the stage-failure alert fires once per failed pipeline/stage with
 * the cluster it failed in; stages that moved (after a failure, or away from an old success) fire
 * nothing.
 */
class FleetTest {

  private static final Path ROOT =
      Path.of(System.getProperty("mlpipe.root", "..")).toAbsolutePath().normalize();

  private static final String CONFIG =
      """
      pipelines:
        declared:
          churn:
            team: growth
            stages:
              train: {expected_interval: 10m}
          fraud:
            team: risk
          recsys:
            team: growth
      """;

  @TempDir Path dir;

  /** One agent of the fleet: the agent, its cluster and the host it reports runs from. */
  private record Node(Agent agent, String cluster, String host) {
    String url() {
      return "http://127.0.0.1:" + agent.port();
    }
  }

  /** Runs sent, per cluster/pipeline/stage/status, to compare with what the centre counts. */
  private final Map<String, Integer> sent = new TreeMap<>();

  private long runId;

  @Test
  void centralPrometheusCountsRunsOnceAndAlertsPerClusterAcrossMovedStages() throws Exception {
    Path config = dir.resolve("mlpipe.yml");
    Files.writeString(config, CONFIG);
    List<Node> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < 6; i++) {
        String cluster = i < 3 ? "eu" : "us";
        Agent a =
            Agent.start(
                AgentOptions.forTest(dir.resolve("agent-" + i))
                    .withConfig(ConfigHolder.load(config)));
        nodes.add(new Node(a, cluster, cluster + "-" + i));
      }
      try (PrometheusServer central = central();
          PrometheusServer eu = cluster("eu", central, nodes.subList(0, 3), true);
          PrometheusServer us = cluster("us", central, nodes.subList(3, 6), false)) {
        long now = System.currentTimeMillis() / 1000;
        Node eu0 = nodes.get(0);
        Node eu1 = nodes.get(1);
        Node eu2 = nodes.get(2);
        Node us3 = nodes.get(3);
        Node us4 = nodes.get(4);
        Node us5 = nodes.get(5);
        // churn/ingest: eu only, on one agent.
        run(eu0, "churn", "ingest", "success", now - 1000);
        run(eu0, "churn", "ingest", "success", now - 700);
        run(eu0, "churn", "ingest", "success", now - 400);
        // churn/features moved within eu: failed on eu-1, then succeeded twice on eu-2.
        run(eu1, "churn", "features", "failure", now - 900);
        run(eu2, "churn", "features", "success", now - 600);
        run(eu2, "churn", "features", "success", now - 300);
        // churn/train moved from us to eu: succeeded on us-3 (longer ago than its expected
        // interval, 10 min), failed on us-4, then succeeded on eu-0 a minute ago.
        run(us3, "churn", "train", "success", now - 1000);
        run(us3, "churn", "train", "success", now - 900);
        run(us4, "churn", "train", "failure", now - 800);
        run(eu0, "churn", "train", "success", now - 60);
        // fraud: ingest in eu, train in us, whose latest run failed: one alert, cluster us.
        run(eu2, "fraud", "ingest", "success", now - 500);
        run(us5, "fraud", "train", "success", now - 400);
        run(us5, "fraud", "train", "failure", now - 200);
        // recsys/score succeeded in us, then failed in eu: one alert, cluster eu.
        run(us4, "recsys", "score", "success", now - 300);
        run(eu1, "recsys", "score", "failure", now - 100);

        // Every cluster's agents reach the centre with their cluster label (eu through an
        // agent-mode
        // Prometheus, which forwards up too).
        await("up per cluster on the central Prometheus")
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () ->
                    assertThat(vector(central, "count by (cluster) (up{job=\"mlpipe\"} == 1)"))
                        .isEqualTo(Map.of("eu", 3.0, "us", 3.0)));

        Map<String, Double> expectedFleet = new TreeMap<>();
        sent.forEach(
            (k, v) ->
                expectedFleet.merge(k.substring(k.indexOf('/') + 1), (double) v, Double::sum));
        // last_over_time: a scrape that times out on a loaded machine marks the agent's series
        // stale for a moment; the counts are what the agents last reported.
        Map<String, Double> expectedPerCluster = new TreeMap<>();
        sent.forEach((k, v) -> expectedPerCluster.put(k, (double) v));
        await("fleet-wide and per-cluster run counts equal the events sent")
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () -> {
                  assertThat(
                          vector(
                              central,
                              "sum by (pipeline, stage, status)"
                                  + " (last_over_time(mlpipe_stage_runs_total[1m])) > 0"))
                      .isEqualTo(expectedFleet);
                  assertThat(
                          vector(
                              central,
                              "sum by (cluster, pipeline, stage, status)"
                                  + " (last_over_time(mlpipe_stage_runs_total[1m])) > 0"))
                      .isEqualTo(expectedPerCluster);
                });
        // Histograms add up across agents and clusters too: one observation per run, each 10 s.
        Map<String, Double> runsPerStage = new TreeMap<>();
        expectedFleet.forEach(
            (k, v) -> runsPerStage.merge(k.substring(0, k.lastIndexOf('/')), v, Double::sum));
        Map<String, Double> secondsPerStage = new TreeMap<>();
        runsPerStage.forEach((k, v) -> secondsPerStage.put(k, v * 10));
        await("duration histograms summed across the fleet")
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  assertThat(
                          vector(
                              central,
                              "sum by (pipeline, stage)"
                                  + " (last_over_time(mlpipe_stage_duration_seconds_count[1m]))"))
                      .isEqualTo(runsPerStage);
                  assertThat(
                          vector(
                              central,
                              "sum by (pipeline, stage)"
                                  + " (last_over_time(mlpipe_stage_duration_seconds_sum[1m]))"))
                      .isEqualTo(secondsPerStage);
                });
        assertThat(central.query("last_over_time(mlpipe_stage_runs_total{cluster=\"\"}[1m])"))
            .as("series without a cluster label")
            .isEmpty();

        // Once per failed stage, with the cluster of the failure and the pipeline's team; the moved
        // stages fire nothing.
        Set<String> expectedAlerts =
            Set.of("us/fraud/train/risk/warning", "eu/recsys/score/growth/warning");
        String firing = "ALERTS{alertname=\"MlpipeStageFailed\",alertstate=\"firing\"}";
        await("MlpipeStageFailed for fraud/train (us) and recsys/score (eu) only")
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(() -> assertThat(alerts(central, firing)).isEqualTo(expectedAlerts));
        // Over several more evaluations (every second) no moved stage starts firing. (Subset, not
        // equal: a scrape timing out on a loaded machine can blank an alert for a moment.)
        await("no other alerts, and none for churn, over 5 s of evaluations")
            .during(Duration.ofSeconds(5))
            .atMost(Duration.ofSeconds(15))
            .untilAsserted(
                () -> {
                  assertThat(expectedAlerts).containsAll(alerts(central, firing));
                  assertThat(
                          alerts(
                              central,
                              "ALERTS{alertname=~\"MlpipeStageFailed|MlpipeStageMissedSchedule"
                                  + "|MlpipeStageFailingRepeatedly\",pipeline=\"churn\"}"))
                      .isEmpty();
                });
        // Recording rules keep the cluster: hosts that ran each team's stages, per cluster.
        await("team:mlpipe_hosts:count per cluster")
            .atMost(Duration.ofSeconds(15))
            .untilAsserted(
                () ->
                    assertThat(vector(central, "sum by (cluster, team) (team:mlpipe_hosts:count)"))
                        .isEqualTo(
                            Map.of(
                                "eu/growth",
                                3.0,
                                "eu/risk",
                                1.0,
                                "us/growth",
                                2.0,
                                "us/risk",
                                1.0)));
        dashboardsFilterByCluster(central);
      }
    } finally {
      for (Node n : nodes) {
        n.agent().close();
      }
    }
  }

  /**
   * Every panel query of dashboards/*.json (DashboardQueriesTest's list) on the central Prometheus
   * with $cluster set to eu, us and All: each parses; with one cluster no series of the other comes
   * back; a panel with data under All has data under one of the clusters; the pipelines dashboard
   * has data in both clusters (churn runs in both).
   */
  private static void dashboardsFilterByCluster(PrometheusServer central) throws IOException {
    Map<String, List<Boolean>> data = new TreeMap<>();
    List<DashboardQueriesTest.Query> panels = List.of();
    for (String cluster : List.of("eu", "us", ".*")) {
      Map<String, String> vars = new LinkedHashMap<>();
      vars.put("cluster", cluster);
      vars.put("team", "growth");
      vars.put("pipeline", "churn");
      vars.put("stage", ".*");
      vars.put("dataset", "customers");
      vars.put("feature", "age");
      vars.put("model", "xgb");
      vars.put("host", "eu-0");
      vars.put("gpus.host", ".*");
      vars.put("gpu", "0");
      vars.put("instance", ".*");
      panels = DashboardQueriesTest.queries(vars).stream().filter(q -> !q.variable()).toList();
      String other = cluster.equals("eu") ? "us" : cluster.equals("us") ? "eu" : "none";
      List<Boolean> hasData = new ArrayList<>();
      for (DashboardQueriesTest.Query q : panels) {
        List<PrometheusServer.Sample> r = central.query(q.expr()); // a refusal fails here
        assertThat(r)
            .as("%s with $cluster=%s: %s", q.panelKey(), cluster, q.expr())
            .noneMatch(x -> other.equals(x.labels().get("cluster")));
        hasData.add(!r.isEmpty());
      }
      data.put(cluster, hasData);
    }
    List<String> covered = new ArrayList<>();
    List<String> inBoth = new ArrayList<>();
    for (int i = 0; i < panels.size(); i++) {
      String panel = panels.get(i).panelKey();
      boolean eu = data.get("eu").get(i);
      boolean us = data.get("us").get(i);
      if (data.get(".*").get(i)) {
        covered.add(panel);
        assertThat(eu || us)
            .as("%s has data under All but under no single cluster", panel)
            .isTrue();
      }
      if (panels.get(i).uid().equals("mlpipe-pipelines") && eu && us) {
        inBoth.add(panel);
      }
    }
    assertThat(inBoth).as("pipelines dashboard panels with data in eu and in us").isNotEmpty();
    System.out.printf(
        "fleet dashboards: %d of %d panel queries with data under $cluster=All: %s%n",
        covered.size(), panels.size(), covered);
  }

  private PrometheusServer central() throws IOException {
    PrometheusServer.Builder b =
        PrometheusServer.builder(dir.resolve("central"))
            .remoteWriteReceiver()
            .evaluationInterval("1s");
    for (Path file : RulesTest.yamlFiles(ROOT.resolve("rules"))) {
      Path copy = dir.resolve("rules-short-for").resolve(file.getFileName());
      b.ruleFile(
          ShortFor.copy(file, copy, r -> r.containsKey("for") && !"0m".equals(r.get("for")))
              .file());
    }
    return b.start();
  }

  private PrometheusServer cluster(
      String name, PrometheusServer central, List<Node> nodes, boolean agentMode) {
    PrometheusServer.Builder b =
        PrometheusServer.builder(dir.resolve("prom-" + name))
            .scrape(
                "mlpipe",
                nodes.stream().map(n -> "127.0.0.1:" + n.agent().port()).toArray(String[]::new))
            // 2 s (and a 2 s timeout): six agents in one JVM answer slowly on a loaded CI VM.
            .scrapeInterval("2s")
            .externalLabel("cluster", name)
            .remoteWrite(central.remoteWriteUrl());
    if (agentMode) {
      b.agentMode();
    }
    return b.start();
  }

  /** A finished run: stage_started then stage_finished ten seconds later, at {@code time}. */
  private void run(Node node, String pipeline, String stage, String status, long time) {
    String id = "r" + (++runId);
    String body =
        """
        [{"type":"stage_started","pipeline":"%s","stage":"%s","run_id":"%s","host":"%s","time":%d},
         {"type":"stage_finished","pipeline":"%s","stage":"%s","run_id":"%s","status":"%s","time":%d}]
        """
            .formatted(
                pipeline, stage, id, node.host(), time, pipeline, stage, id, status, time + 10);
    Http.Response r = Http.post(node.url() + "/api/v1/events", "application/json", body);
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    sent.merge(node.cluster() + "/" + pipeline + "/" + stage + "/" + status, 1, Integer::sum);
  }

  /** A vector as label values joined by "/" (in the order of the query's by clause) -> value. */
  private static Map<String, Double> vector(PrometheusServer prom, String promql) {
    String by = promql.replaceAll("(?s).*by \\(([^)]*)\\).*", "$1");
    List<String> labels = List.of(by.split(",\\s*"));
    return prom.query(promql).stream()
        .collect(
            Collectors.toMap(
                s ->
                    labels.stream()
                        .map(l -> s.labels().getOrDefault(l, ""))
                        .collect(Collectors.joining("/")),
                PrometheusServer.Sample::value,
                Double::sum,
                TreeMap::new));
  }

  /** Alerts as cluster/pipeline/stage/team/severity. */
  private static Set<String> alerts(PrometheusServer prom, String promql) {
    return prom.query(promql).stream()
        .map(
            s ->
                String.join(
                    "/",
                    s.labels().getOrDefault("cluster", ""),
                    s.labels().getOrDefault("pipeline", ""),
                    s.labels().getOrDefault("stage", ""),
                    s.labels().getOrDefault("team", ""),
                    s.labels().getOrDefault("severity", "")))
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
