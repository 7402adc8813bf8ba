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
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the agent's YAML configuration into a {@link Config}, reporting every problem with file,
 * line, column and key path.
 *
 * <pre>{@code
 * Config config = ConfigLoader.load(Path.of("mlpipe.yml")); // throws ConfigException
 * }</pre>
 */
public final class ConfigLoader {

  private static final Set<String> TOP_KEYS = Set.of("pipelines", "limits", "push", "auth", "http");
  private static final Set<String> AUTH_KEYS =
      Set.of("anonymous", "basic_auth_scopes", "tokens", "tokens_file");
  private static final Set<String> TOKENS_FILE_KEYS = Set.of("tokens");
  private static final Set<String> TOKEN_KEYS =
      Set.of("name", "sha256", "bcrypt", "scopes", "pipelines", "jobs", "expires");
  private static final Set<String> HTTP_KEYS =
      Set.of(
          "max_concurrent_requests",
          "max_connections",
          "max_request_header_bytes",
          "idle_timeout",
          "min_request_data_rate",
          "rate_limit",
          "rate_limit_burst");
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
      Set.of(
          "require_declared",
          "declared",
          "forget_after",
          "run_info_ttl",
          "dedup_window",
          "name_pattern");
  private static final Set<String> PIPELINE_KEYS =
      Set.of("team", "owner", "stages", "datasets", "drift_threshold", "model_metric_tolerance");
  private static final Set<String> DATASET_KEYS = Set.of("missing_values_max_ratio");
  private static final Set<String> STAGE_KEYS = Set.of("sla", "expected_interval");

  private ConfigLoader() {}

  /** Every key the file may hold, at any level (examples/mlpipe.yml is checked to show each). */
  static Set<String> allKeys() {
    Set<String> all = new java.util.TreeSet<>();
    for (Set<String> keys :
        List.of(
            TOP_KEYS,
            AUTH_KEYS,
            TOKENS_FILE_KEYS,
            TOKEN_KEYS,
            HTTP_KEYS,
            LIMIT_KEYS,
            PUSH_KEYS,
            PIPELINES_KEYS,
            PIPELINE_KEYS,
            DATASET_KEYS,
            STAGE_KEYS)) {
      all.addAll(keys);
    }
    return all;
  }

  public static Config load(Path file) throws ConfigException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ConfigException(
          List.of(
              new ConfigError(file.toString(), 0, 0, "", "cannot read file: " + IoErrors.why(e))));
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
    Config config = parse(file.toString(), text);
    String tokensFile = config.auth().tokensFile();
    if (tokensFile != null) {
      Path tf = file.toAbsolutePath().getParent().resolve(tokensFile);
      config = config.withAuth(config.auth().withTokens(loadTokensFile(tf, config.auth())));
    }
    return config;
  }

  /**
   * Reads a {@code tokens_file}: a mapping with one key, {@code tokens}, a list as in the config.
   */
  private static List<TokenConfig> loadTokensFile(Path file, AuthConfig auth)
      throws ConfigException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(
          List.of(
              new ConfigError(
                  file.toString(), 0, 0, "", "cannot read auth.tokens_file: " + IoErrors.why(e))));
    }
    List<ConfigError> errors = new ArrayList<>();
    YamlNode root = YamlNode.parse(file.toString(), text, errors);
    List<TokenConfig> tokens = new ArrayList<>();
    if (errors.isEmpty()) {
      Set<String> names = new java.util.HashSet<>();
      auth.tokens().forEach(t -> names.add(t.name()));
      tokens = tokens(field(root.asMapping(TOKENS_FILE_KEYS), "tokens"), names);
    }
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
    return tokens;
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
      AuthConfig auth = top.containsKey("auth") ? auth(top.get("auth")) : AuthConfig.defaults();
      HttpConfig http = top.containsKey("http") ? http(top.get("http")) : HttpConfig.defaults();
      config = new Config(source, pipelines, limits, push, auth, http);
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

  private static AuthConfig auth(YamlNode node) {
    Map<String, YamlNode> f = node.asMapping(AUTH_KEYS);
    AuthConfig d = AuthConfig.defaults();
    Set<String> anonymous = f.containsKey("anonymous") ? scopes(f.get("anonymous")) : d.anonymous();
    Set<String> basic =
        f.containsKey("basic_auth_scopes")
            ? scopes(f.get("basic_auth_scopes"))
            : d.basicAuthScopes();
    List<TokenConfig> tokens = tokens(field(f, "tokens"), new java.util.HashSet<>());
    String tokensFile = field(f, "tokens_file").asString().orElse(null);
    return new AuthConfig(anonymous, basic, List.copyOf(tokens), tokensFile);
  }

  private static Set<String> scopes(YamlNode node) {
    Set<String> out = new java.util.LinkedHashSet<>();
    for (YamlNode item : node.asSequence()) {
      item.asString()
          .ifPresent(
              s -> {
                if (AuthConfig.SCOPES.contains(s)) {
                  out.add(s);
                } else {
                  item.error("unknown scope '" + s + "' (allowed: admin, read, write)");
                }
              });
    }
    return Set.copyOf(out);
  }

  private static List<TokenConfig> tokens(YamlNode node, Set<String> names) {
    List<TokenConfig> out = new ArrayList<>();
    for (YamlNode item : node.asSequence()) {
      Map<String, YamlNode> f = item.asMapping(TOKEN_KEYS);
      String name = field(f, "name").asName().orElse(null);
      if (name == null) {
        if (!f.containsKey("name")) {
          item.error("a token needs a name (used in the audit log and metrics)");
        }
        continue;
      }
      if (!names.add(name)) {
        f.get("name").error("token name '" + name + "' is used twice");
      }
      byte[] sha256 = null;
      String bcrypt = null;
      if (f.containsKey("sha256") == f.containsKey("bcrypt")) {
        item.error("a token needs exactly one of sha256 (hex of its SHA-256) or bcrypt");
      } else if (f.containsKey("sha256")) {
        YamlNode h = f.get("sha256");
        String hex = h.asScalarText().orElse("");
        if (!hex.matches("[0-9a-fA-F]{64}")) {
          h.error("must be 64 hex digits (the SHA-256 of the token, e.g. from sha256sum)");
        } else {
          sha256 = java.util.HexFormat.of().parseHex(hex.toLowerCase(java.util.Locale.ROOT));
        }
      } else {
        YamlNode h = f.get("bcrypt");
        bcrypt = h.asString().orElse("");
        if (!bcrypt.matches("\\$2[aby]?\\$\\d\\d\\$[./A-Za-z0-9]{53}")) {
          h.error("must be a bcrypt hash like $2y$10$... (60 characters)");
          bcrypt = null;
        }
      }
      Set<String> scopes = f.containsKey("scopes") ? scopes(f.get("scopes")) : Set.of("write");
      List<String> pipelines = globs(field(f, "pipelines"));
      List<String> jobs = globs(field(f, "jobs"));
      java.time.Instant expires = null;
      if (f.containsKey("expires")) {
        expires = instant(f.get("expires"));
      }
      if (sha256 != null || bcrypt != null) {
        out.add(new TokenConfig(name, sha256, bcrypt, scopes, pipelines, jobs, expires));
      }
    }
    return out;
  }

  private static List<String> globs(YamlNode node) {
    List<String> out = new ArrayList<>();
    for (YamlNode item : node.asSequence()) {
      item.asString()
          .ifPresent(
              g -> {
                if (g.isEmpty()) {
                  item.error("must not be empty (use \"*\" for every name)");
                } else {
                  out.add(g);
                }
              });
    }
    return List.copyOf(out);
  }

  private static java.time.Instant instant(YamlNode node) {
    String text = node.asScalarText().orElse("");
    try {
      return java.time.OffsetDateTime.parse(text).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      // try the shorter forms below
    }
    try {
      return java.time.Instant.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      // try a date
    }
    try {
      return java.time.LocalDate.parse(text).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      node.error("must be a date (2027-01-31) or an RFC 3339 time (2027-01-31T12:00:00Z)");
      return null;
    }
  }

  private static HttpConfig http(YamlNode node) {
    Map<String, YamlNode> f = node.asMapping(HTTP_KEYS);
    HttpConfig d = HttpConfig.defaults();
    return new HttpConfig(
        (int)
            field(f, "max_concurrent_requests")
                .asInteger(1, 100_000)
                .orElse((long) d.maxConcurrentRequests())
                .longValue(),
        (int)
            field(f, "max_connections")
                .asInteger(1, 1_000_000)
                .orElse((long) d.maxConnections())
                .longValue(),
        (int)
            field(f, "max_request_header_bytes")
                .asInteger(1024, 1 << 20)
                .orElse((long) d.maxRequestHeaderBytes())
                .longValue(),
        field(f, "idle_timeout").asDuration().orElse(d.idleTimeout()),
        field(f, "min_request_data_rate").asInteger(0, 1L << 40).orElse(d.minRequestDataRate()),
        field(f, "rate_limit").asNumber(0, 1e9).orElse(d.rateLimit()),
        (int)
            field(f, "rate_limit_burst")
                .asInteger(1, 1_000_000)
                .orElse((long) d.rateLimitBurst())
                .longValue());
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
    Pattern namePattern = PipelinesConfig.DEFAULT_NAME_PATTERN;
    YamlNode patternNode = field(fields, "name_pattern");
    Optional<String> patternText = patternNode.asString();
    if (patternText.isPresent()) {
      try {
        namePattern = Pattern.compile(patternText.get());
      } catch (PatternSyntaxException e) {
        patternNode.error(
            "must be a regular expression: " + e.getDescription() + " at index " + e.getIndex());
      }
    }
    Pattern names = namePattern;
    Map<String, PipelineConfig> declared = new LinkedHashMap<>();
    if (fields.containsKey("declared")) {
      fields
          .get("declared")
          .asAnyMapping()
          .forEach(
              (name, p) -> {
                if (checkName(p, name) && matches(p, name, names)) {
                  declared.put(name, pipeline(name, p, names));
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
    return new PipelinesConfig(
        requireDeclared, declared, forgetAfter, runInfoTtl, dedup, namePattern);
  }

  /** Whether a declared pipeline's or stage's name matches {@code pipelines.name_pattern}. */
  private static boolean matches(YamlNode node, String name, Pattern pattern) {
    if (pattern.matcher(name).matches()) {
      return true;
    }
    node.error(
        "name '" + name + "' does not match " + pattern.pattern() + " (pipelines.name_pattern)");
    return false;
  }

  private static PipelineConfig pipeline(String name, YamlNode node, Pattern names) {
    Map<String, YamlNode> fields = node.asMapping(PIPELINE_KEYS);
    String team = field(fields, "team").asName().orElse("");
    String owner = field(fields, "owner").asString().orElse("");
    Map<String, StageConfig> stages = new LinkedHashMap<>();
    field(fields, "stages")
        .asAnyMapping()
        .forEach(
            (stageName, s) -> {
              if (checkName(s, stageName) && matches(s, stageName, names)) {
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
