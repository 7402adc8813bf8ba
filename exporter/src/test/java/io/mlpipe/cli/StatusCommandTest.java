package io.mlpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlpipe.Agent;
import io.mlpipe.AgentOptions;
import io.mlpipe.testing.Http;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code mlpipe status} against an in-process agent: the same document as the API. */
class StatusCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private Agent agent;
  private String base;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void start() throws Exception {
    agent = Agent.start(AgentOptions.forTest(dir));
    base = "http://127.0.0.1:" + agent.port();
    Http.Response r =
        Http.post(
            base + "/api/v1/events",
            "application/json",
            """
            [{"type":"stage_started","pipeline":"churn","stage":"train"},
             {"type":"stage_finished","pipeline":"churn","stage":"train","status":"failure",
              "duration_seconds":3},
             {"type":"stage_started","pipeline":"recsys","stage":"ingest"}]
            """);
    assertThat(r.status()).as(r.body()).isEqualTo(202);
  }

  @AfterEach
  void stop() throws Exception {
    agent.close();
  }

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  /** The document without the fields that move with the clock between two reads. */
  private static JsonNode stable(String text) throws Exception {
    String s =
        text.replaceAll(
            "\"(heartbeat_age_seconds|duration_seconds)\"\\s*:\\s*[0-9.E-]+", "\"$1\":0");
    return JSON.readTree(s);
  }

  @Test
  void jsonIsTheApisDocument() throws Exception {
    assertThat(run("status", "--agent", base, "--json")).as(err.toString()).isZero();
    JsonNode printed = stable(out.toString());
    JsonNode api = stable(Http.get(base + "/api/v1/pipelines").body());
    assertThat(printed.path("status").asText()).isEqualTo("success");
    assertThat(printed.path("data").isArray()).isTrue();
    assertThat(printed).isEqualTo(api);
  }

  @Test
  void pipelineShowsOnlyThatPipeline() throws Exception {
    assertThat(run("status", "--agent", base, "--pipeline", "churn")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("churn     failed").doesNotContain("recsys");

    out.getBuffer().setLength(0);
    assertThat(run("status", "--agent", base, "--pipeline", "recsys", "--json")).isZero();
    assertThat(stable(out.toString()))
        .isEqualTo(stable(Http.get(base + "/api/v1/pipelines/recsys").body()));

    assertThat(run("status", "--agent", base, "--pipeline", "nope")).isEqualTo(1);
    assertThat(err.toString()).contains("no pipeline named 'nope'");
  }

  @Test
  void forgetDropsAPipelineAndSaysSo() throws Exception {
    assertThat(run("forget", "--agent", base, "--pipeline", "recsys")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("forgot pipeline recsys: 1 groups deleted");
    assertThat(Http.get(base + "/api/v1/pipelines/recsys").status()).isEqualTo(404);
    assertThat(run("forget", "--agent", base, "--pipeline", "recsys")).isEqualTo(1);
    assertThat(err.toString()).contains("no data of a pipeline named 'recsys'");
  }
}
