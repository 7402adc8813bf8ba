package io.mlpipe.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One source: the chart's rules and dashboards are the repository's {@code rules/*.yml} and {@code
 * dashboards/*.json}, copied by the build, no file more or less, and rendered unchanged.
 */
class ChartSourcesTest {

  private static final Path RULES = Chart.ROOT.resolve("rules");
  private static final Path DASHBOARDS = Chart.ROOT.resolve("dashboards");
  private static final Path CHART_RULES = Chart.DIR.resolve("files/rules");
  private static final Path CHART_DASHBOARDS = Chart.DIR.resolve("files/dashboards");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Rule files; rules/tests/ and README.md are not. */
  private static final String RULE = "[^/]+\\.yml";

  /** Dashboards, as DashboardQueriesTest finds them; not the generator's package.json. */
  private static final String DASHBOARD = "mlpipe-.+\\.json";

  @Test
  void chartRuleFilesAreTheRulesFiles() throws IOException {
    Map<String, String> sources = contents(RULES, RULE);
    assertThat(sources).isNotEmpty();
    assertThat(contents(CHART_RULES, RULE)).isEqualTo(sources);
  }

  @Test
  void chartDashboardFilesAreTheDashboardFiles() throws IOException {
    assertThat(contents(DASHBOARDS, DASHBOARD)).isNotEmpty();
    assertThat(contents(CHART_DASHBOARDS, ".+\\.json")).isEqualTo(contents(DASHBOARDS, DASHBOARD));
  }

  @Test
  void eachPrometheusRuleHoldsTheGroupsOfItsRulesFile() throws IOException {
    Map<String, JsonNode> bySource = new TreeMap<>();
    for (JsonNode rule : Chart.objects(Chart.template("operator"), "PrometheusRule")) {
      bySource.put(rule.at("/metadata/annotations/mlpipe.io~1source").asText(), rule.at("/spec"));
    }
    Map<String, JsonNode> expected = new TreeMap<>();
    for (String name : contents(RULES, RULE).keySet()) {
      expected.put("rules/" + name, Chart.YAML.readTree(RULES.resolve(name).toFile()));
    }
    assertThat(bySource).isEqualTo(expected);
    expected.values().forEach(groups -> assertThat(groups.at("/groups")).isNotEmpty());
  }

  @Test
  void eachDashboardConfigMapHoldsItsDashboardJson() throws IOException {
    Map<String, JsonNode> rendered = dashboardConfigMaps(Chart.template("operator"));
    Map<String, JsonNode> expected = new TreeMap<>();
    for (String name : contents(DASHBOARDS, DASHBOARD).keySet()) {
      expected.put(name, JSON.readTree(DASHBOARDS.resolve(name).toFile()));
    }
    assertThat(rendered).isEqualTo(expected);
  }

  /** The template's mechanism, whatever dashboards/ holds today: a dashboard put in, comes out. */
  @Test
  void aDashboardInTheChartBecomesASidecarConfigMap(@TempDir Path dir) throws IOException {
    Path chart = dir.resolve("mlpipe");
    Chart.copyTree(Chart.DIR, chart);
    Files.createDirectories(chart.resolve("files/dashboards"));
    String json =
        "{\"title\": \"Probe | \\\"quoted\\\"\", \"uid\": \"probe\", \"panels\": [{\"expr\":"
            + " \"sum by (job) (up{job=~\\\"mlpipe.*\\\"})\"}]}\n";
    Files.writeString(chart.resolve("files/dashboards/zz-probe.json"), json);
    String rendered =
        new Helm(chart)
            .template()
            .withName(Chart.RELEASE)
            .withNamespace(Chart.NAMESPACE)
            .withKubeVersion(Chart.KUBE_VERSION)
            .set("dashboards.enabled", "true")
            .call();
    Map<String, JsonNode> maps = dashboardConfigMaps(rendered);
    assertThat(maps.get("zz-probe.json")).isEqualTo(JSON.readTree(json));
    JsonNode cm =
        Chart.objects(rendered, "ConfigMap").stream()
            .filter(o -> o.at("/data").has("zz-probe.json"))
            .findFirst()
            .orElseThrow();
    assertThat(cm.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
    assertThat(cm.at("/metadata/name").asText()).isEqualTo("mlpipe-dashboard-zz-probe");
    StrictManifests.parse(cm);
  }

  private static Map<String, JsonNode> dashboardConfigMaps(String rendered) throws IOException {
    Map<String, JsonNode> out = new TreeMap<>();
    for (JsonNode cm : Chart.objects(rendered, "ConfigMap")) {
      if (cm.at("/metadata/labels/grafana_dashboard").isMissingNode()) {
        continue;
      }
      List<String> keys = List.copyOf(iterable(cm.at("/data").fieldNames()));
      assertThat(keys).hasSize(1);
      out.put(keys.get(0), JSON.readTree(cm.at("/data").get(keys.get(0)).asText()));
    }
    return out;
  }

  private static <T> List<T> iterable(java.util.Iterator<T> it) {
    List<T> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  /** File name to content of the directory's files whose names match; empty if it is missing. */
  private static Map<String, String> contents(Path dir, String pattern) throws IOException {
    Map<String, String> out = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (name.matches(pattern) && Files.isRegularFile(f)) {
          out.put(name, Files.readString(f));
        }
      }
    }
    return out;
  }
}
