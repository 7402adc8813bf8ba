package io.mlpipe.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** examples/mlpipe.yml, which the README links: it loads and shows every key the loader knows. */
class ExampleConfigTest {

  static final Path EXAMPLE = Path.of("../examples/mlpipe.yml");

  @Test
  void everyKeyIsInTheExample() throws Exception {
    String text =
        Files.readString(EXAMPLE) + Files.readString(EXAMPLE.resolveSibling("tokens.yml"));
    assertThat(ConfigLoader.allKeys())
        .allSatisfy(key -> assertThat(text).as("key %s", key).containsPattern("\\b" + key + ":"));
  }

  @Test
  void itLoadsWithItsDeclaredPipelineAndTokens() throws Exception {
    Config c = ConfigLoader.load(EXAMPLE);
    assertThat(c.pipelines().declared()).containsKey("churn");
    assertThat(c.auth().tokens()).extracting(t -> t.name()).contains("team-growth", "ci-admin");
  }
}
