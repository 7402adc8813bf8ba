package io.mlpipe.http;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mlpipe.config.ConfigException;
import java.nio.file.Path;

/**
 * Fuzz target of the web config loader (exporter-toolkit format): loads or fails with a {@link
 * ConfigException}. File paths resolve under a directory that does not exist, so no file is read.
 */
class WebConfigFuzzTest {

  private static final Path NOWHERE = Path.of("/nonexistent-mlpipe-fuzz");

  @FuzzTest(maxDuration = "10s")
  void webConfig(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    try {
      WebConfigLoader.parse("web.yml", text, NOWHERE);
    } catch (ConfigException expected) {
      if (expected.errors().isEmpty()) {
        throw new IllegalStateException("a ConfigException without errors");
      }
    }
  }
}
