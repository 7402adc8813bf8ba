package io.mlpipe.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.Agent;
import io.mlpipe.AgentOptions;
import io.mlpipe.config.ConfigHolder;
import io.mlpipe.testing.Http;
import io.mlpipe.testing.Promtool;
import io.mlpipe.testing.Wait;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Pushgateway-compatible API through HTTP, against an in-process agent. */
class PushApiTest {

  @TempDir Path dir;
  private Agent agent;
  private String base;

  @BeforeEach
  void start() throws Exception {
    Path config = dir.resolve("mlpipe.yml");
    Files.writeString(
        config,
        """
        limits:
          max_series_per_group: 5
          max_labels_per_series: 6
          max_label_value_length: 20
          max_body_bytes: 2000
        push:
          job_ttl:
            shortlived: 1s
        """);
    agent =
        Agent.start(
            AgentOptions.forTest(dir.resolve("data")).withConfig(ConfigHolder.load(config)));
    base = "http://127.0.0.1:" + agent.port();
  }

  @AfterEach
  void stop() throws Exception {
    agent.close();
  }

  private Http.Response push(String method, String path, String body) {
    return Http.send(
        method,
        base + "/metrics/" + path,
        Map.of("Content-Type", "text/plain; version=0.0.4"),
        body.getBytes(StandardCharsets.UTF_8));
  }

  /** The stored series as exposed, without the push time bookkeeping. */
  private String stored() {
    return Http.get(base + "/metrics")
        .body()
        .lines()
        .filter(l -> !l.startsWith("#") && l.contains("job=\""))
        .filter(l -> !l.startsWith("push_"))
        .sorted()
        .collect(Collectors.joining("\n"));
  }

  @Test
  void putReplacesPostMergesDeleteRemoves() {
    assertThat(push("PUT", "job/train/instance/gpu1", "a 1\nb 2\n").status()).isEqualTo(200);
    assertThat(stored())
        .isEqualTo(
            "a{instance=\"gpu1\",job=\"train\"} 1.0\nb{instance=\"gpu1\",job=\"train\"} 2.0");

    assertThat(push("POST", "job/train/instance/gpu1", "b 3\nc 4\n").status()).isEqualTo(200);
    assertThat(stored())
        .isEqualTo(
            "a{instance=\"gpu1\",job=\"train\"} 1.0\nb{instance=\"gpu1\",job=\"train\"} 3.0\nc{instance=\"gpu1\",job=\"train\"} 4.0");

    assertThat(push("PUT", "job/train/instance/gpu1", "c 5\n").status()).isEqualTo(200);
    assertThat(stored()).isEqualTo("c{instance=\"gpu1\",job=\"train\"} 5.0");

    assertThat(
            Http.send("DELETE", base + "/metrics/job/train/instance/gpu1", Map.of(), null).status())
        .isEqualTo(202);
    assertThat(stored()).isEmpty();
  }

  @Test
  void theGroupingKeyWinsAndInstanceIsEmptyWhenNotInTheKey() {
    push("PUT", "job/etl", "rows{job=\"other\",table=\"t\"} 10\n");
    assertThat(stored()).isEqualTo("rows{instance=\"\",job=\"etl\",table=\"t\"} 10.0");
    String text = Http.get(base + "/metrics").body();
    assertThat(text)
        .containsPattern("push_time_seconds\\{instance=\"\",job=\"etl\"} 1\\.[0-9.]+E9");
    assertThat(text).contains("push_failure_time_seconds{instance=\"\",job=\"etl\"} 0.0");
  }

  @Test
  void base64SegmentsCarrySlashesAndEmptyValues() {
    assertThat(push("PUT", "job@base64/L3Zhci90bXA/path@base64/=", "q 1\n").status())
        .isEqualTo(200);
    assertThat(stored()).isEqualTo("q{instance=\"\",job=\"/var/tmp\",path=\"\"} 1.0");
  }

  @Test
  void histogramsAndSummariesRoundTrip() {
    push(
        "PUT",
        "job/h",
        """
        # TYPE lat histogram
        lat_bucket{le="0.1"} 1
        lat_bucket{le="1"} 3
        lat_bucket{le="+Inf"} 4
        lat_sum 2.5
        lat_count 4
        # TYPE rpc summary
        rpc{quantile="0.5"} 0.2
        rpc_sum 3
        rpc_count 10
        """);
    String text = Http.get(base + "/metrics").body();
    assertThat(text)
        .contains("lat_bucket{instance=\"\",job=\"h\",le=\"1.0\"} 3")
        .contains("lat_bucket{instance=\"\",job=\"h\",le=\"+Inf\"} 4")
        .contains("lat_sum{instance=\"\",job=\"h\"} 2.5")
        .contains("rpc{instance=\"\",job=\"h\",quantile=\"0.5\"} 0.2")
        .contains("rpc_count{instance=\"\",job=\"h\"} 10");
    assertThat(Promtool.metricProblems(text)).isEmpty();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "parse error           | 400 | 'x{ 1'                                  | text format parsing error in line 1",
        "timestamp             | 400 | 'x 1 123'                               | must not have timestamps",
        "duplicate series      | 400 | 'x 1\\nx 2'                            | was collected before with the same name and label values",
        "type conflict         | 400 | '# TYPE kept gauge\\nkept 1'           | kept is a COUNTER in another group, not a GAUGE",
        "reserved name         | 400 | 'push_time_seconds 1'                   | is reserved",
        "agent's own name      | 400 | 'mlpipe_exporter_build_info 1'          | is exposed by the agent itself",
        "own counter, wire name| 400 | '# TYPE mlpipe_exporter_groups_expired_total counter\\nmlpipe_exporter_groups_expired_total 1' | is exposed by the agent itself",
        "own counter as gauge  | 400 | 'mlpipe_exporter_groups_expired_total 1' | is exposed by the agent itself",
        "stage state, untyped  | 400 | 'mlpipe_stage_running{pipeline=\"zzz\",stage=\"train\"} 1' | every mlpipe_* name is the agent's own",
        "stage state, typed    | 400 | '# TYPE mlpipe_stage_running gauge\nmlpipe_stage_running{pipeline=\"zzz\",stage=\"train\"} 1' | every mlpipe_* name is the agent's own",
        "model histogram       | 400 | '# TYPE mlpipe_stage_duration_seconds histogram\nmlpipe_stage_duration_seconds_bucket{le=\"+Inf\"} 1\nmlpipe_stage_duration_seconds_count 1\nmlpipe_stage_duration_seconds_sum 1' | every mlpipe_* name is the agent's own",
        "model counter         | 400 | 'mlpipe_stage_runs_total{status=\"success\"} 1' | every mlpipe_* name is the agent's own",
        "too many series       | 413 | 'a 1\\nb 1\\nc 1\\nd 1\\ne 1\\nf 1'    | max_series_per_group=5",
        "too many labels       | 413 | 'x{a=\"1\",b=\"1\",c=\"1\",d=\"1\",e=\"1\"} 1' | max_labels_per_series=6",
        "label value too long  | 413 | 'x{a=\"012345678901234567890\"} 1'     | max_label_value_length=20",
        "decreasing buckets    | 400 | '# TYPE hh histogram\\nhh_bucket{le=\"1\"} 5\\nhh_bucket{le=\"+Inf\"} 3' | bucket counts must not decrease",
        "negative counter      | 400 | '# TYPE neg_total counter\\nneg_total -5' | has a negative value -5.0",
        "-Inf counter          | 400 | '# TYPE neg_total counter\\nneg_total -Inf' | has a negative value -Infinity",
        "negative bucket       | 400 | '# TYPE hh histogram\\nhh_bucket{le=\"1\"} -1\\nhh_bucket{le=\"+Inf\"} 3' | counts must be finite and not negative",
        "NaN bucket            | 400 | '# TYPE hh histogram\\nhh_bucket{le=\"1\"} NaN\\nhh_bucket{le=\"+Inf\"} 3' | counts must be finite and not negative",
        "infinite _count       | 400 | '# TYPE hh histogram\\nhh_bucket{le=\"+Inf\"} 3\\nhh_count +Inf' | counts must be finite and not negative",
        "NaN summary count     | 400 | '# TYPE ss summary\\nss_count NaN'      | counts must be finite and not negative",
      })
  void malformedPushesAre4xxAndChangeNothing(String what, int status, String body, String message) {
    assertThat(
            push(
                    "PUT",
                    "job/keep",
                    "# TYPE kept_total counter\nkept_total 1\n# TYPE kept counter\nkept 1\n")
                .status())
        .isEqualTo(200);
    assertThat(push("PUT", "job/victim", "v 1\n").status()).isEqualTo(200);
    String before = stored();

    Http.Response r = push("PUT", "job/victim", body.replace("\\n", "\n") + "\n");
    assertThat(r.status()).isEqualTo(status);
    assertThat(r.header("Content-Type")).startsWith("text/plain");
    assertThat(r.body()).contains(message);
    assertThat(stored()).isEqualTo(before);
  }

  @Test
  void aPushCannotForgeStageStateTheModelAlreadyHolds() {
    Http.Response started =
        Http.post(
            base + "/api/v1/events",
            "application/json",
            "{\"type\":\"stage_started\",\"pipeline\":\"zzz\",\"stage\":\"train\"}");
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    // No # TYPE line: untyped against the model's gauge, refused for whose name it is.
    Http.Response r =
        push("PUT", "job/forger", "mlpipe_stage_running{pipeline=\"zzz\",stage=\"train\"} 5\n");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body()).contains("is the agent's own").doesNotContain("another group");
    assertThat(Http.get(base + "/metrics").body())
        .contains("mlpipe_stage_running{pipeline=\"zzz\",stage=\"train\"} 1.0")
        .doesNotContainPattern("mlpipe_stage_running\\{[^}]*forger");
  }

  @Test
  void scrapesStayUpWhateverWasPushed() {
    // Regression: a negative counter or bucket count used to make every /metrics scrape a 500.
    push("PUT", "job/neg", "# TYPE neg_total counter\nneg_total -5\n");
    push(
        "PUT",
        "job/negb",
        "# TYPE hb histogram\nhb_bucket{le=\"1\"} -1\nhb_bucket{le=\"+Inf\"} 2\n");
    assertThat(push("PUT", "job/ok", "fine 1\n").status()).isEqualTo(200);
    Http.Response r = Http.get(base + "/metrics");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body())
        .contains("fine{instance=\"\",job=\"ok\"} 1.0")
        .doesNotContain("neg_total{");
  }

  @Test
  void aPushWithTimestampsIsAFailedPushAsInPushgateway() {
    // Pushgateway 1.5.1 records push_failure_time_seconds for it (the body parsed, the push is
    // refused); a body that does not parse leaves the group untouched.
    assertThat(push("PUT", "job/ts", "x 1 1000\n").status()).isEqualTo(400);
    assertThat(push("PUT", "job/unparsable", "x{ 1\n").status()).isEqualTo(400);
    String text = Http.get(base + "/metrics").body();
    assertThat(text)
        .containsPattern("push_failure_time_seconds\\{instance=\"\",job=\"ts\"} 1\\.[0-9]+E9")
        .contains("push_time_seconds{instance=\"\",job=\"ts\"} 0.0")
        .doesNotContain("job=\"unparsable\"");
  }

  @Test
  void anOversizedBodyIs413() {
    Http.Response r = push("PUT", "job/big", "x 1\n".repeat(600));
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.body()).contains("max_body_bytes=2000");
    assertThat(Http.get(base + "/metrics").body())
        .contains("mlpipe_exporter_series_rejected_total{reason=\"max_body_bytes\"} 1.0");
  }

  @Test
  void badPathsAre400() {
    assertThat(push("PUT", "job/a/b", "x 1\n").body()).contains("odd number of components");
    assertThat(push("PUT", "job/a/__x/1", "x 1\n").status()).isEqualTo(400);
    assertThat(push("PUT", "nojob/a", "x 1\n").status()).isEqualTo(400);
  }

  @Test
  void jsonApiHasPushgatewaysShape() throws Exception {
    push("PUT", "job/j/instance/i", "# HELP up_ish Something.\n# TYPE up_ish gauge\nup_ish 1\n");
    var json =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(Http.get(base + "/api/v1/metrics").body());
    assertThat(json.get("status").asText()).isEqualTo("success");
    var group = json.get("data").get(0);
    assertThat(group.get("labels").toString()).isEqualTo("{\"instance\":\"i\",\"job\":\"j\"}");
    assertThat(group.get("last_push_successful").asBoolean()).isTrue();
    assertThat(group.get("up_ish").get("type").asText()).isEqualTo("GAUGE");
    assertThat(group.get("up_ish").get("help").asText()).isEqualTo("Something.");
    assertThat(group.get("up_ish").get("metrics").get(0).get("value").asText()).isEqualTo("1");
    assertThat(group.get("push_time_seconds").get("type").asText()).isEqualTo("GAUGE");

    var status =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(Http.get(base + "/api/v1/status").body());
    assertThat(status.get("data").has("build_information")).isTrue();
    assertThat(status.get("data").has("start_time")).isTrue();

    assertThat(Http.send("PUT", base + "/api/v1/admin/wipe", Map.of(), new byte[0]).status())
        .isEqualTo(202);
    assertThat(stored()).isEmpty();
  }

  @Test
  void groupsOfAJobWithATtlExpire() {
    push("PUT", "job/shortlived", "x 1\n");
    push("PUT", "job/forever", "y 1\n");
    Wait.until(
        "the shortlived group to expire",
        Duration.ofSeconds(10),
        () -> !stored().contains("shortlived"));
    assertThat(stored()).contains("job=\"forever\"");
    assertThat(Http.get(base + "/metrics").body())
        .contains("mlpipe_exporter_groups_expired_total 1.0");
  }

  @Test
  void seriesCountBySource() {
    push("PUT", "job/a", "x 1\ny 2\n");
    assertThat(Http.get(base + "/metrics").body())
        .contains("mlpipe_exporter_series{source=\"push\"} 2.0")
        .contains("mlpipe_exporter_series{source=\"events\"} 0.0");
  }
}
