package io.mlpipe.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlpipe.Agent;
import io.mlpipe.AgentOptions;
import io.mlpipe.config.ConfigHolder;
import io.mlpipe.testing.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pipeline and stage names against the configured pattern; forgetting a pipeline. */
class PipelinesApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private Agent agent;
  private String base;

  @AfterEach
  void stop() throws Exception {
    if (agent != null) {
      agent.close();
    }
  }

  private void start(String config, boolean adminApi) throws Exception {
    Path file = dir.resolve("mlpipe.yml");
    Files.writeString(file, config);
    agent =
        Agent.start(
            AgentOptions.forTest(dir.resolve("data"))
                .withConfig(ConfigHolder.load(file))
                .withAdminApi(adminApi));
    base = "http://127.0.0.1:" + agent.port();
  }

  private Http.Response post(String body) {
    return Http.post(base + "/api/v1/events", "application/json", body);
  }

  @Test
  void namesOutsideThePatternAre400WithTheFieldAndThePattern() throws Exception {
    start("pipelines: {}\n", true);
    Http.Response space =
        post("{\"type\":\"stage_started\",\"pipeline\":\"my pipeline\",\"stage\":\"train\"}");
    assertThat(space.status()).isEqualTo(400);
    JsonNode e = JSON.readTree(space.body()).path("errors").path(0);
    assertThat(e.path("field").asText()).isEqualTo("pipeline");
    assertThat(e.path("message").asText())
        .contains("'my pipeline'", "[A-Za-z0-9][A-Za-z0-9_.-]{0,127}", "pipelines.name_pattern");
    Http.Response slash =
        post("{\"type\":\"heartbeat\",\"pipeline\":\"churn\",\"stage\":\"train/v2\"}");
    assertThat(slash.status()).isEqualTo(400);
    assertThat(JSON.readTree(slash.body()).path("errors").path(0).path("field").asText())
        .isEqualTo("stage");
    assertThat(Http.get(base + "/api/v1/pipelines").body()).doesNotContain("my pipeline");
  }

  @Test
  void thePatternIsConfigurable() throws Exception {
    start("pipelines:\n  name_pattern: '[a-z]+(/v[0-9]+)?'\n", true);
    assertThat(
            post("{\"type\":\"heartbeat\",\"pipeline\":\"churn/v2\",\"stage\":\"train\"}").status())
        .isEqualTo(202);
    assertThat(post("{\"type\":\"heartbeat\",\"pipeline\":\"Churn\",\"stage\":\"train\"}").status())
        .isEqualTo(400);
  }

  @Test
  void forgettingAPipelineDropsItsEventsAndItsPushedGroupsOnly() throws Exception {
    start("pipelines: {}\n", true);
    assertThat(
            post("""
                    [{"type":"stage_started","pipeline":"typo","stage":"train","run_id":"r1"},
                     {"type":"drift","pipeline":"typo","feature":"f","score":0.1},
                     {"type":"stage_started","pipeline":"keep","stage":"train"}]
                    """)
                .status())
        .isEqualTo(202);
    assertThat(
            Http.send(
                    "PUT",
                    base + "/metrics/job/trainer/pipeline/typo",
                    Map.of(),
                    "loss 1\n".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .status())
        .isEqualTo(200);
    Http.Response r = Http.send("DELETE", base + "/api/v1/pipelines/typo", Map.of(), null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    // the stage, the pipeline, the run and the pushed group
    assertThat(JSON.readTree(r.body()).path("data").path("groups_deleted").asInt()).isEqualTo(4);
    String metrics = Http.get(base + "/metrics").body();
    assertThat(metrics).doesNotContain("pipeline=\"typo\"").contains("pipeline=\"keep\"");
    assertThat(Http.get(base + "/api/v1/pipelines/typo").status()).isEqualTo(404);
    Http.Response again = Http.send("DELETE", base + "/api/v1/pipelines/typo", Map.of(), null);
    assertThat(again.status()).isEqualTo(404);
    assertThat(again.body()).contains("no data of a pipeline named 'typo'");
  }

  @Test
  void withoutAuthForgettingNeedsTheAdminSwitch() throws Exception {
    start("pipelines: {}\n", false);
    post("{\"type\":\"stage_started\",\"pipeline\":\"typo\",\"stage\":\"train\"}");
    Http.Response r = Http.send("DELETE", base + "/api/v1/pipelines/typo", Map.of(), null);
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.body()).contains("--web.enable-admin-api");
    assertThat(Http.get(base + "/api/v1/pipelines/typo").status()).isEqualTo(200);
  }

  @Test
  void theRepliesKeepTheirWireShape() throws Exception {
    start("pipelines:\n  declared:\n    typo:\n      team: ml\n", true);
    post("{\"type\":\"stage_started\",\"pipeline\":\"typo\",\"stage\":\"train\"}");
    Http.Response gone = Http.send("DELETE", base + "/api/v1/pipelines/typo", Map.of(), null);
    assertThat(JSON.readTree(gone.body()))
        .isEqualTo(
            JSON.readTree(
                """
                {"status":"success",
                 "data":{"pipeline":"typo","groups_deleted":1,"declared":true}}
                """));
    Http.Response unknown = Http.get(base + "/api/v1/pipelines/nope");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()))
        .isEqualTo(JSON.readTree("{\"status\":\"error\",\"error\":\"no pipeline named 'nope'\"}"));
    Http.Response all = Http.get(base + "/api/v1/pipelines");
    assertThat(JSON.readTree(all.body()).path("status").asText()).isEqualTo("success");
    assertThat(JSON.readTree(all.body()).path("data").isArray()).as(all.body()).isTrue();
  }
}
