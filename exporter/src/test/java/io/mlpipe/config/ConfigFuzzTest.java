package io.mlpipe.config;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz target of the YAML config loader: any text either loads or fails with a {@link
 * ConfigException} that lists where; anything else is a finding. Seeds under {@code
 * src/test/resources/io/mlpipe/config/ConfigFuzzTestInputs/}.
 */
class ConfigFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void agentConfig(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    try {
      ConfigLoader.parse("fuzz.yml", text).toDisplayMap();
    } catch (ConfigException expected) {
      if (expected.errors().isEmpty()) {
        throw new IllegalStateException("a ConfigException without errors");
      }
    }
  }
}
