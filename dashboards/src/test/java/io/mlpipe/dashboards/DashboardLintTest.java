package io.mlpipe.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The committed dashboards and the alerts' dashboard_url pass {@link DashboardLinter}. */
class DashboardLintTest {

  @Test
  void theSevenDashboardsExist() {
    assertThat(new DashboardLinter(Dashboards.load()).uids())
        .containsExactlyInAnyOrder(
            "mlpipe-overview",
            "mlpipe-pipelines",
            "mlpipe-data",
            "mlpipe-models",
            "mlpipe-nodes",
            "mlpipe-gpus",
            "mlpipe-agents");
  }

  @Test
  void committedDashboardsPassTheLint() {
    assertThat(new DashboardLinter(Dashboards.load()).lint()).isEmpty();
  }

  @Test
  void everyAlertDashboardUrlPointsAtADashboardAndItsVariables() throws IOException {
    DashboardLinter linter = new DashboardLinter(Dashboards.load());
    int urls = 0;
    for (Map.Entry<String, String> e : alertDashboardUrls().entrySet()) {
      // {{ $labels.x }} stands for a value; the lint checks the uid and variable names.
      linter.lintDashboardUrl(e.getKey(), e.getValue().replaceAll("\\{\\{[^}]*}}", "v"));
      urls++;
    }
    assertThat(urls).isGreaterThan(30);
    assertThat(linter.lint()).isEmpty();
  }

  /** alert name + file -> dashboard_url, from every rules/*.yml. */
  @SuppressWarnings("unchecked")
  static Map<String, String> alertDashboardUrls() throws IOException {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    List<Path> files;
    try (Stream<Path> s = Files.list(Dashboards.ROOT.resolve("rules"))) {
      files = s.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
    }
    for (Path f : files) {
      Map<String, Object> doc =
          new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(f));
      for (Map<String, Object> g : (List<Map<String, Object>>) doc.get("groups")) {
        int i = 0;
        for (Map<String, Object> r : (List<Map<String, Object>>) g.get("rules")) {
          i++;
          Object ann = r.get("annotations");
          if (r.containsKey("alert")
              && ann instanceof Map<?, ?> a
              && a.get("dashboard_url") != null) {
            out.put(
                f.getFileName() + " " + r.get("alert") + " #" + i,
                a.get("dashboard_url").toString());
          }
        }
      }
    }
    return out;
  }

  /** Each rule catches what it is for: one broken copy of a real dashboard per rule. */
  @Nested
  class TheLintFinds {

    @Test
    void aHardCodedDatasource() {
      assertThat(lintBroken(d -> target(d).putObject("datasource").put("uid", "P1809F7CD0C75ACF3")))
          .anyMatch(p -> p.contains("hard-coded datasource"))
          .anyMatch(p -> p.contains("datasource must be ${datasource}"));
    }

    @Test
    void whichRulesAreFleetWide() {
      assertThat(DashboardLinter.FLEET_WIDE_RULES)
          .contains(
              "pipeline:mlpipe_pipeline_info:max",
              "pipeline_dataset:mlpipe_data_missing_values_max_ratio:effective",
              "pipeline:mlpipe_data_drift_threshold:effective")
          .doesNotContain(
              "pipeline_stage:mlpipe_stage_runs:success_ratio_1h",
              "pipeline_model_metric:mlpipe_model_metric:regression");
    }

    @Test
    void aSelectorWithoutCluster() {
      assertThat(
              lintBroken(d -> target(d).put("expr", "max(mlpipe_stage_running{pipeline=\"x\"})")))
          .anyMatch(p -> p.contains("1 selectors but 0"));
    }

    @Test
    void anUnjustifiedFixedWindow() {
      assertThat(
              lintBroken(
                  d ->
                      target(d)
                          .put(
                              "expr",
                              "rate(mlpipe_stage_runs_total{"
                                  + DashboardLinter.CLUSTER
                                  + "}[5m])")))
          .anyMatch(p -> p.contains("window [5m] is neither"));
    }

    @Test
    void aCounterOutsideRate() {
      assertThat(
              lintBroken(
                  d ->
                      target(d)
                          .put(
                              "expr",
                              "sum(mlpipe_stage_runs_total{" + DashboardLinter.CLUSTER + "})")))
          .anyMatch(p -> p.contains("counter mlpipe_stage_runs_total outside rate"));
    }

    @Test
    void aPanelWithoutUnitOrDescription() {
      assertThat(
              lintBroken(
                  d -> {
                    ObjectNode p = panel(d);
                    p.remove("description");
                    ((ObjectNode) p.path("fieldConfig").path("defaults")).remove("unit");
                  }))
          .anyMatch(p -> p.endsWith(": no unit"))
          .anyMatch(p -> p.endsWith(": no description"));
    }

    @Test
    void duplicateIdsOverlapsAndOverflow() {
      assertThat(
              lintBroken(
                  d -> {
                    ObjectNode p = panel(d);
                    ((ObjectNode) p.path("gridPos")).put("x", 20);
                    p.put("id", 1);
                  }))
          .anyMatch(p -> p.contains("panel id not unique"))
          .anyMatch(p -> p.contains("outside the 24 columns"))
          .anyMatch(p -> p.contains("overlaps"));
    }

    @Test
    void linksToMissingDashboardsOrVariables() {
      DashboardLinter linter = new DashboardLinter(Dashboards.load());
      assertThat(linter.lintDashboardUrl("a", "/d/mlpipe-nowhere?var-x=1"))
          .anyMatch(p -> p.contains("no dashboard with uid mlpipe-nowhere"));
      assertThat(linter.lintDashboardUrl("b", "/d/mlpipe-nodes?var-Hostname=1"))
          .anyMatch(p -> p.contains("has no variable Hostname"));
      assertThat(linter.lintDashboardUrl("c", "https://grafana.example.com/d/mlpipe-nodes"))
          .anyMatch(p -> p.contains("not a relative /d/<uid> link"));
    }

    /** The first panel of the pipeline dashboard that has targets. */
    private ObjectNode panel(JsonNode d) {
      for (JsonNode p : d.path("panels")) {
        if (p.has("targets")) {
          return (ObjectNode) p;
        }
      }
      throw new AssertionError("no panel with targets");
    }

    private ObjectNode target(JsonNode d) {
      return (ObjectNode) panel(d).path("targets").get(0);
    }

    private List<String> lintBroken(Consumer<JsonNode> breakIt) {
      List<JsonNode> all = new ArrayList<>();
      for (JsonNode d : Dashboards.load()) {
        if (d.path("uid").asText().equals("mlpipe-pipelines")) {
          breakIt.accept(d);
        }
        all.add(d);
      }
      return new DashboardLinter(all).lint();
    }
  }
}
