package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.mlpipe.testing.Http;
import io.mlpipe.testing.PrometheusServer;
import io.mlpipe.testing.Wait;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: every panel query, variable query and annotation of dashboards/*.json, with the
 * variables set to values the demo produces, parses and returns at least one series from a real
 * Prometheus that scrapes an agent driven by {@code mlpipe demo}, with rules/ loaded (every {@code
 * for:} cut to 2 s, as in DemoAlertsTest).
 *
 * <p>Two runs, one Prometheus each. The healthy run covers every panel but those in {@link
 * #FAULTED}, which only have data when something is wrong; the faulted run injects the demo faults
 * that give them data and covers them. Each run prints which panels it covered.
 *
 * <p>What the demo does not produce is added the way a real source would add it, and said so: DCGM
 * series beyond utilisation, the agent's GPU process and device series and a schema violation are
 * pushed through the agent's Pushgateway API (the demo only simulates {@code
 * DCGM_FI_DEV_GPU_UTIL}); one real {@code mlpipe run} on this machine gives the node dashboard and
 * the per-team rules a run whose host is this machine (the demo's runs are on simulated hosts); a
 * push over a label-name limit gives the rejection panel a reason.
 */
class DashboardQueriesTest {

  private static final Path ROOT =
      Path.of(System.getProperty("mlpipe.root", "..")).toAbsolutePath().normalize();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DATA_DEADLINE = Duration.ofSeconds(60);

  /** Panels with data only under a fault: "uid / title" -> the fault or input that feeds it. */
  static final Map<String, String> FAULTED =
      Map.of(
          "mlpipe-overview / Failed stages", "stage-failure@churn/train",
          "mlpipe-overview / Stalled or over SLA", "sla-breach@churn/features",
          "mlpipe-overview / Data over threshold", "missing-values@churn/ingest",
          "mlpipe-overview / Firing pipeline alerts", "stage-failure@churn/train",
          "mlpipe-overview / Firing alerts", "stage-failure@churn/train",
          "mlpipe-pipelines / Stages now", "stage-failure@churn/train (last failure column)",
          "mlpipe-pipelines / annotation Alerts", "stage-failure@churn/train",
          "mlpipe-gpus / Idle GPUs during training", "gpu-idle@recsys/train",
          "mlpipe-agents / Rejected writes by reason", "a push over max_label_name_length");

  private static final String[] FAULTS = {
    "stage-failure@churn/train:after=0s",
    "sla-breach@churn/features:after=0s",
    "missing-values@churn/ingest:after=0s",
    "gpu-idle@recsys/train:after=0s"
  };

  /**
   * The agent's series carry {@code cluster="demo"} (a scrape relabelling, standing in for the
   * external label a cluster's Prometheus adds on the way to a central one), and every query runs
   * with $cluster set to that one cluster and to All ({@code .*}).
   */
  private static final String CLUSTER = "demo";

  private static final List<String> CLUSTER_VALUES = List.of(CLUSTER, ".*");

  @TempDir Path dir;

  /** One query of a dashboard: where it is and its PromQL with the variables in. */
  record Query(String uid, String where, String expr, boolean variable) {
    String panelKey() {
      return uid + " / " + where;
    }
  }

  @Test
  void healthyRunCoversEveryPanelButTheFaultedOnes() throws Exception {
    try (DemoRig rig = DemoRig.startWithFilesystems(dir.resolve("demo"), 3600);
        GpuNodeAgent gpuNode = GpuNodeAgent.start();
        PrometheusServer prom = prometheus(rig, gpuNode)) {
      feedWhatTheDemoDoesNot(rig, prom, gpuNode);
      for (String cluster : CLUSTER_VALUES) {
        List<Query> queries =
            queries(vars(rig, prom, cluster)).stream()
                .filter(q -> !FAULTED.containsKey(q.panelKey()))
                .toList();
        expectData(prom, queries, "healthy ($cluster=" + cluster + ")");
      }
    }
  }

  @Test
  void faultedRunCoversTheFaultedPanels() throws Exception {
    try (DemoRig rig = DemoRig.startWithFilesystems(dir.resolve("demo"), 3600, FAULTS);
        GpuNodeAgent gpuNode = GpuNodeAgent.start();
        PrometheusServer prom = prometheus(rig, gpuNode)) {
      prom.waitUntilUp("mlpipe");
      // A pusher over the label-name limit (128): refused whole and counted by reason.
      Http.Response r =
          Http.send(
              "PUT",
              rig.agent.url() + "/metrics/job/too-long",
              Map.of("Content-Type", "text/plain"),
              ("x{" + "l".repeat(200) + "=\"v\"} 1\n").getBytes(StandardCharsets.UTF_8));
      assertThat(r.status()).as("over-limit push").isBetween(400, 499);
      for (String cluster : CLUSTER_VALUES) {
        List<Query> all = queries(vars(rig, prom, cluster));
        List<Query> queries = all.stream().filter(q -> FAULTED.containsKey(q.panelKey())).toList();
        assertThat(queries.stream().map(Query::panelKey).distinct())
            .as("every panel FAULTED names exists")
            .containsExactlyInAnyOrderElementsOf(FAULTED.keySet());
        expectData(
            prom, queries, "faulted (" + String.join(", ", FAULTS) + ", $cluster=" + cluster + ")");
      }
    }
  }

  private PrometheusServer prometheus(DemoRig rig, GpuNodeAgent gpuNode) throws IOException {
    String inCluster =
        "    relabel_configs:\n      - target_label: cluster\n        replacement: " + CLUSTER;
    PrometheusServer.Builder b =
        PrometheusServer.builder(dir.resolve("prom"))
            .scrape("mlpipe", rig.agent.hostPort())
            .jobExtra("mlpipe", inCluster)
            .scrape("mlpipe-gpu-node", gpuNode.hostPort())
            .jobExtra("mlpipe-gpu-node", inCluster);
    try (Stream<Path> files = Files.list(ROOT.resolve("rules"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yml")).sorted().toList()) {
        b.ruleFile(
            ShortFor.copy(
                    f,
                    dir.resolve("rules").resolve(f.getFileName()),
                    rule -> rule.containsKey("for") && !"0m".equals(rule.get("for")))
                .file());
      }
    }
    return b.start();
  }

  /**
   * The variable values: the demo's (team growth, pipeline churn, ...), this machine for the node
   * dashboard, two simulated GPU hosts, the agent's instance, {@code cluster} for $cluster, and All
   * ({@code .*}) for $stage.
   */
  private Map<String, String> vars(DemoRig rig, PrometheusServer prom, String cluster) {
    String nodename =
        prom.waitFor("node_uname_info{job=\"mlpipe\"}", Duration.ofSeconds(30))
            .get(0)
            .labels()
            .get("nodename");
    Map<String, String> v = new LinkedHashMap<>();
    v.put("cluster", cluster);
    v.put("team", "growth");
    v.put("pipeline", "churn");
    v.put("stage", ".*");
    v.put("dataset", "customers");
    v.put("feature", "tenure_days");
    v.put("model", "churn-xgb");
    v.put("host", nodename);
    v.put("gpus.host", "(gpu-node-1|gpu-node-3)");
    v.put("gpu", "0");
    v.put("instance", rig.agent.hostPort());
    return v;
  }

  /**
   * GPU series a DCGM exporter and the agent's GPU collector would expose on gpu-node-1 (the demo
   * simulates only utilisation), a schema violation a validation step would push, and one real
   * wrapped run of churn/train on this machine.
   */
  private void feedWhatTheDemoDoesNot(DemoRig rig, PrometheusServer prom, GpuNodeAgent gpuNode) {
    prom.waitUntilUp("mlpipe");
    String uuid =
        prom.waitFor(
                "DCGM_FI_DEV_GPU_UTIL{exported_instance=\"gpu-node-1\",gpu=\"0\"}",
                Duration.ofSeconds(30))
            .get(0)
            .labels()
            .get("UUID");
    String l =
        "{gpu=\"0\",UUID=\""
            + uuid
            + "\",device=\"nvidia0\",modelName=\"NVIDIA A100-SXM4-80GB\",Hostname=\"gpu-node-1\"}";
    String gpu =
        String.join(
            "\n",
            "# TYPE DCGM_FI_DEV_FB_USED gauge",
            "DCGM_FI_DEV_FB_USED" + l + " 61440",
            "# TYPE DCGM_FI_DEV_FB_FREE gauge",
            "DCGM_FI_DEV_FB_FREE" + l + " 19980",
            "# TYPE DCGM_FI_DEV_GPU_TEMP gauge",
            "DCGM_FI_DEV_GPU_TEMP" + l + " 67",
            "# TYPE DCGM_FI_DEV_POWER_USAGE gauge",
            "DCGM_FI_DEV_POWER_USAGE" + l + " 312.5",
            "# TYPE DCGM_FI_DEV_SM_CLOCK gauge",
            "DCGM_FI_DEV_SM_CLOCK" + l + " 1410",
            "# TYPE DCGM_FI_DEV_MEM_CLOCK gauge",
            "DCGM_FI_DEV_MEM_CLOCK" + l + " 1593",
            "# TYPE DCGM_FI_DEV_PCIE_REPLAY_COUNTER untyped",
            "DCGM_FI_DEV_PCIE_REPLAY_COUNTER" + l + " 3",
            "# TYPE DCGM_FI_DEV_XID_ERRORS gauge",
            "DCGM_FI_DEV_XID_ERRORS" + l + " 0",
            "");
    push(rig, "/metrics/job/dcgm-test/instance/gpu-node-1", gpu);
    // The push API refuses mlpipe_* names (the agent's own), so these come as a GPU node's agent
    // exposes them: scraped from its /metrics.
    gpuNode.expose(
        String.join(
            "\n",
            "# TYPE mlpipe_gpu_xid_errors_total counter",
            "mlpipe_gpu_xid_errors_total" + l + " 0",
            "# TYPE mlpipe_gpu_pcie_link_generation gauge",
            "mlpipe_gpu_pcie_link_generation" + l + " 4",
            "# TYPE mlpipe_gpu_pcie_link_width gauge",
            "mlpipe_gpu_pcie_link_width" + l + " 16",
            "# TYPE mlpipe_gpu_info gauge",
            "mlpipe_gpu_info"
                + l.replace("}", ",driver_version=\"550.54.15\",source=\"nvml\"}")
                + " 1",
            "# TYPE mlpipe_gpu_process_memory_bytes gauge",
            "mlpipe_gpu_process_memory_bytes{gpu=\"0\",UUID=\""
                + uuid
                + "\",pid=\"4242\",pipeline=\"churn\",stage=\"train\"} 6.4e+10",
            "# TYPE mlpipe_gpu_devices gauge",
            "mlpipe_gpu_devices 2",
            "# TYPE mlpipe_gpu_expected gauge",
            "mlpipe_gpu_expected 2",
            // The node's own name, which the expected-against-visible panel joins on.
            "# TYPE node_uname_info gauge",
            "node_uname_info{domainname=\"(none)\",machine=\"x86_64\",nodename=\"gpu-node-1\","
                + "release=\"6.1.0\",sysname=\"Linux\",version=\"#1 SMP\"} 1",
            ""));
    prom.waitFor("mlpipe_gpu_info", Duration.ofSeconds(30));
    Http.Response violations =
        Http.post(
            rig.agent.url() + "/api/v1/events",
            "application/json",
            "[{\"type\":\"data_quality\",\"pipeline\":\"churn\",\"stage\":\"ingest\","
                + "\"dataset\":\"customers\",\"schema_violations\":{\"not_null\":3}}]");
    assertThat(violations.status()).as("schema violations: %s", violations.body()).isEqualTo(202);
    Cli.Result run =
        Cli.run(
            Map.of(
                "MLPIPE_AGENT", rig.agent.url(), "MLPIPE_SPOOL", dir.resolve("spool").toString()),
            null,
            "run",
            "--pipeline",
            "churn",
            "--stage",
            "train",
            "--",
            "true");
    assertThat(run.exitCode()).as("mlpipe run: %s", run).isZero();
  }

  private static void push(DemoRig rig, String path, String body) {
    Http.Response r =
        Http.send(
            "PUT",
            rig.agent.url() + path,
            Map.of("Content-Type", "text/plain; version=0.0.4"),
            body.getBytes(StandardCharsets.UTF_8));
    assertThat(r.status()).as("push %s: %s", path, new String(r.bytes())).isBetween(200, 299);
  }

  /**
   * Waits until every query returned at least one series; a query Prometheus refuses fails at once.
   * Prints the panels covered.
   */
  private void expectData(PrometheusServer prom, List<Query> queries, String run) {
    assertThat(queries).isNotEmpty();
    Map<Query, String> waiting = new LinkedHashMap<>();
    queries.forEach(q -> waiting.put(q, "not run yet"));
    long start = System.nanoTime();
    Wait.until(
        "every dashboard query of the " + run + " run to return data",
        DATA_DEADLINE,
        () -> {
          for (Query q : List.copyOf(waiting.keySet())) {
            if (returnsData(prom, q)) {
              waiting.remove(q);
            } else {
              waiting.put(q, "no series");
            }
          }
          return waiting.isEmpty();
        },
        () -> {
          StringBuilder b = new StringBuilder("without data:\n");
          waiting.forEach(
              (q, why) ->
                  b.append("  ").append(q.panelKey()).append(": ").append(q.expr()).append('\n'));
          return b.toString();
        });
    Map<String, Integer> panels = new TreeMap<>();
    queries.forEach(q -> panels.merge(q.panelKey(), 1, Integer::sum));
    System.out.printf(
        "%s run: %d queries of %d panels/variables returned data within %.1f s%n",
        run, queries.size(), panels.size(), (System.nanoTime() - start) / 1e9);
    panels.forEach((p, n) -> System.out.printf("  %s (%d)%n", p, n));
  }

  private static final Pattern LABEL_VALUES =
      Pattern.compile("^label_values\\((.*),\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\)$", Pattern.DOTALL);

  /**
   * Whether the query returns a series; {@code label_values(sel, label)} as {@code count by (label)
   * (sel)} with the label set. Prometheus' refusal (a parse error) is an AssertionError.
   */
  private static boolean returnsData(PrometheusServer prom, Query q) {
    Matcher m = LABEL_VALUES.matcher(q.expr());
    if (m.matches()) {
      String label = m.group(2);
      List<PrometheusServer.Sample> r = prom.query("count by (" + label + ") (" + m.group(1) + ")");
      return r.stream().anyMatch(s -> !s.labels().getOrDefault(label, "").isEmpty());
    }
    return !prom.query(q.expr()).isEmpty();
  }

  /** Every query of every dashboard, the variables replaced. */
  static List<Query> queries(Map<String, String> vars) throws IOException {
    List<Query> out = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> s = Files.list(ROOT.resolve("dashboards"))) {
      files =
          s.filter(p -> p.getFileName().toString().matches("mlpipe-.*\\.json")).sorted().toList();
    }
    assertThat(files).hasSize(7);
    for (Path f : files) {
      JsonNode d = JSON.readTree(f.toFile());
      String uid = d.path("uid").asText();
      for (JsonNode v : d.path("templating").path("list")) {
        if (v.path("type").asText().equals("query")) {
          out.add(
              new Query(
                  uid,
                  "variable " + v.path("name").asText(),
                  substitute(uid, v.path("query").path("query").asText(), vars),
                  true));
        }
      }
      for (JsonNode a : d.path("annotations").path("list")) {
        out.add(
            new Query(
                uid,
                "annotation " + a.path("name").asText(),
                substitute(uid, a.path("expr").asText(), vars),
                false));
      }
      for (JsonNode p : d.path("panels")) {
        for (JsonNode t : p.path("targets")) {
          out.add(
              new Query(
                  uid,
                  p.path("title").asText(),
                  substitute(uid, t.path("expr").asText(), vars),
                  false));
        }
      }
    }
    return out;
  }

  private static final Set<String> GRAFANA_INTERVALS =
      Set.of("$__rate_interval", "$__interval", "$__range");

  /**
   * The variables as Grafana puts them into a regex matcher; the dashboard's own value first
   * ({@code gpus.host} for $host on mlpipe-gpus). Grafana's intervals become what it would pick for
   * a 1 s scrape interval.
   */
  static String substitute(String uid, String expr, Map<String, String> vars) {
    String out =
        expr.replace("$__rate_interval", "1m")
            .replace("$__interval", "15s")
            .replace("$__range", "1h");
    Matcher m = Pattern.compile("\\$([a-zA-Z_]+)").matcher(out);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String value = vars.getOrDefault(uid.replace("mlpipe-", "") + "." + name, vars.get(name));
      if (value == null) {
        // $1 in label_replace and the like
        m.appendReplacement(b, Matcher.quoteReplacement(m.group()));
      } else {
        m.appendReplacement(b, Matcher.quoteReplacement(value));
      }
    }
    m.appendTail(b);
    assertThat(GRAFANA_INTERVALS).noneMatch(i -> b.toString().contains(i));
    return b.toString();
  }

  /**
   * What Prometheus scrapes from the agent on a GPU node: its GPU collector's {@code mlpipe_gpu_*}
   * series (no GPU here, so the text is given), served on 127.0.0.1 at a port of its own.
   */
  static final class GpuNodeAgent implements AutoCloseable {
    private final HttpServer server;
    private volatile byte[] body = new byte[0];

    private GpuNodeAgent(HttpServer server) {
      this.server = server;
    }

    static GpuNodeAgent start() throws IOException {
      GpuNodeAgent a =
          new GpuNodeAgent(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
      a.server.createContext(
          "/metrics",
          exchange -> {
            byte[] b = a.body;
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, b.length == 0 ? -1 : b.length);
            try (var out = exchange.getResponseBody()) {
              out.write(b);
            }
          });
      a.server.start();
      return a;
    }

    void expose(String exposition) {
      body = exposition.getBytes(StandardCharsets.UTF_8);
    }

    String hostPort() {
      return "127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
