package io.mlpipe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  /** The one error loading {@code yaml} reports; fails unless there is exactly one. */
  static ConfigError onlyError(String yaml) {
    try {
      ConfigLoader.parse("agent.yml", yaml);
    } catch (ConfigException e) {
      assertThat(e.errors()).hasSize(1);
      return e.errors().get(0);
    }
    throw new AssertionError("expected a ConfigException for:\n" + yaml);
  }

  @Test
  void readsAFullPipelineDeclaration() throws Exception {
    Config c =
        ConfigLoader.parse(
            "agent.yml",
            """
            pipelines:
              require_declared: true
              declared:
                churn:
                  team: growth
                  owner: ana@example.com
                  stages:
                    ingest: {sla: 30m, expected_interval: 1d}
                    train:
                      sla: 7200
            """);
    assertThat(c.pipelines().requireDeclared()).isTrue();
    PipelineConfig churn = c.pipelines().declared().get("churn");
    assertThat(churn.team()).isEqualTo("growth");
    assertThat(churn.owner()).isEqualTo("ana@example.com");
    assertThat(churn.stages()).containsOnlyKeys("ingest", "train");
    assertThat(churn.stages().get("ingest").sla()).isEqualTo(Duration.ofMinutes(30));
    assertThat(churn.stages().get("ingest").expectedInterval()).isEqualTo(Duration.ofDays(1));
    assertThat(churn.stages().get("train").sla()).isEqualTo(Duration.ofHours(2));
    assertThat(churn.stages().get("train").expectedInterval()).isNull();
  }

  @Test
  void anEmptyFileMeansDefaults() throws Exception {
    Config c = ConfigLoader.parse("agent.yml", "# nothing here\n");
    assertThat(c.pipelines().requireDeclared()).isFalse();
    assertThat(c.pipelines().declared()).isEmpty();
  }

  @Test
  void reportsEveryProblemAtOnce() {
    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    "agent.yml",
                    """
                    pipelines:
                      require_declared: maybe
                      declared:
                        churn:
                          stages:
                            train: {sla: soon}
                    """))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.errors())
                    .extracting(ConfigError::toString)
                    .containsExactly(
                        "agent.yml:2:21: pipelines.require_declared: must be true or false, got string 'maybe'",
                        "agent.yml:6:22: pipelines.declared.churn.stages.train.sla: must be a duration like 30s, 5m, 1h30m or 1d, got string 'soon'"));
  }

  @Test
  void loadsFromAFileAndNamesItInErrors(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("mlpipe.yml");
    Files.writeString(file, "pipelines:\n  declared:\n    a: {team: t}\n");
    assertThat(ConfigLoader.load(file).pipelines().declared()).containsKey("a");

    Files.writeString(file, "pipelinez: {}\n");
    assertThatThrownBy(() -> ConfigLoader.load(file))
        .hasMessageStartingWith(file + ":1:1: pipelinez: unknown key 'pipelinez'");
  }

  @Test
  void aMissingFileIsAConfigError(@TempDir Path dir) {
    assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("absent.yml")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("absent.yml: cannot read file: No such file or directory");
  }

  @Test
  void invalidUtf8IsRefused(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.yml");
    Files.write(file, new byte[] {'a', ':', ' ', (byte) 0xff, '\n'});
    assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessageContaining("not valid UTF-8");
  }

  @Nested
  class Errors {

    @Test
    void unknownTopLevelKey() {
      ConfigError e = onlyError("pipelines: {}\nstorage_path: /tmp\n");
      assertThat(e.line()).isEqualTo(2);
      assertThat(e.column()).isEqualTo(1);
      assertThat(e.message())
          .isEqualTo("unknown key 'storage_path' (allowed: auth, http, limits, pipelines, push)");
    }

    @Test
    void unknownStageKey() {
      ConfigError e =
          onlyError("pipelines:\n  declared:\n    p:\n      stages:\n        s: {slaa: 1h}\n");
      assertThat(e.toString())
          .isEqualTo(
              "agent.yml:5:13: pipelines.declared.p.stages.s.slaa: unknown key 'slaa' (allowed: expected_interval, sla)");
    }

    @Test
    void syntaxErrorHasItsLine() {
      ConfigError e = onlyError("pipelines:\n  declared: [unclosed\n");
      assertThat(e.line()).isEqualTo(3);
      assertThat(e.message()).startsWith("invalid YAML:");
    }

    @Test
    void duplicateKeysAreRefused() {
      ConfigError e = onlyError("pipelines:\n  declared:\n    a: {}\n    a: {}\n");
      assertThat(e.message()).isEqualTo("duplicate key 'a' (first at line 3)");
      assertThat(e.line()).isEqualTo(4);
    }

    @Test
    void wrongTypeForAMapping() {
      ConfigError e = onlyError("pipelines: [a, b]\n");
      assertThat(e.toString())
          .isEqualTo("agent.yml:1:12: pipelines: must be a mapping, got a list");
    }

    @Test
    void teamMustBeAString() {
      ConfigError e = onlyError("pipelines:\n  declared:\n    a: {team: [x]}\n");
      assertThat(e.message()).isEqualTo("must be a string, got a list");
      assertThat(e.path()).isEqualTo("pipelines.declared.a.team");
    }

    @Test
    void controlCharactersInNamesAreRefused() {
      ConfigError e = onlyError("pipelines:\n  declared:\n    \"bad\\tname\": {}\n");
      assertThat(e.message())
          .isEqualTo("name must not contain control characters (found U+0009 at position 4)");
    }

    @Test
    void namesOutsideTheNamePatternAreRefused() {
      ConfigError e =
          onlyError(
              "pipelines:\n  declared:\n    churn:\n      stages:\n        \"train/v2\": {}\n");
      assertThat(e.message())
          .isEqualTo(
              "name 'train/v2' does not match [A-Za-z0-9][A-Za-z0-9_.-]{0,127}"
                  + " (pipelines.name_pattern)");
      assertThat(e.line()).isEqualTo(5);
    }

    @Test
    void aNamePatternMustBeARegularExpression() {
      ConfigError e = onlyError("pipelines:\n  name_pattern: '[a-z'\n");
      assertThat(e.message()).startsWith("must be a regular expression: Unclosed character class");
      assertThat(e.path()).isEqualTo("pipelines.name_pattern");
    }

    @Test
    void zeroDurationIsRefused() {
      ConfigError e =
          onlyError("pipelines:\n  declared:\n    a:\n      stages:\n        s: {sla: 0s}\n");
      assertThat(e.message()).isEqualTo("must be a positive duration, got 0s");
    }

    @Test
    void arbitraryYamlTypesAreNotConstructed() {
      ConfigError e = onlyError("pipelines: !!java.io.File [\"/etc/passwd\"]\n");
      assertThat(e.message())
          .isEqualTo("invalid YAML: Global tag is not allowed: tag:yaml.org,2002:java.io.File");
    }
  }
}
