package io.mlpipe.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * values.schema.json refuses what the chart cannot use, covers every value in values.yaml, and the
 * chart README lists every value with its default.
 */
class ValuesSchemaTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "port: \"9478\"                          | port",
        "prot: 9478                              | prot",
        "storage: {tpye: emptyDir}               | tpye",
        "storage: {type: pvc}                    | storage/type",
        "hostNetwork: \"false\"                  | hostNetwork",
        "gpu: {enabled: true, expected: eight}   | gpu/expected",
        "service: {internalTrafficPolicy: Node}  | service/internalTrafficPolicy",
        "serviceMonitor: {enabled: yes please}   | serviceMonitor/enabled",
        "tolerations: {effect: NoSchedule}       | tolerations",
        "extraArgs: [collector.gpu]              | extraArgs/0",
        "collectors: {gpu: \"off\"}              | collectors/gpu",
        "logLevel: verbose                       | logLevel",
        "image: {digest: latest}                 | image/digest",
        "tokens: [{sha256: abc}]                 | tokens/0",
      })
  void refusesWithTheKeyInTheMessage(String values, String where, @TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("values.yaml");
    Files.writeString(file, values + "\n");
    assertThatThrownBy(() -> Chart.template(file))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(where);
  }

  @Test
  void everyValueIsInTheSchemaAndTheReadme() throws IOException {
    JsonNode values = Chart.YAML.readTree(Chart.DIR.resolve("values.yaml").toFile());
    JsonNode schema = JSON.readTree(Chart.DIR.resolve("values.schema.json").toFile());
    Map<String, JsonNode> expected = new LinkedHashMap<>();
    rows(values, schema, "", expected);
    Map<String, String> listed = readmeDefaults();
    assertThat(listed.keySet()).containsExactlyElementsOf(expected.keySet());
    expected.forEach(
        (key, value) -> {
          try {
            assertThat(JSON.readTree(listed.get(key)))
                .as("README default of " + key)
                .isEqualTo(value);
          } catch (IOException e) {
            throw new AssertionError(key + ": README default is not JSON: " + listed.get(key));
          }
        });
  }

  @Test
  void theDefaultsPassTheSchemaWithEveryObjectClosed() throws IOException {
    JsonNode schema = JSON.readTree(Chart.DIR.resolve("values.schema.json").toFile());
    assertThat(schema.at("/additionalProperties").asBoolean(true)).isFalse();
    assertThat(Chart.template("default")).contains("kind: DaemonSet");
  }

  /**
   * A row per value: descends where the schema lists the properties (and refuses others), stops at
   * free-form maps and lists, which the README lists whole. Every value must have a schema entry.
   */
  private static void rows(
      JsonNode value, JsonNode schema, String path, Map<String, JsonNode> out) {
    if (value.isObject() && schema.has("properties")) {
      assertThat(schema.at("/additionalProperties").asBoolean(true))
          .as(path + ": additionalProperties false")
          .isFalse();
      value
          .properties()
          .forEach(
              e -> {
                String key = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                JsonNode sub = schema.at("/properties").get(e.getKey());
                assertThat(sub).as("schema entry for " + key).isNotNull();
                rows(e.getValue(), sub, key, out);
              });
    } else {
      assertThat(schema.has("type")).as("schema type of " + path).isTrue();
      assertThat(schema.path("description").asText()).as("description of " + path).isNotBlank();
      out.put(path, value);
    }
  }

  private static Map<String, String> readmeDefaults() throws IOException {
    Pattern row = Pattern.compile("^\\| `([^`]+)` \\| [a-z/]+ \\| `(.*?)` \\|", Pattern.MULTILINE);
    String readme = Files.readString(Chart.DIR.resolve("README.md"));
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = row.matcher(readme);
    while (m.find()) {
      out.put(m.group(1), m.group(2).replace("\\|", "|"));
    }
    return out;
  }
}
