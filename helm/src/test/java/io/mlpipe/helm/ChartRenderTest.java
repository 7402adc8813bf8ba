package io.mlpipe.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.LintResult;
import io.mlpipe.testing.AgentProcess;
import io.mlpipe.testing.FreePort;
import io.mlpipe.testing.ManagedProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The chart renders and lints clean for every value set, and each set does what it says. */
class ChartRenderTest {

  static List<String> valueSets() {
    return Chart.valueSets();
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void lintsCleanWithStrict(String set, @TempDir Path scratch) throws Exception {
    LintResult lint = Chart.lint(set, scratch);
    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    assertThat(lint.getMessages())
        .as("lint messages other than the chart icon recommendation")
        .allMatch(m -> m.contains("icon is recommended") || m.contains("1 chart(s) linted"));
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void rendersADaemonSetServiceAndConfig(String set) {
    String rendered = Chart.template(set);
    JsonNode ds = Chart.one(rendered, "DaemonSet");
    JsonNode pod = ds.at("/spec/template/spec");
    JsonNode agent = container(ds);
    assertThat(agent.at("/image").asText()).isEqualTo("ghcr.io/mlpipe/mlpipe:0.1.0");
    assertThat(pod.at("/securityContext/runAsUser").asInt()).isEqualTo(65534);
    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.at("/securityContext/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
    assertThat(agent.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(texts(agent.at("/securityContext/capabilities/drop"))).containsExactly("ALL");
    assertThat(agent.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/-/healthy");
    assertThat(agent.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/-/ready");
    assertThat(texts(agent.at("/args")))
        .contains("--path.procfs=/host/proc", "--path.sysfs=/host/sys", "--path.rootfs=/host/root");
    Map<String, JsonNode> mounts = byName(agent.at("/volumeMounts"));
    for (String host : List.of("proc", "sys", "root")) {
      assertThat(mounts.get(host).at("/readOnly").asBoolean()).as(host).isTrue();
      assertThat(mounts.get(host).at("/mountPropagation").asText())
          .as(host)
          .isEqualTo("HostToContainer");
    }
    assertThat(pod.at("/tolerations").isArray()).isTrue();
    assertThat(ds.at("/spec/template/metadata/annotations/checksum~1config").asText()).hasSize(64);
    assertThat(ds.at("/spec/template/metadata/annotations/checksum~1secret").asText()).hasSize(64);
    assertThat(Chart.agentConfigMap(rendered).at("/data/mlpipe.yml").isTextual()).isTrue();
  }

  @Test
  void defaultsFollowTheNodeExporterChart() {
    String rendered = Chart.template("default");
    JsonNode pod = Chart.one(rendered, "DaemonSet").at("/spec/template/spec");
    assertThat(pod.at("/hostNetwork").asBoolean()).isTrue();
    assertThat(pod.at("/hostPID").asBoolean()).isTrue();
    assertThat(pod.at("/nodeSelector/kubernetes.io~1os").asText()).isEqualTo("linux");
    assertThat(byName(pod.at("/volumes")).get("storage").at("/hostPath/path").asText())
        .isEqualTo("/var/lib/mlpipe");
    assertThat(pod.at("/initContainers/0/name").asText()).isEqualTo("storage-permissions");
    JsonNode svc = Chart.one(rendered, "Service");
    assertThat(svc.at("/spec/internalTrafficPolicy").asText()).isEqualTo("Local");
    assertThat(svc.at("/metadata/annotations/prometheus.io~1scrape").asText()).isEqualTo("true");
    assertThat(Chart.objects(rendered, "Secret")).isEmpty();
    assertThat(Chart.objects(rendered, "ServiceMonitor")).isEmpty();
    assertThat(Chart.objects(rendered, "PrometheusRule")).isEmpty();
    assertThat(Chart.objects(rendered, "NetworkPolicy")).isEmpty();
    assertThat(texts(container(Chart.one(rendered, "DaemonSet")).at("/args")))
        .noneMatch(a -> a.startsWith("--web.config.file"))
        .noneMatch(a -> a.startsWith("--collector.gpu.expected"));
  }

  @Test
  void operatorObjectsSetHostFromTheNodeAndTheClusterLabel() {
    String rendered = Chart.template("operator");
    JsonNode sm = Chart.one(rendered, "ServiceMonitor");
    JsonNode endpoint = sm.at("/spec/endpoints/0");
    assertThat(sm.at("/metadata/labels/release").asText()).isEqualTo("kube-prometheus-stack");
    assertThat(sm.at("/spec/jobLabel").asText()).isEqualTo("app.kubernetes.io/name");
    assertThat(endpoint.at("/relabelings/0/sourceLabels/0").asText())
        .isEqualTo("__meta_kubernetes_pod_node_name");
    assertThat(endpoint.at("/relabelings/0/targetLabel").asText()).isEqualTo("host");
    assertThat(endpoint.at("/relabelings/1/targetLabel").asText()).isEqualTo("cluster");
    assertThat(endpoint.at("/relabelings/1/replacement").asText()).isEqualTo("prod-eu-1");
    assertThat(Chart.objects(rendered, "PrometheusRule")).isNotEmpty();
    assertThat(
            Chart.one(rendered, "Service")
                .at("/metadata/annotations/prometheus.io~1scrape")
                .isMissingNode())
        .isTrue();
  }

  @Test
  void authPutsWebConfigAndTokensInTheChartsSecret() throws Exception {
    String rendered = Chart.template("auth");
    JsonNode secret = Chart.one(rendered, "Secret");
    JsonNode tokens = Chart.YAML.readTree(secret.at("/stringData/tokens.yml").asText());
    assertThat(tokens.at("/tokens/0/name").asText()).isEqualTo("team-growth");
    JsonNode web = Chart.YAML.readTree(secret.at("/stringData/web.yml").asText());
    assertThat(web.at("/basic_auth_users/prometheus").asText()).startsWith("$2y$10$");
    JsonNode config =
        Chart.YAML.readTree(Chart.agentConfigMap(rendered).at("/data/mlpipe.yml").asText());
    assertThat(config.at("/auth/tokens_file").asText()).isEqualTo("../secret/tokens.yml");
    assertThat(config.at("/auth/anonymous/0").asText()).isEqualTo("read");
    JsonNode ds = Chart.one(rendered, "DaemonSet");
    assertThat(texts(container(ds).at("/args")))
        .contains("--web.config.file=/etc/mlpipe/secret/web.yml");
    assertThat(
            byName(ds.at("/spec/template/spec/volumes"))
                .get("secret")
                .at("/secret/secretName")
                .asText())
        .isEqualTo("mlpipe");
  }

  @Test
  void existingSecretIsMountedAndNoSecretRendered() {
    String rendered = Chart.template("existing-secret");
    assertThat(Chart.objects(rendered, "Secret")).isEmpty();
    JsonNode ds = Chart.one(rendered, "DaemonSet");
    assertThat(
            byName(ds.at("/spec/template/spec/volumes"))
                .get("secret")
                .at("/secret/secretName")
                .asText())
        .isEqualTo("mlpipe-auth");
    assertThat(texts(container(ds).at("/args")))
        .contains("--web.config.file=/etc/mlpipe/secret/web.yml");
  }

  @Test
  void tlsServesHttpsAndProbesAndServiceMonitorFollow() throws Exception {
    String rendered = Chart.template("tls");
    JsonNode agent = container(Chart.one(rendered, "DaemonSet"));
    assertThat(agent.at("/livenessProbe/httpGet/scheme").asText()).isEqualTo("HTTPS");
    assertThat(agent.at("/readinessProbe/httpGet/scheme").asText()).isEqualTo("HTTPS");
    JsonNode web =
        Chart.YAML.readTree(Chart.one(rendered, "Secret").at("/stringData/web.yml").asText());
    assertThat(web.at("/tls_server_config/cert_file").asText()).isEqualTo("../tls/tls.crt");
    assertThat(web.at("/tls_server_config/min_version").asText()).isEqualTo("TLS13");
    JsonNode endpoint = Chart.one(rendered, "ServiceMonitor").at("/spec/endpoints/0");
    assertThat(endpoint.at("/scheme").asText()).isEqualTo("https");
    assertThat(endpoint.at("/tlsConfig/serverName").asText()).isEqualTo("mlpipe.monitoring.svc");
  }

  @Test
  void gpuNodesGetTheNvidiaRuntimeAndExpectedCount() {
    JsonNode ds = Chart.one(Chart.template("gpu"), "DaemonSet");
    JsonNode agent = container(ds);
    assertThat(ds.at("/spec/template/spec/runtimeClassName").asText()).isEqualTo("nvidia");
    Map<String, String> env = new TreeMap<>();
    agent.at("/env").forEach(e -> env.put(e.at("/name").asText(), e.at("/value").asText()));
    assertThat(env)
        .containsEntry("NVIDIA_VISIBLE_DEVICES", "all")
        .containsEntry("NVIDIA_DRIVER_CAPABILITIES", "utility");
    assertThat(texts(agent.at("/args")))
        .contains("--collector.gpu.expected=8", "--no-collector.jvm");
    assertThat(ds.at("/spec/template/spec/priorityClassName").asText())
        .isEqualTo("system-node-critical");
  }

  @Test
  void emptyDirWalNeedsNoInitContainer() {
    JsonNode ds = Chart.one(Chart.template("emptydir"), "DaemonSet");
    JsonNode storage = byName(ds.at("/spec/template/spec/volumes")).get("storage");
    assertThat(storage.at("/emptyDir/sizeLimit").asText()).isEqualTo("1Gi");
    assertThat(storage.at("/hostPath").isMissingNode()).isTrue();
    assertThat(ds.at("/spec/template/spec/initContainers").isMissingNode()).isTrue();
    assertThat(texts(container(ds).at("/args"))).contains("--storage.fsync=always");
  }

  @Test
  void networkPolicyAdmitsPushersAndPrometheusOnTheAgentPort() {
    JsonNode np = Chart.one(Chart.template("network-policy"), "NetworkPolicy");
    assertThat(np.at("/spec/ingress")).hasSize(2);
    assertThat(np.at("/spec/ingress/0/from/0/podSelector/matchLabels/mlpipe.io~1pushes").asText())
        .isEqualTo("true");
    assertThat(np.at("/spec/ingress/1/ports/0/port").asInt()).isEqualTo(9478);
  }

  static JsonNode container(JsonNode daemonSet) {
    for (JsonNode c : daemonSet.at("/spec/template/spec/containers")) {
      if (c.at("/name").asText().equals("mlpipe")) {
        return c;
      }
    }
    throw new AssertionError("no mlpipe container in " + daemonSet);
  }

  @Test
  void noReportCronJobByDefault() {
    assertThat(Chart.objects(Chart.template("default"), "CronJob")).isEmpty();
  }

  @Test
  void reportCronJobRunsTheAgentImageNonRootWithTheWebhookFromTheExistingSecret() {
    String rendered = Chart.template("report");
    assertThat(Chart.objects(rendered, "Secret")).isEmpty();
    JsonNode cj = Chart.one(rendered, "CronJob");
    assertThat(cj.at("/spec/schedule").asText()).isEqualTo("0 8 * * 1");
    assertThat(cj.at("/spec/concurrencyPolicy").asText()).isEqualTo("Forbid");
    JsonNode pod = cj.at("/spec/jobTemplate/spec/template/spec");
    assertThat(pod.at("/restartPolicy").asText()).isEqualTo("Never");
    assertThat(pod.at("/securityContext/runAsUser").asInt()).isEqualTo(65534);
    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    JsonNode c = pod.at("/containers/0");
    assertThat(c.at("/image").asText())
        .isEqualTo(container(Chart.one(rendered, "DaemonSet")).at("/image").asText());
    assertThat(c.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(texts(c.at("/args")))
        .containsExactly(
            "report",
            "--prometheus=http://prometheus-operated.monitoring:9090",
            "--since=7d",
            "--format=md",
            "--team=vision",
            "--pipeline=train-resnet",
            "--webhook-format=json");
    JsonNode ref = byName(c.at("/env")).get("MLPIPE_WEBHOOK_URL").at("/valueFrom/secretKeyRef");
    assertThat(ref.at("/name").asText()).isEqualTo("mlpipe-report-webhook");
    assertThat(ref.at("/key").asText()).isEqualTo("url");
  }

  @Test
  void anInlineWebhookUrlGoesInTheChartsOwnSecret(@TempDir Path dir) throws Exception {
    Path values = dir.resolve("v.yaml");
    Files.writeString(
        values,
        "report:\n  enabled: true\n  prometheusUrl: http://prom:9090\n"
            + "  webhook:\n    url: https://hooks.example.com/services/T1/B2/X3\n");
    String rendered = Chart.template(values);
    JsonNode secret = Chart.one(rendered, "Secret");
    assertThat(secret.at("/stringData/webhook-url").asText())
        .isEqualTo("https://hooks.example.com/services/T1/B2/X3");
    JsonNode c =
        Chart.one(rendered, "CronJob").at("/spec/jobTemplate/spec/template/spec/containers/0");
    assertThat(rendered.indexOf("T1/B2/X3")).isEqualTo(rendered.lastIndexOf("T1/B2/X3"));
    assertThat(
            byName(c.at("/env"))
                .get("MLPIPE_WEBHOOK_URL")
                .at("/valueFrom/secretKeyRef/name")
                .asText())
        .isEqualTo(secret.at("/metadata/name").asText());
  }

  /**
   * The real jar takes the rendered args: pointed at a closed port (the only arg changed), it gets
   * as far as asking Prometheus and exits 1 with one line naming it; a flag it did not know would
   * be exit 2 with usage.
   */
  @Test
  void theRenderedReportArgsAreAcceptedByTheRealCli(@TempDir Path dir) throws Exception {
    JsonNode c =
        Chart.one(Chart.template("report"), "CronJob")
            .at("/spec/jobTemplate/spec/template/spec/containers/0");
    String closed = "http://127.0.0.1:" + FreePort.next();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-jar");
    cmd.add(AgentProcess.jar().toString());
    for (String arg : texts(c.at("/args"))) {
      cmd.add(arg.startsWith("--prometheus=") ? "--prometheus=" + closed : arg);
    }
    try (ManagedProcess p =
        new ManagedProcess(
            "report",
            cmd,
            dir.resolve("report.log"),
            dir,
            Map.of("MLPIPE_WEBHOOK_URL", "http://127.0.0.1:" + FreePort.next() + "/hook"))) {
      assertThat(p.waitFor(60)).as(p.log()).isEqualTo(1);
      assertThat(p.log().lines().toList())
          .containsExactly(
              "mlpipe report: cannot reach Prometheus at " + closed + ": connection refused");
    }
  }

  static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  static Map<String, JsonNode> byName(JsonNode array) {
    Map<String, JsonNode> out = new TreeMap<>();
    StreamSupport.stream(array.spliterator(), false)
        .forEach(n -> out.put(n.at("/name").asText(), n));
    return out;
  }
}
