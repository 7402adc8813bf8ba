package io.mlpipe.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GroupingKeyPathTest {

  @Test
  void plainAndBase64Segments() throws Exception {
    assertThat(GroupingKeyPath.parse("job/train/instance/gpu-1"))
        .containsExactly(Map.entry("job", "train"), Map.entry("instance", "gpu-1"));
    // "/var/tmp" base64url without padding; "=" is the empty value
    assertThat(GroupingKeyPath.parse("job@base64/L3Zhci90bXA/path@base64/="))
        .containsExactly(Map.entry("job", "/var/tmp"), Map.entry("path", ""));
    // padding and the standard alphabet are accepted too
    assertThat(GroupingKeyPath.parse("job/x/v@base64/Pz8_")).containsEntry("v", "???");
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''                     | missing grouping key",
        "job                    | odd number of components",
        "job/a/b                | odd number of components in label string \"/job/a/b\"",
        "job/a/__b/c            | improper label name \"__b\"",
        "job/a/b.c/c            | improper label name \"b.c\"",
        "instance/a             | must start with job",
        "job/                   | job name is required",
        "job/a/x/1/x/2          | appears twice",
        "job/a/v@base64/!!!     | invalid base64 encoding for label \"v\"",
      })
  void refusesBadKeys(String path, String message) {
    assertThatThrownBy(() -> GroupingKeyPath.parse(path))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining(message);
  }
}
