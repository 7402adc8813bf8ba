package io.mlpipe.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the agent's YAML configuration into a {@link Config}, reporting every problem with file,
 * line, column and key path.
 *
 * <pre>{@code
 * Config config = ConfigLoader.load(Path.of("mlpipe.yml")); // throws ConfigException
 * }</pre>
 */
public final class ConfigLoader {

  private static final Set<String> TOP_KEYS = Set.of("pipelines", "limits", "push");
  private static final Set<String> LIMIT_KEYS =
      Set.of(
          "max_series_per_group",
          "max_series_total",
          "max_labels_per_series",
          "max_label_name_length",
          "max_label_value_length",
          "max_body_bytes");
  private static final Set<String> PUSH_KEYS = Set.of("ttl", "job_ttl");
  private static final Set<String> PIPELINES_KEYS =
      Set.of("require_declared", "declared", "forget_after", "run_info_ttl", "dedup_window");
  private static final Set<String> PIPELINE_KEYS =
      Set.of("team", "owner", "stages", "datasets", "drift_threshold", "model_metric_tolerance");
  private static final Set<String> DATASET_KEYS = Set.of("missing_values_max_ratio");
  private static final Set<String> STAGE_KEYS = Set.of("sla", "expected_interval");

  private ConfigLoader() {}

  public static Config load(Path file) throws ConfigException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ConfigException(
          List.of(new ConfigError(file.toString(), 0, 0, "", "cannot read file: " + e)));
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new ConfigException(
          List.of(new ConfigError(file.toString(), 0, 0, "", "file is not valid UTF-8")));
    }
    return parse(file.toString(), text);
  }

  /** Parses configuration text; {@code source} names it in error messages. */
  public static Config parse(String source, String text) throws ConfigException {
    List<ConfigError> errors = new ArrayList<>();
    YamlNode root = YamlNode.parse(source, text, errors);
    Config config = null;
    if (errors.isEmpty()) {
      Map<String, YamlNode> top = root.asMapping(TOP_KEYS);
      PipelinesConfig pipelines =
          top.containsKey("pipelines")
              ? pipelines(top.get("pipelines"))
              : PipelinesConfig.defaults();
      LimitsConfig limits =
          top.containsKey("limits") ? limits(top.get("limits")) : LimitsConfig.defaults();
      PushConfig push = top.containsKey("push") ? push(top.get("push")) : PushConfig.defaults();
      config = new Config(source, pipelines, limits, push);
    }
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
    return config;
  }

  private static LimitsConfig limits(YamlNode node) {
    Map<String, YamlNode> f = node.asMapping(LIMIT_KEYS);
    LimitsConfig d = LimitsConfig.defaults();
    return new LimitsConfig(
        (int)
            field(f, "max_series_per_group")
                .asInteger(1, Integer.MAX_VALUE)
                .orElse((long) d.maxSeriesPerGroup())
                .longValue(),
        field(f, "max_series_total").asInteger(1, Long.MAX_VALUE).orElse(d.maxSeriesTotal()),
        (int)
            field(f, "max_labels_per_series")
                .asInteger(1, 1024)
                .orElse((long) d.maxLabelsPerSeries())
                .longValue(),
        (int)
            field(f, "max_label_name_length")
                .asInteger(1, 65536)
                .orElse((long) d.maxLabelNameLength())
                .longValue(),
        (int)
            field(f, "max_label_value_length")
                .asInteger(1, 1 << 20)
                .orElse((long) d.maxLabelValueLength())
                .longValue(),
        field(f, "max_body_bytes").asInteger(1, 1L << 31).orElse(d.maxBodyBytes()));
  }

  private static PushConfig push(YamlNode node) {
    Map<String, YamlNode> f = node.asMapping(PUSH_KEYS);
    YamlNode ttlNode = field(f, "ttl");
    Duration ttl = isZero(ttlNode) ? Duration.ZERO : ttlNode.asDuration().orElse(Duration.ZERO);
    Map<String, Duration> jobs = new LinkedHashMap<>();
    field(f, "job_ttl")
        .asAnyMapping()
        .forEach(
            (job, d) -> {
              if (checkName(d, job)) {
                jobs.put(job, isZero(d) ? Duration.ZERO : d.asDuration().orElse(Duration.ZERO));
              }
            });
    return new PushConfig(ttl, jobs);
  }

  // A TTL of 0 means "never expire"; every other duration must be positive.
  private static boolean isZero(YamlNode n) {
    return !n.isNull() && n.isScalar("0");
  }

  private static PipelinesConfig pipelines(YamlNode node) {
    Map<String, YamlNode> fields = node.asMapping(PIPELINES_KEYS);
    boolean requireDeclared =
        fields.containsKey("require_declared")
            && fields.get("require_declared").asBoolean().orElse(false);
    Map<String, PipelineConfig> declared = new LinkedHashMap<>();
    if (fields.containsKey("declared")) {
      fields
          .get("declared")
          .asAnyMapping()
          .forEach(
              (name, p) -> {
                if (checkName(p, name)) {
                  declared.put(name, pipeline(name, p));
                }
              });
    }
    YamlNode forget = field(fields, "forget_after");
    Duration forgetAfter =
        isZero(forget)
            ? Duration.ZERO
            : forget.asDuration().orElse(PipelinesConfig.DEFAULT_FORGET_AFTER);
    Duration runInfoTtl =
        field(fields, "run_info_ttl").asDuration().orElse(PipelinesConfig.DEFAULT_RUN_INFO_TTL);
    Duration dedup =
        field(fields, "dedup_window").asDuration().orElse(PipelinesConfig.DEFAULT_DEDUP_WINDOW);
    return new PipelinesConfig(requireDeclared, declared, forgetAfter, runInfoTtl, dedup);
  }

  private static PipelineConfig pipeline(String name, YamlNode node) {
    Map<String, YamlNode> fields = node.asMapping(PIPELINE_KEYS);
    String team = field(fields, "team").asName().orElse("");
    String owner = field(fields, "owner").asString().orElse("");
    Map<String, StageConfig> stages = new LinkedHashMap<>();
    field(fields, "stages")
        .asAnyMapping()
        .forEach(
            (stageName, s) -> {
              if (checkName(s, stageName)) {
                Map<String, YamlNode> sf = s.asMapping(STAGE_KEYS);
                Duration sla = field(sf, "sla").asDuration().orElse(null);
                Duration interval = field(sf, "expected_interval").asDuration().orElse(null);
                stages.put(stageName, new StageConfig(stageName, sla, interval));
              }
            });
    Map<String, Double> missing = new LinkedHashMap<>();
    field(fields, "datasets")
        .asAnyMapping()
        .forEach(
            (dataset, d) -> {
              if (checkName(d, dataset)) {
                field(d.asMapping(DATASET_KEYS), "missing_values_max_ratio")
                    .asNumber(0, 1)
                    .ifPresent(v -> missing.put(dataset, v));
              }
            });
    Double drift = field(fields, "drift_threshold").asNumber(0, Double.MAX_VALUE).orElse(null);
    Map<String, Double> tolerance = new LinkedHashMap<>();
    field(fields, "model_metric_tolerance")
        .asAnyMapping()
        .forEach(
            (metric, t) -> {
              if (checkName(t, metric)) {
                t.asNumber(0, Double.MAX_VALUE).ifPresent(v -> tolerance.put(metric, v));
              }
            });
    return new PipelineConfig(name, team, owner, stages, missing, drift, tolerance);
  }

  private static boolean checkName(YamlNode node, String name) {
    String problem = Names.labelValueProblem(name);
    if (problem != null) {
      node.error("name " + problem);
      return false;
    }
    return true;
  }

  // An absent key reads as a null node, so optional fields need no special casing.
  private static YamlNode field(Map<String, YamlNode> fields, String key) {
    YamlNode n = fields.get(key);
    return n != null ? n : YamlNode.parse("", "", new ArrayList<>());
  }
}
