package io.mlpipe.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.mlpipe.testing.Promtool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code prometheusConfig}: the prometheus.yml rendered for users without the Prometheus Operator
 * is one that Prometheus in agent mode loads, finds the release's agents, keeps pushed jobs, and
 * remote-writes with the cluster's name as external label.
 */
class PrometheusConfigTest {

  private static final String SET = "prometheus-agent";

  @Test
  void agentModeConfigPassesPromtool(@TempDir Path dir) throws IOException {
    String text = prometheusYmlText(Chart.template(SET));
    Path file = dir.resolve("prometheus.yml");
    Files.writeString(file, text);
    Promtool.Result verbatim = Promtool.run(null, "check", "config", "--agent", file.toString());
    if (!verbatim.ok()) {
      // Debian builds Prometheus without Kubernetes service discovery; its promtool refuses that
      // one field and nothing else. The rest of the file is then checked with the discovery
      // swapped for a static target, and the discovery block field by field below.
      assertThat(verbatim.output())
          .as(verbatim.output())
          .contains("field kubernetes_sd_configs not found")
          .doesNotContainPattern("line \\d+: field (?!kubernetes_sd_configs)");
      JsonNode prom = Chart.YAML.readTree(text);
      ObjectNode job = (ObjectNode) prom.at("/scrape_configs/0");
      job.remove("kubernetes_sd_configs");
      job.putArray("static_configs").addObject().putArray("targets").add("127.0.0.1:9478");
      Chart.YAML.writeValue(file.toFile(), prom);
      Promtool.Result swapped = Promtool.run(null, "check", "config", "--agent", file.toString());
      assertThat(swapped.ok()).as(swapped.output()).isTrue();
    }
  }

  @Test
  void scrapesTheReleasesAgentsAndRemoteWritesWithTheCluster() throws IOException {
    String rendered = Chart.template(SET);
    JsonNode set = Chart.YAML.readTree(Chart.valuesFile(SET).toFile());
    JsonNode prom = prometheusYml(rendered);

    assertThat(prom.has("rule_files")).as("agent mode evaluates no rules").isFalse();
    assertThat(prom.at("/global/scrape_interval").asText())
        .isEqualTo(set.at("/prometheusConfig/scrapeInterval").asText());
    assertThat(prom.at("/global/external_labels/cluster").asText())
        .isEqualTo(set.at("/cluster").asText());
    assertThat(prom.at("/global/external_labels/site").asText())
        .isEqualTo(set.at("/prometheusConfig/externalLabels/site").asText());
    assertThat(prom.at("/remote_write")).isEqualTo(set.at("/prometheusConfig/remoteWrite"));

    assertThat(prom.at("/scrape_configs")).hasSize(1);
    JsonNode job = prom.at("/scrape_configs/0");
    assertThat(job.at("/job_name").asText())
        .as("the rules expect job=~\"mlpipe.*\"")
        .matches("mlpipe.*");
    assertThat(job.at("/honor_labels").asBoolean()).isTrue();
    assertThat(job.at("/scheme").asText()).isEqualTo("http");

    // Discovery: pods of this release in its namespace, selected by the DaemonSet's own labels.
    JsonNode ds = Chart.one(rendered, "DaemonSet");
    JsonNode sd = job.at("/kubernetes_sd_configs");
    assertThat(sd).hasSize(1);
    assertThat(sd.at("/0/role").asText()).isEqualTo("pod");
    assertThat(texts(sd.at("/0/namespaces/names"))).containsExactly(Chart.NAMESPACE);
    assertThat(sd.at("/0/selectors/0/role").asText()).isEqualTo("pod");
    Map<String, String> selected = new TreeMap<>();
    for (String kv : sd.at("/0/selectors/0/label").asText().split(",")) {
      String[] parts = kv.split("=", 2);
      selected.put(parts[0], parts[1]);
    }
    Map<String, String> matchLabels = new TreeMap<>();
    ds.at("/spec/selector/matchLabels")
        .properties()
        .forEach(e -> matchLabels.put(e.getKey(), e.getValue().asText()));
    assertThat(selected).isEqualTo(matchLabels);
    selected.forEach(
        (k, v) ->
            assertThat(ds.at("/spec/template/metadata/labels").path(k).asText())
                .as("pod label " + k)
                .isEqualTo(v));

    // Relabelling: keep the agent's port (by the name the DaemonSet gives it), host from the node.
    JsonNode relabel = job.at("/relabel_configs");
    String portName = ds.at("/spec/template/spec/containers/0/ports/0/name").asText();
    assertThat(relabel.at("/0/source_labels/0").asText())
        .isEqualTo("__meta_kubernetes_pod_container_port_name");
    assertThat(relabel.at("/0/action").asText()).isEqualTo("keep");
    assertThat(portName).matches(relabel.at("/0/regex").asText());
    assertThat(relabel.at("/1/source_labels/0").asText())
        .isEqualTo("__meta_kubernetes_pod_node_name");
    assertThat(relabel.at("/1/target_label").asText()).isEqualTo("host");
  }

  @Test
  void withoutAClusterThereIsNoClusterLabel(@TempDir Path dir) throws IOException {
    ObjectNode set = (ObjectNode) Chart.YAML.readTree(Chart.valuesFile(SET).toFile());
    set.put("cluster", "");
    Path file = dir.resolve("values.yaml");
    Chart.YAML.writeValue(file.toFile(), set);
    JsonNode prom = prometheusYml(Chart.template(file));
    assertThat(prom.at("/global/external_labels").has("cluster")).isFalse();
    assertThat(prom.at("/global/external_labels/site").asText()).isEqualTo("eu");
  }

  @Test
  void tlsScrapesOverHttps(@TempDir Path dir) throws IOException {
    ObjectNode set = (ObjectNode) Chart.YAML.readTree(Chart.valuesFile(SET).toFile());
    set.putObject("tls").put("enabled", true).put("secretName", "mlpipe-tls");
    Path file = dir.resolve("values.yaml");
    Chart.YAML.writeValue(file.toFile(), set);
    JsonNode job = prometheusYml(Chart.template(file)).at("/scrape_configs/0");
    assertThat(job.at("/scheme").asText()).isEqualTo("https");
    assertThat(job.at("/tls_config/insecure_skip_verify").asBoolean()).isTrue();
  }

  @Test
  void offByDefault() {
    assertThat(Chart.objects(Chart.template("default"), "ConfigMap"))
        .noneMatch(cm -> cm.at("/data").has("prometheus.yml"));
  }

  @Test
  void enabledWithoutRemoteWriteIsRefused(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("values.yaml");
    Files.writeString(file, "prometheusConfig: {enabled: true}\n");
    assertThatThrownBy(() -> Chart.template(file))
        .hasMessageContaining("prometheusConfig.remoteWrite");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{url: \"https://c/w\", basic_auth: {username: a, password: b}}  | remoteWrite/0/basic_auth",
        "{url: \"https://c/w\", bearer_token: abc}                       | remoteWrite/0/bearer_token",
        "{url: \"https://c/w\", authorization: {credentials: abc}}       | remoteWrite/0/authorization",
        "{url: \"central:9090\"}                                         | remoteWrite/0/url",
        "{basic_auth: {username: a}}                                   | remoteWrite/0",
      })
  void theSchemaRefusesInlineSecretsAndBadUrls(String entry, String where, @TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("values.yaml");
    Files.writeString(file, "prometheusConfig: {enabled: true, remoteWrite: [" + entry + "]}\n");
    assertThatThrownBy(() -> Chart.template(file))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining("prometheusConfig/" + where);
  }

  private static JsonNode prometheusYml(String rendered) throws IOException {
    return Chart.YAML.readTree(prometheusYmlText(rendered));
  }

  /** The ConfigMap holding prometheus.yml, parsed strictly, and the file in it as rendered. */
  private static String prometheusYmlText(String rendered) {
    List<JsonNode> maps =
        Chart.objects(rendered, "ConfigMap").stream()
            .filter(cm -> cm.at("/data").has("prometheus.yml"))
            .toList();
    assertThat(maps).hasSize(1);
    ConfigMap cm = (ConfigMap) StrictManifests.parse(maps.get(0));
    assertThat(cm.getMetadata().getName()).isEqualTo(Chart.RELEASE + "-prometheus");
    assertThat(cm.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
    return cm.getData().get("prometheus.yml");
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    ((ArrayNode) array).forEach(n -> out.add(n.asText()));
    return out;
  }
}
