package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.testing.Binaries;
import io.mlpipe.testing.Promtool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The shipped rules ({@code rules/*.yml}) pass promtool, their unit tests ({@code
 * rules/tests/*.yml}) pass, every alert has a firing and a quiet unit test and a runbook section,
 * every recording rule a unit test, and the example configs are valid.
 */
class RulesTest {

  private static final Path ROOT =
      Path.of(System.getProperty("mlpipe.root", "..")).toAbsolutePath().normalize();
  private static final Path RULES = ROOT.resolve("rules");
  private static final String RUNBOOK_BASE =
      "https://github.com/mlpipe/mlpipe/blob/main/docs/runbooks.md#";

  @Test
  void everyRuleFilePassesPromtoolCheckWithoutWarnings() throws IOException {
    List<Path> files = yamlFiles(RULES);
    assertThat(files).isNotEmpty();
    for (Path file : files) {
      Promtool.Result r = Promtool.run(null, "check", "rules", file.toString());
      assertThat(r.exitCode()).as(r.output()).isZero();
      assertThat(r.output().toLowerCase(Locale.ROOT)).as(r.output()).doesNotContain("warn");
    }
  }

  @Test
  void everyUnitTestFilePasses() throws IOException {
    List<Path> files = yamlFiles(RULES.resolve("tests"));
    assertThat(files).isNotEmpty();
    for (Path file : files) {
      Promtool.Result r = Promtool.run(null, "test", "rules", file.toString());
      assertThat(r.exitCode()).as(file + "\n" + r.output()).isZero();
    }
  }

  @Test
  void examplePrometheusConfigIsValidAndLoadsTheRules() {
    Promtool.Result r =
        Promtool.run(null, "check", "config", ROOT.resolve("examples/prometheus.yml").toString());
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("SUCCESS: 6 rule files found");
  }

  @Test
  void fleetExampleConfigsAreValidAndTheCentralOneLoadsTheRules() {
    Path fleet = ROOT.resolve("examples/fleet");
    Promtool.Result agent =
        Promtool.run(
            null, "check", "config", "--agent", fleet.resolve("cluster-eu-agent.yml").toString());
    assertThat(agent.exitCode()).as(agent.output()).isZero();
    Promtool.Result server =
        Promtool.run(null, "check", "config", fleet.resolve("cluster-us-server.yml").toString());
    assertThat(server.exitCode()).as(server.output()).isZero();
    Promtool.Result central =
        Promtool.run(null, "check", "config", fleet.resolve("central.yml").toString());
    assertThat(central.exitCode()).as(central.output()).isZero();
    assertThat(central.output()).contains("SUCCESS: 6 rule files found");
  }

  @Test
  @SuppressWarnings("unchecked")
  void exampleAlertmanagerGroupsAndInhibitsPerCluster() throws Exception {
    Map<String, Object> am = load(ROOT.resolve("examples/alertmanager.yml"));
    assertThat((List<String>) map(am.get("route")).get("group_by")).contains("cluster");
    for (Map<String, Object> inhibit : listOfMaps(am.get("inhibit_rules"))) {
      assertThat((List<String>) inhibit.get("equal")).as(inhibit.toString()).contains("cluster");
    }
    assertThat(route("cluster=eu", "team=growth", "severity=critical")).isEqualTo("growth-pager");
  }

  @Test
  void exampleAlertmanagerConfigIsValid() throws Exception {
    String out = amtool("check-config", ROOT.resolve("examples/alertmanager.yml").toString());
    assertThat(out).contains("SUCCESS");
  }

  @Test
  void exampleAlertmanagerRoutesByTeamThenSeverity() throws Exception {
    assertThat(route("team=growth", "severity=critical")).isEqualTo("growth-pager");
    assertThat(route("team=growth", "severity=warning")).isEqualTo("growth-slack");
    assertThat(route("team=risk", "severity=critical")).isEqualTo("risk-pager");
    assertThat(route("alertname=NodeFilesystemAlmostFull", "severity=critical")).isEqualTo("pager");
    assertThat(route("alertname=MlpipeStageFailed", "severity=warning", "pipeline=adhoc"))
        .isEqualTo("slack-warnings");
  }

  @Test
  void everyAlertHasLabelsAnnotationsFiringAndQuietTestsAndARunbook() throws IOException {
    Map<String, List<Map<String, Object>>> alerts = alerts();
    assertThat(alerts).hasSizeGreaterThan(25);
    Set<String> firing = new TreeSet<>();
    Set<String> quiet = new TreeSet<>();
    for (Map<String, Object> test : unitTests()) {
      for (Map<String, Object> art : listOfMaps(test.get("alert_rule_test"))) {
        Object exp = art.get("exp_alerts");
        boolean fires = exp instanceof List<?> l && !l.isEmpty();
        (fires ? firing : quiet).add((String) art.get("alertname"));
      }
    }
    String runbooks = Files.readString(ROOT.resolve("docs/runbooks.md"), StandardCharsets.UTF_8);
    List<String> problems = new ArrayList<>();
    alerts.forEach(
        (name, rules) -> {
          if (!name.matches("[A-Z][A-Za-z0-9]+")) {
            problems.add(name + ": not CamelCase");
          }
          if (!firing.contains(name)) {
            problems.add(name + ": no unit test where it fires (exp_alerts)");
          }
          if (!quiet.contains(name)) {
            problems.add(name + ": no unit test where it stays quiet (exp_alerts: [])");
          }
          if (!runbooks.contains("\n## " + name + "\n")) {
            problems.add(name + ": no '## " + name + "' section in docs/runbooks.md");
          }
          for (Map<String, Object> rule : rules) {
            problems.addAll(ruleProblems(name, rule));
          }
        });
    for (String name : firing) {
      if (!alerts.containsKey(name)) {
        problems.add(name + ": tested but no such alert");
      }
    }
    assertThat(problems).isEmpty();
  }

  /**
   * Aggregations about pipelines that are fleet-wide on purpose (no {@code cluster}), with why;
   * every other one keeps {@code cluster} (rules/README.md, "Fleet"). A new fleet-wide one goes
   * here.
   */
  private static final Map<String, String> FLEET_WIDE =
      Map.ofEntries(
          Map.entry(
              "max by (pipeline, team) (mlpipe_pipeline_info", "one team per pipeline: the join"),
          Map.entry("topk by (pipeline) (1,", "one team per pipeline: the join"),
          Map.entry("count by (pipeline) (max", "MlpipePipelineTeamConflict spans clusters"),
          Map.entry("max by (pipeline, stage) (mlpipe_stage_sla_seconds", "config threshold"),
          Map.entry(
              "max by (pipeline, stage) (mlpipe_stage_expected_interval_seconds",
              "config threshold"),
          Map.entry(
              "min by (pipeline) (mlpipe_stage_expected_interval_seconds", "config threshold"),
          Map.entry(
              "max by (pipeline, dataset) (mlpipe_data_missing_values_max_ratio",
              "config threshold"),
          Map.entry(
              "max by (pipeline, dataset) (mlpipe_data_missing_values_ratio",
              "default threshold (x * 0 + 0.1)"),
          Map.entry("max by (pipeline) (mlpipe_data_drift_threshold", "config threshold"),
          Map.entry(
              "max by (pipeline) (mlpipe_data_drift_score", "default threshold (x * 0 + 0.2)"),
          Map.entry("max by (pipeline, metric) (mlpipe_model_metric_tolerance", "config threshold"),
          Map.entry("max by (pipeline, metric) (mlpipe_model_metric", "default tolerance (x * 0)"),
          Map.entry(
              "max by (pipeline, model, metric) (mlpipe_model_metric{role=\"production\",",
              "production wherever it is reported"),
          Map.entry(
              "max by (pipeline, stage) (mlpipe_stage_last_success_timestamp_seconds",
              "the latest success anywhere: a stage that moved clusters"),
          Map.entry(
              "max by (pipeline, dataset) (mlpipe_data_newest_record_timestamp_seconds",
              "the newest record anywhere"),
          Map.entry(
              "max by (pipeline) (mlpipe_stage_running{stage=~\"",
              "a training stage runs somewhere (left side keeps cluster)"));

  private static final Pattern AGGREGATION =
      Pattern.compile(
          "(sum|max|min|avg|count|group|topk|bottomk|quantile|stddev) by \\(([^)]*)\\)\\s*\\(\\s*[^ ()]*");
  private static final Pattern MATCHING = Pattern.compile("\\bon \\(([^)]*)\\)");

  @Test
  void everyAggregationAndJoinKeepsTheClusterLabelUnlessFleetWideOnPurpose() throws IOException {
    List<String> problems = new ArrayList<>();
    for (Path file : yamlFiles(RULES)) {
      for (Map<String, Object> rule : rules(file)) {
        String expr = String.valueOf(rule.get("expr")).replaceAll("\\s+", " ");
        String name = file.getFileName() + " " + rule.getOrDefault("alert", rule.get("record"));
        Matcher a = AGGREGATION.matcher(expr);
        while (a.find()) {
          Set<String> labels = Set.of(a.group(2).split(",\\s*"));
          boolean aboutPipelinesOrHosts =
              labels.stream()
                  .anyMatch(Set.of("pipeline", "host", "instance", "Hostname")::contains);
          if (aboutPipelinesOrHosts
              && !labels.contains("cluster")
              && !FLEET_WIDE.containsKey(a.group())) {
            problems.add(name + ": '" + a.group() + "' drops cluster");
          }
        }
        Matcher m = MATCHING.matcher(expr);
        while (m.find()) {
          Set<String> labels = Set.of(m.group(1).split(",\\s*"));
          if (labels.stream().anyMatch(Set.of("host", "instance", "Hostname")::contains)
              && !labels.contains("cluster")) {
            problems.add(name + ": '" + m.group() + "' matches hosts of different clusters");
          }
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void everyRecordingRuleHasAUnitTest() throws IOException {
    Set<String> records = new TreeSet<>();
    for (Path file : yamlFiles(RULES)) {
      for (Map<String, Object> rule : rules(file)) {
        if (rule.containsKey("record")) {
          String name = (String) rule.get("record");
          records.add(name);
          assertThat(name)
              .as("level:metric:operations")
              .matches("[a-z_]+:[A-Za-z0-9_]+:[a-z0-9_]+");
        }
      }
    }
    assertThat(records).hasSizeGreaterThan(20);
    Set<String> tested = new TreeSet<>();
    for (Map<String, Object> test : unitTests()) {
      for (Map<String, Object> expr : listOfMaps(test.get("promql_expr_test"))) {
        String e = (String) expr.get("expr");
        records.stream().filter(e::contains).forEach(tested::add);
      }
    }
    Set<String> untested = new TreeSet<>(records);
    untested.removeAll(tested);
    assertThat(untested).as("recording rules without a promql_expr_test").isEmpty();
  }

  private static List<String> ruleProblems(String name, Map<String, Object> rule) {
    List<String> problems = new ArrayList<>();
    Map<String, Object> labels = map(rule.get("labels"));
    Map<String, Object> annotations = map(rule.get("annotations"));
    Object severity = labels.get("severity");
    if (!"warning".equals(severity) && !"critical".equals(severity)) {
      problems.add(name + ": severity must be warning or critical, is " + severity);
    }
    if (!rule.containsKey("for")) {
      problems.add(name + ": no for:");
    }
    for (String key : List.of("summary", "description", "runbook_url", "dashboard_url")) {
      if (!(annotations.get(key) instanceof String s) || s.isBlank()) {
        problems.add(name + ": no " + key + " annotation");
      }
    }
    String runbook = RUNBOOK_BASE + name.toLowerCase(Locale.ROOT);
    if (!runbook.equals(annotations.get("runbook_url"))) {
      problems.add(name + ": runbook_url must be " + runbook);
    }
    // An absent() alert has no labels or value worth printing.
    boolean absent = String.valueOf(rule.get("expr")).strip().startsWith("absent(");
    if (annotations.get("description") instanceof String d && !d.contains("{{") && !absent) {
      problems.add(name + ": description is not templated with values or labels");
    }
    return problems;
  }

  /** alert name -> its rules (an alert may have a warning and a critical rule). */
  private static Map<String, List<Map<String, Object>>> alerts() throws IOException {
    Map<String, List<Map<String, Object>>> alerts = new TreeMap<>();
    for (Path file : yamlFiles(RULES)) {
      for (Map<String, Object> rule : rules(file)) {
        if (rule.containsKey("alert")) {
          alerts.computeIfAbsent((String) rule.get("alert"), k -> new ArrayList<>()).add(rule);
        }
      }
    }
    return alerts;
  }

  private static List<Map<String, Object>> rules(Path file) throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> group : listOfMaps(load(file).get("groups"))) {
      out.addAll(listOfMaps(group.get("rules")));
    }
    return out;
  }

  private static List<Map<String, Object>> unitTests() throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Path file : yamlFiles(RULES.resolve("tests"))) {
      out.addAll(listOfMaps(load(file).get("tests")));
    }
    return out;
  }

  private static Map<String, Object> load(Path file) throws IOException {
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    return map(yaml.load(Files.readString(file, StandardCharsets.UTF_8)));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> listOfMaps(Object o) {
    return o instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
  }

  static List<Path> yamlFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
    }
  }

  private static String route(String... labels) throws Exception {
    List<String> args = new ArrayList<>();
    args.add("config");
    args.add("routes");
    args.add("test");
    args.add("--config.file=" + ROOT.resolve("examples/alertmanager.yml"));
    args.addAll(List.of(labels));
    return amtool(args.toArray(String[]::new))
        .lines()
        .filter(l -> !l.startsWith("Warning"))
        .findFirst()
        .orElse("")
        .trim();
  }

  private static String amtool(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Binaries.require("amtool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("amtool " + String.join(" ", args) + "\n" + out).isZero();
    return out;
  }
}
