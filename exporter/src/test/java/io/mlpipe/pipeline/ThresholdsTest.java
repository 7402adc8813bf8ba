package io.mlpipe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.config.PipelineConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The status page and the alert rules judge by the same defaults: parses rules/*.yml and fails when
 * a default there differs from {@link Thresholds}, so that neither can change alone.
 */
class ThresholdsTest {

  private static final Path RULES = Path.of("../rules");

  /** Every expression of every rule by its record or alert name (an alert may have several). */
  private static final Map<String, List<String>> EXPRS = new LinkedHashMap<>();

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void readRules() throws IOException {
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    try (Stream<Path> files = Files.list(RULES)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yml")).sorted().toList()) {
        Map<String, Object> doc = yaml.load(Files.readString(f));
        for (Map<String, Object> group : (List<Map<String, Object>>) doc.get("groups")) {
          for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
            String name =
                (String) (rule.containsKey("record") ? rule.get("record") : rule.get("alert"));
            EXPRS.computeIfAbsent(name, k -> new ArrayList<>()).add((String) rule.get("expr"));
          }
        }
      }
    }
    assertThat(EXPRS).as("rules read from " + RULES.toAbsolutePath()).isNotEmpty();
  }

  private static String onlyExpr(String name) {
    assertThat(EXPRS).as("a rule named " + name).containsKey(name);
    assertThat(EXPRS.get(name)).as(name).hasSize(1);
    return EXPRS.get(name).get(0).strip();
  }

  /**
   * An {@code *:effective} rule: {@code config metric or something * 0 + DEFAULT} (a missing {@code
   * + DEFAULT} is 0). Checks that the config's metric comes first and returns the default.
   */
  private static double effectiveDefault(String record, String configMetric) {
    String expr = onlyExpr(record);
    String[] alternatives = expr.split("\\n\\s*or\\s*\\n");
    assertThat(alternatives).as(expr).hasSizeGreaterThanOrEqualTo(2);
    assertThat(alternatives[0]).as("the configured value first").contains(configMetric);
    Matcher m =
        Pattern.compile("\\*\\s*0(?:\\s*\\+\\s*([0-9][0-9.eE+]*))?$")
            .matcher(alternatives[alternatives.length - 1].strip());
    assertThat(m.find())
        .as("the last alternative of " + record + " is '... * 0 + DEFAULT'")
        .isTrue();
    return m.group(1) == null ? 0 : Double.parseDouble(m.group(1));
  }

  /** Every number the pattern's group captures in every expression of the alert. */
  private static List<Double> fixed(String alert, String regex) {
    assertThat(EXPRS).as("an alert named " + alert).containsKey(alert);
    List<Double> out = new ArrayList<>();
    for (String expr : EXPRS.get(alert)) {
      Matcher m = Pattern.compile(regex).matcher(expr);
      while (m.find()) {
        out.add(Double.parseDouble(m.group(1)));
      }
    }
    assertThat(out).as(alert + " compares with a number: " + regex).isNotEmpty();
    return out;
  }

  @Test
  void effectiveRecordingRulesHaveTheJavaDefaults() {
    assertThat(
            effectiveDefault(
                "pipeline_dataset:mlpipe_data_missing_values_max_ratio:effective",
                "mlpipe_data_missing_values_max_ratio"))
        .isEqualTo(Thresholds.MISSING_VALUES_MAX_RATIO);
    assertThat(
            effectiveDefault(
                "pipeline:mlpipe_data_drift_threshold:effective", "mlpipe_data_drift_threshold"))
        .isEqualTo(Thresholds.DRIFT_THRESHOLD);
    assertThat(
            effectiveDefault(
                "pipeline_metric:mlpipe_model_metric_tolerance:effective",
                "mlpipe_model_metric_tolerance"))
        .isEqualTo(Thresholds.MODEL_METRIC_TOLERANCE);
    assertThat(
            effectiveDefault(
                "pipeline_dataset:mlpipe_data_max_age_seconds:effective",
                "mlpipe_stage_expected_interval_seconds"))
        .isEqualTo(Thresholds.DATA_MAX_AGE_SECONDS);
  }

  @Test
  void fixedAlertThresholdsAreTheJavaOnes() {
    assertThat(
            fixed(
                "MlpipeStageStalled",
                "mlpipe_stage_heartbeat_timestamp_seconds\\)\\s*>\\s*([0-9][0-9.]*)"))
        .containsOnly(Thresholds.STALL_SECONDS);
    assertThat(fixed("MlpipeDataCorruptRecordsHigh", "\\)\\s*>\\s*([0-9][0-9.]*)"))
        .containsOnly(Thresholds.CORRUPT_RECORDS_MAX_RATIO);
  }

  @Test
  void alertsJudgeByTheEffectiveThresholds() {
    // The alerts compare with the effective rules, so the defaults above are the ones they use.
    assertThat(String.join("\n", EXPRS.get("MlpipeDataMissingValuesHigh")))
        .contains("pipeline_dataset:mlpipe_data_missing_values_max_ratio:effective");
    assertThat(String.join("\n", EXPRS.get("MlpipeDataDriftHigh")))
        .contains("pipeline:mlpipe_data_drift_threshold:effective");
  }

  @Test
  void rulesReadmeQuotesTheSameDefaults() throws IOException {
    Map<String, String> rows = new LinkedHashMap<>();
    for (String line : Files.readString(RULES.resolve("README.md")).lines().toList()) {
      Matcher m = Pattern.compile("^\\| (Mlpipe\\w+) \\|").matcher(line);
      if (m.find()) {
        rows.put(m.group(1), line);
      }
    }
    assertThat(rows.get("MlpipeStageStalled"))
        .contains("> " + fmt(Thresholds.STALL_SECONDS) + " s");
    assertThat(rows.get("MlpipeDataMissingValuesHigh"))
        .contains("default " + fmt(Thresholds.MISSING_VALUES_MAX_RATIO));
    assertThat(rows.get("MlpipeDataCorruptRecordsHigh"))
        .contains("> " + fmt(100 * Thresholds.CORRUPT_RECORDS_MAX_RATIO) + " %");
    assertThat(rows.get("MlpipeDataDriftHigh"))
        .contains("default " + fmt(Thresholds.DRIFT_THRESHOLD));
    assertThat(rows.get("MlpipeDataStale"))
        .contains("default " + fmt(Thresholds.DATA_MAX_AGE_SECONDS / 86_400) + " d");
  }

  @Test
  void theConfigComesFirstThenTheDefault() {
    PipelineConfig configured =
        new PipelineConfig("p", "t", "", Map.of(), Map.of("customers", 0.05), 0.4, Map.of());
    assertThat(Thresholds.missingValuesMaxRatio(configured, "customers")).isEqualTo(0.05);
    assertThat(Thresholds.missingValuesMaxRatio(configured, "orders"))
        .isEqualTo(Thresholds.MISSING_VALUES_MAX_RATIO);
    assertThat(Thresholds.driftThreshold(configured)).isEqualTo(0.4);
    PipelineConfig bare = new PipelineConfig("p", "t", "", Map.of());
    assertThat(Thresholds.driftThreshold(bare)).isEqualTo(Thresholds.DRIFT_THRESHOLD);
    assertThat(Thresholds.driftThreshold(null)).isEqualTo(Thresholds.DRIFT_THRESHOLD);
    assertThat(Thresholds.missingValuesMaxRatio(null, "x"))
        .isEqualTo(Thresholds.MISSING_VALUES_MAX_RATIO);
  }

  /** 300.0 as "300", 0.1 as "0.1". */
  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
