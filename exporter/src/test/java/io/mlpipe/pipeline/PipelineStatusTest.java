package io.mlpipe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlpipe.Agent;
import io.mlpipe.AgentOptions;
import io.mlpipe.config.ConfigHolder;
import io.mlpipe.testing.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status derivation that {@code GET /api/v1/pipelines}, {@code /pipelines} and {@code mlpipe
 * status} share, through events posted to an in-process agent.
 */
class PipelineStatusTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String CONFIG =
      """
      pipelines:
        declared:
          slow:
            team: growth
            stages:
              train: {sla: 30s}
      """;

  @TempDir Path dir;
  private Agent agent;
  private String base;
  private double now;

  @BeforeEach
  void start() throws Exception {
    Path file = dir.resolve("mlpipe.yml");
    Files.writeString(file, CONFIG);
    agent =
        Agent.start(
            AgentOptions.forTest(Files.createDirectory(dir.resolve("data")))
                .withConfig(ConfigHolder.load(file)));
    base = "http://127.0.0.1:" + agent.port();
    now = System.currentTimeMillis() / 1000.0;
  }

  @AfterEach
  void stop() throws Exception {
    agent.close();
  }

  /** Posts events; {@code @T-100} in the text becomes the time 100 s ago. */
  private void post(String events) {
    String body = events;
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("@T-(\\d+)").matcher(events);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(
          b, String.format(Locale.ROOT, "%.3f", now - Double.parseDouble(m.group(1))));
    }
    m.appendTail(b);
    body = b.toString();
    Http.Response r = Http.post(base + "/api/v1/events", "application/json", body);
    assertThat(r.status()).as(r.body()).isEqualTo(202);
  }

  private JsonNode pipeline(String name) throws Exception {
    Http.Response r = Http.get(base + "/api/v1/pipelines/" + name);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body()).path("data");
  }

  private String page() {
    return Http.get(base + "/pipelines").body();
  }

  @Test
  void aSuccessfulRunOverItsSlaIsOverSlaNotFailedUntilTheNextShortRun() throws Exception {
    post(
        """
        [{"type":"stage_started","pipeline":"slow","stage":"train","time":@T-200},
         {"type":"stage_finished","pipeline":"slow","stage":"train","status":"success","time":@T-100}]
        """);
    JsonNode p = pipeline("slow");
    assertThat(p.path("status").asText()).isEqualTo("over_sla");
    assertThat(p.path("stages").path("train").path("health").asText()).isEqualTo("over_sla");
    assertThat(p.path("stages").path("train").path("status").asText()).isEqualTo("success");
    assertThat(p.path("problems").toString()).contains("slow/train: last run over its SLA");
    assertThat(page()).contains("data-pipeline=\"slow\" data-status=\"over_sla\"");

    post(
        """
        [{"type":"stage_started","pipeline":"slow","stage":"train","time":@T-20},
         {"type":"stage_finished","pipeline":"slow","stage":"train","status":"success","time":@T-10}]
        """);
    assertThat(pipeline("slow").path("status").asText()).isEqualTo("ok");
  }

  @Test
  void invalidRecordsAreADataProblemEvenAfterASuccess() throws Exception {
    post(
        """
        [{"type":"stage_started","pipeline":"data","stage":"ingest"},
         {"type":"records","pipeline":"data","stage":"ingest","processed":954,"invalid":30,"corrupt":16},
         {"type":"stage_finished","pipeline":"data","stage":"ingest","status":"success"}]
        """);
    JsonNode p = pipeline("data");
    assertThat(p.path("status").asText()).isEqualTo("data_problem");
    assertThat(p.path("problems").toString()).contains("4.6 % invalid or corrupt records");
    assertThat(page()).contains("data-pipeline=\"data\" data-status=\"data_problem\"");
  }

  @Test
  void thePipelineTakesItsWorstStageInTheDocumentedOrder() throws Exception {
    // running < data problem < over SLA < stalled < failed, one stage added at a time.
    post("{\"type\":\"stage_started\",\"pipeline\":\"o\",\"stage\":\"a\",\"time\":@T-1}");
    assertThat(pipeline("o").path("status").asText()).isEqualTo("running");
    post(
        """
        [{"type":"stage_started","pipeline":"o","stage":"b","time":@T-5},
         {"type":"records","pipeline":"o","stage":"b","processed":1,"corrupt":1},
         {"type":"stage_finished","pipeline":"o","stage":"b","status":"success","time":@T-4}]
        """);
    assertThat(pipeline("o").path("status").asText()).isEqualTo("data_problem");
    post(
        """
        [{"type":"stage_started","pipeline":"o","stage":"c","time":@T-50},
         {"type":"stage_finished","pipeline":"o","stage":"c","status":"success",
          "duration_seconds":45,"time":@T-5}]
        """);
    // No SLA for an undeclared stage: c is ok, the pipeline stays data_problem.
    assertThat(pipeline("o").path("status").asText()).isEqualTo("data_problem");
    post("{\"type\":\"stage_started\",\"pipeline\":\"o\",\"stage\":\"d\",\"time\":@T-900}");
    JsonNode p = pipeline("o");
    assertThat(p.path("status").asText()).isEqualTo("stalled");
    assertThat(p.path("stages").path("d").path("health").asText()).isEqualTo("stalled");
    post(
        """
        [{"type":"stage_started","pipeline":"o","stage":"e","time":@T-3},
         {"type":"stage_finished","pipeline":"o","stage":"e","status":"failure","exit_code":1,
          "time":@T-2}]
        """);
    p = pipeline("o");
    assertThat(p.path("status").asText()).isEqualTo("failed");
    assertThat(p.path("problems").toString()).contains("o/e: failed (exit code 1)");
  }

  @Test
  void aStartResetsWhatBelongsToOneRunAndKeepsHistory() throws Exception {
    post(
        """
        [{"type":"stage_started","pipeline":"slow","stage":"train","time":@T-300},
         {"type":"heartbeat","pipeline":"slow","stage":"train","progress":1.0,"time":@T-260},
         {"type":"stage_finished","pipeline":"slow","stage":"train","status":"success","time":@T-250}]
        """);
    JsonNode before = pipeline("slow").path("stages").path("train");
    assertThat(before.path("over_sla").asBoolean()).isTrue();
    assertThat(before.path("progress").asDouble()).isEqualTo(1.0);

    post("{\"type\":\"stage_started\",\"pipeline\":\"slow\",\"stage\":\"train\",\"time\":@T-2}");
    JsonNode s = pipeline("slow").path("stages").path("train");
    assertThat(s.path("health").asText()).isEqualTo("running");
    assertThat(s.has("progress")).as(s.toString()).isFalse();
    assertThat(s.path("over_sla").asBoolean()).as(s.toString()).isFalse();
    assertThat(s.path("duration_seconds").asDouble()).isBetween(1.0, 30.0);
    // History stays.
    assertThat(s.path("last_success").asDouble()).isEqualTo(before.path("last_success").asDouble());
    assertThat(s.path("last_duration_seconds").asDouble()).isEqualTo(50.0);
    assertThat(s.path("runs").path("success").asDouble()).isEqualTo(1.0);
    String row = page().lines().filter(l -> l.contains("data-stage=\"train\"")).findFirst().get();
    assertThat(row).doesNotContain("100 %").doesNotContain("50 s /").contains("badge running");
  }

  @Test
  void eachModelMetricKeepsTheVersionItWasReportedFor() throws Exception {
    post(
        """
        {"type":"model_metric","pipeline":"m","model":"xgb","version":"v1","metric":"accuracy",
         "value":0.8,"role":"candidate"}
        """);
    post(
        """
        {"type":"model_metric","pipeline":"m","model":"xgb","version":"v2","metric":"auc",
         "value":0.91,"role":"candidate"}
        """);
    JsonNode candidate = pipeline("m").path("models").path("xgb").path("candidate");
    assertThat(candidate.path("version").asText()).isEqualTo("v2");
    assertThat(candidate.path("metrics").path("accuracy").path("version").asText()).isEqualTo("v1");
    assertThat(candidate.path("metrics").path("auc").path("version").asText()).isEqualTo("v2");
    assertThat(page())
        .contains("0.8000 <span class=\"muted\">v1</span>")
        .contains("0.9100 <span class=\"muted\">v2</span>");
    // A later report of the same metric moves it to its version.
    post(
        """
        {"type":"model_metric","pipeline":"m","model":"xgb","version":"v2","metric":"accuracy",
         "value":0.85,"role":"candidate"}
        """);
    assertThat(
            pipeline("m")
                .path("models")
                .path("xgb")
                .path("candidate")
                .path("metrics")
                .path("accuracy")
                .path("version")
                .asText())
        .isEqualTo("v2");
    // The bookkeeping is never exposed.
    assertThat(Http.get(base + "/metrics").body()).doesNotContain("__model_metric_version");
  }

  @Test
  void theLastFailuresErrorIsShownUntilTheStageRunsAgain() throws Exception {
    post(
        """
        [{"type":"stage_started","pipeline":"e","stage":"train","time":@T-20},
         {"type":"stage_finished","pipeline":"e","stage":"train","status":"failure","exit_code":1,
          "error":"Traceback (most recent call last):\\nRuntimeError: CUDA out of memory",
          "time":@T-10}]
        """);
    JsonNode s = pipeline("e").path("stages").path("train");
    assertThat(s.path("last_error").asText()).endsWith("RuntimeError: CUDA out of memory");
    assertThat(page()).contains("RuntimeError: CUDA out of memory");
    assertThat(Http.get(base + "/metrics").body()).doesNotContain("CUDA");

    post("{\"type\":\"stage_started\",\"pipeline\":\"e\",\"stage\":\"train\",\"time\":@T-5}");
    assertThat(pipeline("e").path("stages").path("train").has("last_error")).isFalse();
    // A failure and a start in one request: the start clears it as well.
    post(
        """
        [{"type":"stage_finished","pipeline":"e","stage":"train","status":"failure","error":"x",
          "time":@T-4},
         {"type":"stage_started","pipeline":"e","stage":"train","time":@T-3},
         {"type":"stage_finished","pipeline":"e","stage":"train","status":"failure","error":"y",
          "time":@T-2}]
        """);
    assertThat(pipeline("e").path("stages").path("train").path("last_error").asText())
        .isEqualTo("y");
    post(
        """
        [{"type":"stage_started","pipeline":"e","stage":"train","time":@T-1},
         {"type":"stage_finished","pipeline":"e","stage":"train","status":"success"}]
        """);
    assertThat(pipeline("e").path("stages").path("train").has("last_error")).isFalse();
  }

  @Test
  void pushedGroupsNamingAPipelineShowUnderIt() throws Exception {
    byte[] body = "# TYPE loss gauge\nloss 0.3\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(
            Http.send(
                    "PUT",
                    base + "/metrics/job/trainer/pipeline/p/stage/train",
                    java.util.Map.of(),
                    body)
                .status())
        .isEqualTo(200);
    // Without a pipeline label a group stays generic: on /metrics only.
    assertThat(Http.send("PUT", base + "/metrics/job/other", java.util.Map.of(), body).status())
        .isEqualTo(200);
    JsonNode g = pipeline("p").path("pushed");
    assertThat(g).hasSize(1);
    assertThat(g.path(0).path("grouping_key").path("job").asText()).isEqualTo("trainer");
    assertThat(g.path(0).path("stage").asText()).isEqualTo("train");
    assertThat(g.path(0).path("families").toString()).isEqualTo("[\"loss\"]");
    assertThat(g.path(0).path("last_push").asDouble()).isGreaterThan(now - 60);
    // A pushed group neither makes a stage nor changes the status.
    assertThat(pipeline("p").path("stages").isMissingNode()).isTrue();
    assertThat(pipeline("p").path("status").asText()).isEqualTo("unknown");
    assertThat(Http.get(base + "/api/v1/pipelines").body()).doesNotContain("\"job\":\"other\"");
  }
}
