package io.mlpipe.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A node of a YAML document that knows its key path and position, so that every conversion can
 * report a problem as {@code file:line:column: path: message}. Conversions never throw: a bad value
 * is recorded in the shared error list and reads as empty, so one pass finds every problem.
 *
 * <pre>{@code
 * List<ConfigError> errors = new ArrayList<>();
 * YamlNode root = YamlNode.parse("agent.yml", text, errors);
 * Map<String, YamlNode> top = root.asMapping(Set.of("pipelines"));
 * }</pre>
 */
public final class YamlNode {

  private final String file;
  private final String path;
  private final Node node; // null for an empty document or an absent value
  private final Mark fallbackMark;
  private final List<ConfigError> errors;

  private YamlNode(
      String file, String path, Node node, Mark fallbackMark, List<ConfigError> errors) {
    this.file = file;
    this.path = path;
    this.node = node;
    this.fallbackMark = fallbackMark;
    this.errors = errors;
  }

  /** Parses {@code text} safely (no arbitrary types); syntax errors land in {@code errors}. */
  public static YamlNode parse(String file, String text, List<ConfigError> errors) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(50);
    options.setCodePointLimit(8 * 1024 * 1024);
    Yaml yaml = new Yaml(new SafeConstructor(options));
    Node root = null;
    try {
      root = yaml.compose(new java.io.StringReader(text));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
      if (e.getContext() != null) {
        problem = e.getContext() + ": " + problem;
      }
      errors.add(error(file, mark, "", "invalid YAML: " + problem.strip()));
    } catch (YAMLException e) {
      errors.add(new ConfigError(file, 0, 0, "", "invalid YAML: " + e.getMessage()));
    }
    return new YamlNode(file, "", root, null, errors);
  }

  private static ConfigError error(String file, Mark mark, String path, String message) {
    if (mark == null) {
      return new ConfigError(file, 0, 0, path, message);
    }
    return new ConfigError(file, mark.getLine() + 1, mark.getColumn() + 1, path, message);
  }

  public String path() {
    return path;
  }

  /** True when the key is absent or its value is YAML null. */
  public boolean isNull() {
    return node == null || node.getTag().equals(Tag.NULL);
  }

  /** True when this is the scalar {@code text} (any YAML type). */
  public boolean isScalar(String text) {
    return node instanceof ScalarNode s && s.getValue().equals(text);
  }

  /** Records a problem located at this node. */
  public void error(String message) {
    errors.add(error(file, node != null ? node.getStartMark() : fallbackMark, path, message));
  }

  /**
   * The mapping's entries in document order; keys outside {@code allowed} are reported. An absent
   * value reads as an empty mapping.
   */
  public Map<String, YamlNode> asMapping(Set<String> allowed) {
    Map<String, YamlNode> entries = asAnyMapping();
    for (Map.Entry<String, YamlNode> e : entries.entrySet()) {
      if (!allowed.contains(e.getKey())) {
        YamlNode child = e.getValue();
        errors.add(
            error(
                file,
                child.fallbackMark,
                child.path,
                "unknown key '"
                    + e.getKey()
                    + "' (allowed: "
                    + String.join(", ", new TreeSet<>(allowed))
                    + ")"));
      }
    }
    entries.keySet().retainAll(allowed);
    return entries;
  }

  /** A mapping whose keys are names chosen by the user (pipeline names, stage names). */
  public Map<String, YamlNode> asAnyMapping() {
    Map<String, YamlNode> entries = new LinkedHashMap<>();
    if (isNull()) {
      return entries;
    }
    if (!(node instanceof MappingNode mapping)) {
      error("must be a mapping, got " + describe(node));
      return entries;
    }
    for (NodeTuple tuple : mapping.getValue()) {
      Node keyNode = tuple.getKeyNode();
      if (!(keyNode instanceof ScalarNode key)) {
        errors.add(error(file, keyNode.getStartMark(), path, "keys must be plain strings"));
        continue;
      }
      String childPath = path.isEmpty() ? key.getValue() : path + "." + key.getValue();
      YamlNode first = entries.get(key.getValue());
      if (first != null) {
        // compose() does not check duplicates; only construction would, and we never construct.
        errors.add(
            error(
                file,
                key.getStartMark(),
                childPath,
                "duplicate key '"
                    + key.getValue()
                    + "' (first at line "
                    + (first.fallbackMark.getLine() + 1)
                    + ")"));
        continue;
      }
      entries.put(
          key.getValue(),
          new YamlNode(file, childPath, tuple.getValueNode(), key.getStartMark(), errors));
    }
    return entries;
  }

  /** The sequence's items; an absent value reads as an empty list. */
  public List<YamlNode> asSequence() {
    List<YamlNode> items = new ArrayList<>();
    if (isNull()) {
      return items;
    }
    if (!(node instanceof SequenceNode seq)) {
      error("must be a list, got " + describe(node));
      return items;
    }
    for (int i = 0; i < seq.getValue().size(); i++) {
      Node item = seq.getValue().get(i);
      items.add(new YamlNode(file, path + "[" + i + "]", item, item.getStartMark(), errors));
    }
    return items;
  }

  public Optional<String> asString() {
    if (isNull()) {
      return Optional.empty();
    }
    if (node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.STR)) {
      return Optional.of(scalar.getValue());
    }
    error("must be a string, got " + describe(node));
    return Optional.empty();
  }

  /** The text of any scalar (string, number, timestamp...), e.g. for dates. */
  public Optional<String> asScalarText() {
    if (isNull()) {
      return Optional.empty();
    }
    if (node instanceof ScalarNode scalar) {
      return Optional.of(scalar.getValue());
    }
    error("must be a single value, got " + describe(node));
    return Optional.empty();
  }

  /** A non-empty string without control characters: usable as a Prometheus label value. */
  public Optional<String> asName() {
    Optional<String> s = asString();
    if (s.isPresent()) {
      String problem = Names.labelValueProblem(s.get());
      if (problem != null) {
        error(problem);
        return Optional.empty();
      }
    }
    return s;
  }

  public Optional<Boolean> asBoolean() {
    if (isNull()) {
      return Optional.empty();
    }
    if (node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.BOOL)) {
      return Optional.of(
          Boolean.parseBoolean(scalar.getValue().toLowerCase(java.util.Locale.ROOT)));
    }
    error("must be true or false, got " + describe(node));
    return Optional.empty();
  }

  public Optional<Long> asInteger(long min, long max) {
    if (isNull()) {
      return Optional.empty();
    }
    if (node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.INT)) {
      try {
        long v = Long.parseLong(scalar.getValue().replace("_", ""));
        if (v >= min && v <= max) {
          return Optional.of(v);
        }
        error("must be between " + min + " and " + max + ", got " + v);
        return Optional.empty();
      } catch (NumberFormatException e) {
        // falls through to the type error: hex, octal and sexagesimal forms are not accepted
      }
    }
    error("must be an integer, got " + describe(node));
    return Optional.empty();
  }

  public Optional<Double> asNumber(double min, double max) {
    if (isNull()) {
      return Optional.empty();
    }
    if (node instanceof ScalarNode scalar
        && (scalar.getTag().equals(Tag.INT) || scalar.getTag().equals(Tag.FLOAT))) {
      try {
        double v = Double.parseDouble(scalar.getValue().replace("_", ""));
        if (v >= min && v <= max) {
          return Optional.of(v);
        }
        error("must be between " + min + " and " + max + ", got " + scalar.getValue());
        return Optional.empty();
      } catch (NumberFormatException e) {
        // falls through to the type error
      }
    }
    error("must be a number, got " + describe(node));
    return Optional.empty();
  }

  /** A Prometheus duration ({@code 90s}, {@code 1h30m}) or a number of seconds; must be > 0. */
  public Optional<Duration> asDuration() {
    if (isNull()) {
      return Optional.empty();
    }
    if (node instanceof ScalarNode scalar) {
      String text = scalar.getValue();
      Optional<Duration> d;
      if (scalar.getTag().equals(Tag.INT) || scalar.getTag().equals(Tag.FLOAT)) {
        d = parseSeconds(text);
      } else if (scalar.getTag().equals(Tag.STR)) {
        d = Durations.parse(text);
      } else {
        d = Optional.empty();
      }
      if (d.isPresent() && !d.get().isNegative() && !d.get().isZero()) {
        return d;
      }
      if (d.isPresent()) {
        error("must be a positive duration, got " + text);
        return Optional.empty();
      }
    }
    error("must be a duration like 30s, 5m, 1h30m or 1d, got " + describe(node));
    return Optional.empty();
  }

  private static Optional<Duration> parseSeconds(String text) {
    try {
      double seconds = Double.parseDouble(text);
      if (!Double.isFinite(seconds) || seconds > 1e12) {
        return Optional.empty();
      }
      return Optional.of(Duration.ofMillis(Math.round(seconds * 1000)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    if (node instanceof ScalarNode scalar) {
      String kind =
          switch (scalar.getTag().getValue()) {
            case "tag:yaml.org,2002:int" -> "integer";
            case "tag:yaml.org,2002:float" -> "number";
            case "tag:yaml.org,2002:bool" -> "boolean";
            case "tag:yaml.org,2002:null" -> "null";
            default -> "string";
          };
      return kind + " '" + scalar.getValue() + "'";
    }
    return "nothing";
  }
}
