package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.testing.AgentProcess;
import io.mlpipe.testing.Http;
import io.mlpipe.testing.ManagedProcess;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** examples/python/ run with Debian's python3 against the packaged agent. */
class PythonExamplesTest {

  @TempDir static Path dir;
  private static AgentProcess agent;

  @BeforeAll
  static void startAgent() {
    agent = AgentProcess.start(dir.resolve("agent"));
  }

  @AfterAll
  static void stopAgent() throws Exception {
    agent.close();
  }

  private static int python(String script, String... args) throws Exception {
    Path root = Path.of(System.getProperty("mlpipe.root", "..")).toAbsolutePath().normalize();
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                "env",
                "MLPIPE_AGENT=" + agent.url(),
                "/usr/bin/python3",
                root.resolve("examples/python/" + script).toString()));
    cmd.addAll(List.of(args));
    ManagedProcess p = new ManagedProcess(script, cmd, dir.resolve(script + ".log"));
    int code = p.waitFor(60);
    assertThat(code).as(p.log()).isZero();
    assertThat(p.log()).doesNotContain("mlpipe:");
    return code;
  }

  @Test
  void trainHttpReportsThroughTheEventsApi() throws Exception {
    python("train_http.py", "--pipeline", "py", "--epochs", "3", "--sleep", "0.05");
    String m = Http.get(agent.url() + "/metrics").body();
    assertThat(m)
        .contains("mlpipe_stage_runs_total{pipeline=\"py\",stage=\"train\",status=\"success\"} 1.0")
        .contains("mlpipe_stage_running{pipeline=\"py\",stage=\"train\"} 0.0")
        .contains("mlpipe_stage_progress_ratio{pipeline=\"py\",stage=\"train\"} 1.0")
        .contains("mlpipe_training_epoch{model=\"xgb\",pipeline=\"py\"} 3.0")
        .contains(
            "mlpipe_stage_records_total{outcome=\"processed\",pipeline=\"py\",stage=\"train\"} 3000.0")
        .containsPattern(
            "mlpipe_training_loss\\{model=\"xgb\",pipeline=\"py\",split=\"validation\"}")
        .containsPattern(
            "mlpipe_model_metric\\{metric=\"auc\",model=\"xgb\",pipeline=\"py\",role=\"candidate\"} 0\\.9");
  }

  @Test
  void trainPushgatewayPushesWithPrometheusClient() throws Exception {
    python("train_pushgateway.py", "--job", "churn_train", "--instance", "n1", "--sleep", "0.05");
    String m = Http.get(agent.url() + "/metrics").body();
    assertThat(m)
        .contains("train_epoch{instance=\"n1\",job=\"churn_train\"} 3.0")
        .contains("train_samples_total{instance=\"n1\",job=\"churn_train\"} 3000.0")
        .containsPattern("train_loss\\{instance=\"n1\",job=\"churn_train\",split=\"train\"}")
        .containsPattern("push_time_seconds\\{instance=\"n1\",job=\"churn_train\"} 1\\.")
        .containsPattern(
            "train_last_success_timestamp_seconds\\{instance=\"n1\",job=\"churn_train\"} 1\\.");
  }
}
