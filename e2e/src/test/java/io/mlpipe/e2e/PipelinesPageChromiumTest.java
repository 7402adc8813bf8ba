package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlpipe.testing.Http;
import io.mlpipe.testing.Wait;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /pipelines} in real headless Chromium, with the demo running and churn/train failing: the
 * page shows the demo's pipelines and the failed stage as failed. The screenshot stays in
 * e2e/target/pipelines.png (docs/pipelines.png is a copy of one).
 */
class PipelinesPageChromiumTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HOSTILE =
      "\"'><img src=x onerror=document.title='pwned'><script>document.title='pwned'</script>";

  @TempDir Path dir;

  @Test
  void showsTheDemosPipelinesAndAFailedStage() throws Exception {
    try (DemoRig rig = DemoRig.start(dir, 600, "stage-failure")) {
      Wait.until(
          "churn/train failed and recsys trained",
          Duration.ofSeconds(40),
          () ->
              rig.stage("churn", "train").path("status").asText().equals("failure")
                  && rig.pipeline("recsys").has("models"));
      // A value that breaks out of text and attribute contexts unless escaped, pushed as a model
      // name and version: the page must show it as text and create no element from it.
      String event =
          JSON.writeValueAsString(
              Map.of(
                  "type", "model_metric",
                  "pipeline", "churn",
                  "model", HOSTILE,
                  "version", HOSTILE,
                  "metric", "auc",
                  "value", 0.5,
                  "role", "candidate"));
      Http.Response pushed =
          Http.post(rig.agent.url() + "/api/v1/events", "application/json", event);
      assertThat(pushed.status()).as(pushed.body()).isEqualTo(202);
      String url = rig.agent.url() + "/pipelines";
      Chromium chromium = new Chromium(dir);
      Chromium.Run run = chromium.dumpDom(url);
      // No console message: no CSP violation (the inline style applies), no script error.
      Chromium.assertQuietConsole(run);
      String dom = run.stdout();
      assertThat(dom)
          .contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;")
          .doesNotContain("<img", "pwned</title>");
      assertThat(dom)
          .contains("id=\"pipeline-churn\"", "id=\"pipeline-recsys\"", "id=\"pipeline-fraud\"");
      assertThat(dom)
          .contains(
              "data-pipeline=\"churn\" data-stage=\"train\" data-status=\"failure\"",
              ">failed</span>",
              "churn/train: failed");
      assertThat(dom).doesNotContain("<script");
      assertThat(dom).contains("http-equiv=\"refresh\"");
      chromium.screenshot(url, Path.of("target", "pipelines.png"), 1280, 900);
    }
  }
}
