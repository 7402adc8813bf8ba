package io.mlpipe.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlpipe.Agent;
import io.mlpipe.AgentOptions;
import io.mlpipe.config.ConfigHolder;
import io.mlpipe.testing.Http;
import io.mlpipe.testing.PipelineEventFixtures;
import io.mlpipe.testing.Promtool;
import io.mlpipe.testing.Wait;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code POST /api/v1/events} through HTTP against an in-process agent. */
class EventsApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  static final String CONFIG = PipelineEventFixtures.config("run_info_ttl: 1s");

  @TempDir Path dir;
  private Agent agent;
  private String base;

  @BeforeEach
  void start() throws Exception {
    agent = start(CONFIG);
    base = "http://127.0.0.1:" + agent.port();
  }

  private Agent start(String config) throws Exception {
    Path file = Files.createTempFile(dir, "mlpipe", ".yml");
    Files.writeString(file, config);
    return Agent.start(
        AgentOptions.forTest(Files.createTempDirectory(dir, "data"))
            .withConfig(ConfigHolder.load(file)));
  }

  @AfterEach
  void stop() throws Exception {
    agent.close();
  }

  private Http.Response post(String body) {
    return Http.post(base + "/api/v1/events", "application/json", body);
  }

  private String metrics() {
    return Http.get(base + "/metrics").body();
  }

  /** The value of the one sample whose line starts with {@code series} (name and labels). */
  private Double value(String series) {
    return Http.sampleValue(base, series);
  }

  private static List<JsonNode> errors(Http.Response r) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    JSON.readTree(r.body()).path("errors").forEach(out::add);
    return out;
  }

  @Test
  void everyEventTypeProducesTheDocumentedSeriesWithTheirTypesAndLabels() throws Exception {
    Http.Response r = post(PipelineEventFixtures.EVERY_TYPE);
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    assertThat(JSON.readTree(r.body()).path("accepted").asInt()).isEqualTo(10);
    String text = metrics();
    Map<String, String> types = new LinkedHashMap<>();
    Map<String, Set<String>> labels = new LinkedHashMap<>();
    Pattern type = Pattern.compile("^# TYPE (\\S+) (\\S+)$");
    Pattern sample = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? \\S+$");
    for (String l : text.lines().toList()) {
      Matcher m = type.matcher(l);
      if (m.matches()) {
        types.put(m.group(1), m.group(2));
        continue;
      }
      m = sample.matcher(l);
      if (m.matches() && m.group(3) != null) {
        Set<String> names = new TreeSet<>();
        for (String pair : m.group(3).split(",(?=[a-zA-Z_]+=\")")) {
          names.add(pair.substring(0, pair.indexOf('=')));
        }
        names.remove("le");
        String name = m.group(1).replaceAll("_(bucket|sum|count)$", "");
        labels.putIfAbsent(name, names);
      }
    }
    for (PipelineEventFixtures.Family f : PipelineEventFixtures.DOCUMENTED) {
      String name = f.name();
      String typeName = types.containsKey(name) ? name : name.replaceAll("_total$", "");
      assertThat(types.get(typeName)).as("TYPE of " + name).isEqualTo(f.type());
      assertThat(labels.get(name)).as("labels of " + name).isEqualTo(f.labels());
    }
    assertThat(text)
        .contains(
            "mlpipe_stage_runs_total{pipeline=\"churn\",stage=\"train\",status=\"success\"} 1.0")
        .contains(
            "mlpipe_stage_runs_total{pipeline=\"churn\",stage=\"train\",status=\"failure\"} 0.0")
        .contains("mlpipe_stage_cpu_seconds_total{pipeline=\"churn\",stage=\"train\"} 12.5")
        .contains(
            "mlpipe_stage_records_total{outcome=\"invalid\",pipeline=\"churn\",stage=\"train\"} 3.0")
        .contains("mlpipe_training_loss{model=\"xgb\",pipeline=\"churn\",split=\"validation\"} NaN")
        .contains(
            "mlpipe_data_newest_record_timestamp_seconds{dataset=\"customers\",pipeline=\"churn\"}"
                + " 1.767323045E9")
        .contains(
            "mlpipe_run_info{host=\"gpu1\",pipeline=\"churn\",run_id=\"r1\",stage=\"train\"} 1.0")
        .contains("rows_loaded_total{pipeline=\"churn\",stage=\"train\",table=\"users\"} 5.0")
        .contains("feature_count{pipeline=\"churn\"} 42.0");
    // promtool is clean, apart from lints on the names users chose for their own metrics.
    assertThat(
            Promtool.metricProblems(text).stream()
                .filter(l -> !l.startsWith("rows_loaded_total") && !l.startsWith("feature_count"))
                .toList())
        .isEmpty();
  }

  @Test
  void aRetryWithTheSameIdCountsOnce() {
    String e =
        "{\"type\":\"records\",\"pipeline\":\"p\",\"stage\":\"s\",\"processed\":10,\"id\":\"b-1\"}";
    assertThat(post(e).status()).isEqualTo(202);
    assertThat(post(e).status()).isEqualTo(202);
    assertThat(post("[" + e + "," + e + "]").status()).isEqualTo(202);
    assertThat(
            value("mlpipe_stage_records_total{outcome=\"processed\",pipeline=\"p\",stage=\"s\"}"))
        .isEqualTo(10.0);
    String finished =
        "{\"type\":\"stage_finished\",\"pipeline\":\"p\",\"stage\":\"s\",\"status\":\"failure\","
            + "\"cpu_seconds\":2,\"id\":\"f-1\"}";
    post(finished);
    post(finished);
    assertThat(value("mlpipe_stage_runs_total{pipeline=\"p\",stage=\"s\",status=\"failure\"}"))
        .isEqualTo(1.0);
    assertThat(value("mlpipe_stage_cpu_seconds_total{pipeline=\"p\",stage=\"s\"}")).isEqualTo(2.0);
    // Without an id, every request counts.
    String anonymous = "{\"type\":\"records\",\"pipeline\":\"p\",\"stage\":\"s\",\"invalid\":1}";
    post(anonymous);
    post(anonymous);
    assertThat(value("mlpipe_stage_records_total{outcome=\"invalid\",pipeline=\"p\",stage=\"s\"}"))
        .isEqualTo(2.0);
  }

  @Test
  void aBatchWithBadEventsAppliesNothingAndListsEveryProblem() throws Exception {
    Http.Response r =
        post(
            """
            [{"type":"records","pipeline":"p","stage":"s","processed":10},
             {"type":"records","pipeline":"p","stage":"s","processed":-1},
             {"type":"stage_finished","pipeline":"p","stage":"s","status":"done"},
             {"type":"drift","pipeline":"p","feature":"f"}]
            """);
    assertThat(r.status()).isEqualTo(400);
    assertThat(errors(r))
        .extracting(e -> e.path("index").asInt() + ":" + e.path("field").asText())
        .containsExactly("1:processed", "2:status", "3:score");
    assertThat(metrics()).doesNotContain("mlpipe_stage_records_total{");
  }

  @Test
  void ndjsonCarriesOneEventPerLine() throws Exception {
    String body =
        """
        {"type":"records","pipeline":"p","stage":"s","processed":1}

        {"type":"records","pipeline":"p","stage":"s","processed":2}
        {"type":"heartbeat","pipeline":"p","stage":"s","progress":0.25}
        """;
    Http.Response r = Http.post(base + "/api/v1/events", "application/x-ndjson", body);
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    assertThat(JSON.readTree(r.body()).path("accepted").asInt()).isEqualTo(3);
    assertThat(
            value("mlpipe_stage_records_total{outcome=\"processed\",pipeline=\"p\",stage=\"s\"}"))
        .isEqualTo(3.0);
    assertThat(value("mlpipe_stage_progress_ratio{pipeline=\"p\",stage=\"s\"}")).isEqualTo(0.25);

    Http.Response bad =
        Http.post(
            base + "/api/v1/events",
            "application/x-ndjson",
            "{\"type\":\"records\",\"pipeline\":\"p\",\"stage\":\"s\",\"processed\":1}\n{oops\n");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(errors(bad).get(0).path("index").asInt()).isEqualTo(1);
    assertThat(errors(bad).get(0).path("message").asText()).contains("line 2");
  }

  @Test
  void undeclaredPipelinesAre404WhenDeclarationIsRequired() throws Exception {
    try (Agent strict =
        start("pipelines:\n  require_declared: true\n  declared:\n    churn: {team: growth}\n")) {
      String url = "http://127.0.0.1:" + strict.port() + "/api/v1/events";
      Http.Response r =
          Http.post(
              url,
              "application/json",
              "[{\"type\":\"heartbeat\",\"pipeline\":\"churn\",\"stage\":\"s\"},"
                  + "{\"type\":\"heartbeat\",\"pipeline\":\"other\",\"stage\":\"s\"}]");
      assertThat(r.status()).isEqualTo(404);
      assertThat(errors(r))
          .extracting(e -> e.path("index").asInt() + ":" + e.path("field").asText())
          .containsExactly("1:pipeline");
      assertThat(
              Http.post(
                      url,
                      "application/json",
                      "{\"type\":\"heartbeat\",\"pipeline\":\"churn\",\"stage\":\"s\"}")
                  .status())
          .isEqualTo(202);
    }
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "invalid JSON           | {\"type\":                                                                       | ``",
        "not an object          | [1]                                                                              | ``",
        "missing type           | {\"pipeline\":\"p\",\"stage\":\"s\"}                                             | type",
        "unknown type           | {\"type\":\"started\",\"pipeline\":\"p\",\"stage\":\"s\"}                        | type",
        "missing pipeline       | {\"type\":\"heartbeat\",\"stage\":\"s\"}                                         | pipeline",
        "empty pipeline         | {\"type\":\"heartbeat\",\"pipeline\":\"\",\"stage\":\"s\"}                       | pipeline",
        "pipeline not a string  | {\"type\":\"heartbeat\",\"pipeline\":7,\"stage\":\"s\"}                          | pipeline",
        "missing stage          | {\"type\":\"heartbeat\",\"pipeline\":\"p\"}                                      | stage",
        "control character      | {\"type\":\"heartbeat\",\"pipeline\":\"p\",\"stage\":\"a\\u0007b\"}              | stage",
        "bad time               | {\"type\":\"heartbeat\",\"pipeline\":\"p\",\"stage\":\"s\",\"time\":\"yesterday\"} | time",
        "unknown field          | {\"type\":\"heartbeat\",\"pipeline\":\"p\",\"stage\":\"s\",\"colour\":\"red\"}   | colour",
        "unknown status         | {\"type\":\"stage_finished\",\"pipeline\":\"p\",\"stage\":\"s\",\"status\":\"ok\"} | status",
        "missing status         | {\"type\":\"stage_finished\",\"pipeline\":\"p\",\"stage\":\"s\"}                 | status",
        "negative duration      | {\"type\":\"stage_finished\",\"pipeline\":\"p\",\"stage\":\"s\",\"status\":\"success\",\"duration_seconds\":-1} | duration_seconds",
        "fractional exit code   | {\"type\":\"stage_finished\",\"pipeline\":\"p\",\"stage\":\"s\",\"status\":\"success\",\"exit_code\":1.5} | exit_code",
        "progress over 1        | {\"type\":\"heartbeat\",\"pipeline\":\"p\",\"stage\":\"s\",\"progress\":1.5}     | progress",
        "count as a string      | {\"type\":\"records\",\"pipeline\":\"p\",\"stage\":\"s\",\"processed\":\"10\"}   | processed",
        "negative count         | {\"type\":\"records\",\"pipeline\":\"p\",\"stage\":\"s\",\"invalid\":-3}         | invalid",
        "fractional records     | {\"type\":\"records\",\"pipeline\":\"p\",\"stage\":\"s\",\"processed\":1.5}     | processed",
        "fractional violations  | {\"type\":\"data_quality\",\"pipeline\":\"p\",\"stage\":\"s\",\"dataset\":\"d\",\"schema_violations\":{\"c\":0.5}} | schema_violations.c",
        "no counts              | {\"type\":\"records\",\"pipeline\":\"p\",\"stage\":\"s\"}                        | processed",
        "ratio below 0          | {\"type\":\"data_quality\",\"pipeline\":\"p\",\"stage\":\"s\",\"dataset\":\"d\",\"missing_values_ratio\":-0.1} | missing_values_ratio",
        "negative violations    | {\"type\":\"data_quality\",\"pipeline\":\"p\",\"stage\":\"s\",\"dataset\":\"d\",\"schema_violations\":{\"c\":-1}} | schema_violations.c",
        "empty dataset          | {\"type\":\"data_quality\",\"pipeline\":\"p\",\"stage\":\"s\",\"dataset\":\"\"}   | dataset",
        "infinite score         | {\"type\":\"drift\",\"pipeline\":\"p\",\"feature\":\"f\",\"score\":Infinity}      | score",
        "loss not a number      | {\"type\":\"training\",\"pipeline\":\"p\",\"model\":\"m\",\"loss\":{\"train\":\"low\"}} | loss.train",
        "unknown role           | {\"type\":\"model_metric\",\"pipeline\":\"p\",\"model\":\"m\",\"version\":\"1\",\"metric\":\"auc\",\"value\":1,\"role\":\"shadow\"} | role",
        "unknown metric kind    | {\"type\":\"metric\",\"pipeline\":\"p\",\"name\":\"x\",\"value\":1,\"kind\":\"summary\"} | kind",
        "counter without _total | {\"type\":\"metric\",\"pipeline\":\"p\",\"name\":\"x\",\"value\":1,\"kind\":\"counter\"} | name",
        "bad metric name        | {\"type\":\"metric\",\"pipeline\":\"p\",\"name\":\"1x\",\"value\":1}             | name",
        "agent's own name       | {\"type\":\"metric\",\"pipeline\":\"p\",\"name\":\"mlpipe_x\",\"value\":1}       | name",
        "a host collector's name| {\"type\":\"metric\",\"pipeline\":\"p\",\"name\":\"node_cpu_seconds_total\",\"kind\":\"counter\",\"value\":1} | name",
        "reserved label         | {\"type\":\"metric\",\"pipeline\":\"p\",\"name\":\"x\",\"value\":1,\"labels\":{\"stage\":\"s\"}} | labels.stage",
      })
  void malformedEventsAre400WithTheField(String what, String body, String field) throws Exception {
    Http.Response r = post(body);
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(errors(r)).extracting(e -> e.path("field").asText()).contains(field);
    assertThat(errors(r)).allSatisfy(e -> assertThat(e.path("message").asText()).isNotBlank());
  }

  @Test
  void aFinishWithoutItsStartLeavesNoNegativeRunningCount() {
    // The start was lost (a client that gave up on a slow agent): running stays at 0, not -1.
    post("{\"type\":\"stage_finished\",\"pipeline\":\"p\",\"stage\":\"s\",\"status\":\"success\"}");
    assertThat(value("mlpipe_stage_running{pipeline=\"p\",stage=\"s\"}")).isEqualTo(0.0);
    post("{\"type\":\"stage_started\",\"pipeline\":\"p\",\"stage\":\"s\"}");
    assertThat(value("mlpipe_stage_running{pipeline=\"p\",stage=\"s\"}")).isEqualTo(1.0);
  }

  @Test
  void runInfoExpiresAfterItsTtl() {
    post(
        "{\"type\":\"stage_started\",\"pipeline\":\"p\",\"stage\":\"s\",\"run_id\":\"r9\",\"host\":\"h\"}");
    String series = "mlpipe_run_info{host=\"h\",pipeline=\"p\",run_id=\"r9\",stage=\"s\"}";
    assertThat(metrics()).contains(series);
    Wait.until(
        "mlpipe_run_info to expire", Duration.ofSeconds(10), () -> !metrics().contains(series));
    // The stage's own series stay.
    assertThat(value("mlpipe_stage_running{pipeline=\"p\",stage=\"s\"}")).isEqualTo(1.0);
  }

  @Test
  void durationComesFromTheMatchingStart() {
    // By run id: two overlapping runs of one stage.
    post(
        """
        [{"type":"stage_started","pipeline":"p","stage":"a","run_id":"r1","time":1000},
         {"type":"stage_started","pipeline":"p","stage":"a","run_id":"r2","time":1010}]
        """);
    post(
        "{\"type\":\"stage_finished\",\"pipeline\":\"p\",\"stage\":\"a\",\"run_id\":\"r1\","
            + "\"status\":\"success\",\"time\":1042}");
    assertThat(value("mlpipe_stage_last_duration_seconds{pipeline=\"p\",stage=\"a\"}"))
        .isEqualTo(42.0);
    post(
        "{\"type\":\"stage_finished\",\"pipeline\":\"p\",\"stage\":\"a\",\"run_id\":\"r2\","
            + "\"status\":\"success\",\"time\":1017}");
    assertThat(value("mlpipe_stage_last_duration_seconds{pipeline=\"p\",stage=\"a\"}"))
        .isEqualTo(7.0);
    assertThat(value("mlpipe_stage_duration_seconds_sum{pipeline=\"p\",stage=\"a\"}"))
        .isEqualTo(49.0);

    // Without a run id: the stage's last start, while a run is in progress.
    post("{\"type\":\"stage_started\",\"pipeline\":\"p\",\"stage\":\"b\",\"time\":2000}");
    post(
        "{\"type\":\"stage_finished\",\"pipeline\":\"p\",\"stage\":\"b\",\"status\":\"failure\","
            + "\"time\":2005.5}");
    assertThat(value("mlpipe_stage_last_duration_seconds{pipeline=\"p\",stage=\"b\"}"))
        .isEqualTo(5.5);
    // A finish without any start has no duration; an explicit one wins.
    post("{\"type\":\"stage_finished\",\"pipeline\":\"p\",\"stage\":\"b\",\"status\":\"failure\"}");
    assertThat(value("mlpipe_stage_duration_seconds_count{pipeline=\"p\",stage=\"b\"}"))
        .isEqualTo(1.0);
    post(
        "{\"type\":\"stage_finished\",\"pipeline\":\"p\",\"stage\":\"b\",\"status\":\"success\","
            + "\"duration_seconds\":3}");
    assertThat(value("mlpipe_stage_last_duration_seconds{pipeline=\"p\",stage=\"b\"}"))
        .isEqualTo(3.0);
    // A start and its finish in one request.
    post(
        """
        [{"type":"stage_started","pipeline":"p","stage":"c","run_id":"x","time":100},
         {"type":"stage_finished","pipeline":"p","stage":"c","run_id":"x","status":"success","time":160}]
        """);
    assertThat(value("mlpipe_stage_last_duration_seconds{pipeline=\"p\",stage=\"c\"}"))
        .isEqualTo(60.0);
  }
}
