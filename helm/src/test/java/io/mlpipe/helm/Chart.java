package io.mlpipe.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The chart {@code helm/mlpipe}, rendered and linted with Helm itself (helm-java bundles Helm's Go
 * code), for a named value set under {@code src/test/resources/values/}.
 */
final class Chart {

  static final Path ROOT =
      Path.of(System.getProperty("mlpipe.root", "..")).toAbsolutePath().normalize();
  static final Path DIR = ROOT.resolve("helm/mlpipe");
  static final Path VALUE_SETS = ROOT.resolve("helm/src/test/resources/values");
  static final String RELEASE = "mlpipe";
  static final String NAMESPACE = "monitoring";

  /** Rendered for a current cluster; helm template's own default (1.20) is below the chart's. */
  static final String KUBE_VERSION = "v1.31.0";

  static final ObjectMapper YAML = new YAMLMapper();

  private Chart() {}

  /** The value sets the chart is tested with, by file name without .yaml ("default" is none). */
  static List<String> valueSets() {
    List<String> sets = new ArrayList<>();
    sets.add("default");
    try (Stream<Path> files = Files.list(VALUE_SETS)) {
      files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml"))
          .map(n -> n.substring(0, n.length() - ".yaml".length()))
          .sorted()
          .forEach(sets::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sets;
  }

  static Path valuesFile(String set) {
    return VALUE_SETS.resolve(set + ".yaml");
  }

  /** {@code helm template mlpipe helm/mlpipe -n monitoring [-f set.yaml]}: the rendered YAML. */
  static String template(String set) {
    var template =
        new Helm(DIR)
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION);
    if (!set.equals("default")) {
      template = template.withValuesFile(valuesFile(set));
    }
    return template.call();
  }

  /** As {@link #template(String)} with extra values, for the schema's refusals. */
  static String template(Path values) {
    return new Helm(DIR)
        .template()
        .withName(RELEASE)
        .withNamespace(NAMESPACE)
        .withKubeVersion(KUBE_VERSION)
        .withValuesFile(values)
        .call();
  }

  /** Every rendered object, in order. */
  static List<JsonNode> objects(String rendered) {
    List<JsonNode> out = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(rendered)) {
      Iterator<JsonNode> docs = YAML.readValues(parser, JsonNode.class);
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
          out.add(doc);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static List<JsonNode> objects(String rendered, String kind) {
    return objects(rendered).stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
  }

  static JsonNode one(String rendered, String kind) {
    List<JsonNode> all = objects(rendered, kind);
    if (all.size() != 1) {
      throw new AssertionError("expected one " + kind + ", rendered " + all.size());
    }
    return all.get(0);
  }

  /** The agent's ConfigMap (the one holding mlpipe.yml; dashboards have their own). */
  static JsonNode agentConfigMap(String rendered) {
    List<JsonNode> all =
        objects(rendered, "ConfigMap").stream()
            .filter(o -> o.at("/data").has("mlpipe.yml"))
            .toList();
    if (all.size() != 1) {
      throw new AssertionError("expected one ConfigMap with mlpipe.yml, rendered " + all.size());
    }
    return all.get(0);
  }

  /**
   * {@code helm lint --strict} with the value set. helm-java's lint takes no values file, so the
   * chart is copied with the set merged into its values.yaml, as Helm merges {@code -f} (maps
   * deeply, everything else replaced).
   */
  static LintResult lint(String set, Path scratch) throws IOException {
    Path chart = scratch.resolve("mlpipe");
    copyTree(DIR, chart);
    if (!set.equals("default")) {
      JsonNode merged = merge(YAML.readTree(DIR.resolve("values.yaml").toFile()), read(set));
      YAML.writeValue(chart.resolve("values.yaml").toFile(), merged);
    }
    return new Helm(chart).lint().strict().call();
  }

  private static JsonNode read(String set) throws IOException {
    return YAML.readTree(valuesFile(set).toFile());
  }

  static JsonNode merge(JsonNode base, JsonNode over) {
    if (!(base instanceof ObjectNode b) || !over.isObject()) {
      return over.deepCopy();
    }
    ObjectNode out = b.deepCopy();
    for (Map.Entry<String, JsonNode> e : over.properties()) {
      JsonNode mine = out.get(e.getKey());
      out.set(e.getKey(), mine == null ? e.getValue().deepCopy() : merge(mine, e.getValue()));
    }
    return out;
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
