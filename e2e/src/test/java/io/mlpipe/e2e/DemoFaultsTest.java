package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlpipe.testing.Wait;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code mlpipe demo --fault} changes the series its alert looks at (rules/*.yml), on a real
 * agent driven by the demo at high speed; the healthy workload stays inside every threshold.
 */
class DemoFaultsTest {

  private static final double SPEED = 3600;
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void stageFailureCountsFailedRuns() throws Exception {
    try (DemoRig rig = DemoRig.start(dir, SPEED, "stage-failure")) {
      Wait.until(
          "churn/train failure counted",
          WAIT,
          () ->
              rig.sample(
                          "mlpipe_stage_runs_total",
                          Map.of("pipeline", "churn", "stage", "train", "status", "failure"))
                      .orElse(0)
                  >= 1,
          () -> rig.stage("churn", "train").toString());
      JsonNode train = rig.stage("churn", "train");
      assertThat(train.path("status").asText()).isEqualTo("failure");
      assertThat(train.path("last_failure").asDouble())
          .isGreaterThan(train.path("last_success").asDouble(0));
      // the run stops at the failed stage; other pipelines are untouched
      assertThat(rig.stage("churn", "evaluate").path("runs").path("success").asDouble(0)).isZero();
      assertThat(rig.stage("fraud", "train").path("runs").path("failure").asDouble()).isZero();
    }
  }

  @Test
  void stalledStageKeepsRunningWithAnOldHeartbeat() throws Exception {
    try (DemoRig rig = DemoRig.start(dir, SPEED, "stage-stalled")) {
      Wait.until(
          "churn/train running with a heartbeat older than 300 s",
          WAIT,
          () -> {
            JsonNode t = rig.stage("churn", "train");
            return t.path("running").asDouble() > 0
                && t.path("heartbeat_age_seconds").asDouble() > 300;
          },
          () -> rig.stage("churn", "train").toString());
      double hb =
          rig.sample(
                  "mlpipe_stage_heartbeat_timestamp_seconds",
                  Map.of("pipeline", "churn", "stage", "train"))
              .orElseThrow();
      assertThat(hb).isLessThan(rig.now() - 300); // never in the future
    }
  }

  @Test
  void missedScheduleLetsTheLastSuccessAgePastTheExpectedInterval() throws Exception {
    // At 8640x the daily pipeline runs every 10 s and expects a success every 10.4 s.
    try (DemoRig rig = DemoRig.start(dir, 8640, "missed-schedule")) {
      Wait.until(
          "churn/ingest last success older than its expected interval",
          Duration.ofSeconds(40),
          () -> {
            JsonNode s = rig.stage("churn", "ingest");
            return s.has("last_success")
                && rig.now() - s.path("last_success").asDouble()
                    > s.path("expected_interval_seconds").asDouble();
          },
          () -> rig.stage("churn", "ingest").toString());
      assertThat(rig.stage("churn", "ingest").path("runs").path("success").asDouble()).isEqualTo(1);
      assertThat(rig.stage("recsys", "ingest").path("runs").path("success").asDouble())
          .isGreaterThan(1);
    }
  }

  @Test
  void slaBreachRunsPastTheSla() throws Exception {
    try (DemoRig rig = DemoRig.start(dir, SPEED, "sla-breach")) {
      Wait.until(
          "churn/train over its SLA",
          WAIT,
          () -> rig.stage("churn", "train").path("over_sla").asBoolean(),
          () -> rig.stage("churn", "train").toString());
      JsonNode t = rig.stage("churn", "train");
      double sla =
          rig.sample("mlpipe_stage_sla_seconds", Map.of("pipeline", "churn", "stage", "train"))
              .orElseThrow();
      assertThat(t.path("sla_seconds").asDouble()).isEqualTo(sla);
      if (t.path("running").asDouble() > 0) {
        assertThat(rig.now() - t.path("last_start").asDouble()).isGreaterThan(sla);
      } else {
        assertThat(t.path("last_duration_seconds").asDouble()).isGreaterThan(sla);
      }
    }
  }

  @Test
  void missingValuesRiseAboveTheDatasetsMaximum() throws Exception {
    try (DemoRig rig = DemoRig.start(dir, SPEED, "missing-values")) {
      Map<String, String> l =
          Map.of("pipeline", "churn", "stage", "ingest", "dataset", "customers");
      Wait.until(
          "churn customers missing values reported",
          WAIT,
          () -> rig.sample("mlpipe_data_missing_values_ratio", l).isPresent());
      double max =
          rig.sample(
                  "mlpipe_data_missing_values_max_ratio",
                  Map.of("pipeline", "churn", "dataset", "customers"))
              .orElseThrow();
      assertThat(rig.sample("mlpipe_data_missing_values_ratio", l).orElseThrow())
          .isGreaterThan(max);
    }
  }

  @Test
  void corruptRecordsExceedOnePercent() throws Exception {
    try (DemoRig rig = DemoRig.start(dir, SPEED, "corrupt-records")) {
      Map<String, String> l = Map.of("pipeline", "churn", "stage", "ingest");
      Wait.until(
          "churn/ingest records",
          WAIT,
          () -> rig.stage("churn", "ingest").path("records").path("processed").asDouble() > 0);
      JsonNode r = rig.stage("churn", "ingest").path("records");
      double bad = r.path("invalid").asDouble() + r.path("corrupt").asDouble();
      double all = bad + r.path("processed").asDouble() + r.path("dropped").asDouble();
      assertThat(bad / all).isGreaterThan(0.01);
      assertThat(rig.sample("mlpipe_stage_records_total", Map.of("outcome", "corrupt")))
          .isPresent();
      assertThat(l).isNotEmpty();
    }
  }

  @Test
  void driftScoreExceedsTheThreshold() throws Exception {
    try (DemoRig rig = DemoRig.start(dir, SPEED, "drift")) {
      Wait.until(
          "churn drift scores", WAIT, () -> rig.pipeline("churn").path("drift").has("tenure_days"));
      double threshold =
          rig.sample("mlpipe_data_drift_threshold", Map.of("pipeline", "churn")).orElseThrow();
      assertThat(rig.pipeline("churn").path("drift").path("tenure_days").asDouble())
          .isGreaterThan(threshold);
      assertThat(rig.pipeline("churn").path("drift").path("monthly_charges").asDouble())
          .isLessThan(threshold);
    }
  }

  @Test
  void modelRegressionLeavesAWorseCandidate() throws Exception {
    try (DemoRig rig = DemoRig.start(dir, SPEED, "model-regression")) {
      Map<String, String> cand = Map.of("pipeline", "churn", "metric", "auc", "role", "candidate");
      Wait.until(
          "churn candidate auc", WAIT, () -> rig.sample("mlpipe_model_metric", cand).isPresent());
      double c = rig.sample("mlpipe_model_metric", cand).orElseThrow();
      double p =
          rig.sample(
                  "mlpipe_model_metric",
                  Map.of("pipeline", "churn", "metric", "auc", "role", "production"))
              .orElseThrow();
      double tol =
          rig.sample("mlpipe_model_metric_tolerance", Map.of("pipeline", "churn", "metric", "auc"))
              .orElseThrow();
      assertThat(p - c).isGreaterThan(tol);
      // log_loss is lower-is-better: the candidate's is higher
      double cl =
          rig.sample(
                  "mlpipe_model_metric",
                  Map.of("pipeline", "churn", "metric", "log_loss", "role", "candidate"))
              .orElseThrow();
      double pl =
          rig.sample(
                  "mlpipe_model_metric",
                  Map.of("pipeline", "churn", "metric", "log_loss", "role", "production"))
              .orElseThrow();
      assertThat(cl - pl).isGreaterThan(0.02);
    }
  }

  @Test
  void trainingDivergedEndsInNaNLoss() throws Exception {
    try (DemoRig rig = DemoRig.start(dir, SPEED, "training-diverged")) {
      Map<String, String> l = Map.of("pipeline", "churn", "split", "train");
      Wait.until(
          "churn train loss NaN",
          WAIT,
          () -> Double.isNaN(rig.sample("mlpipe_training_loss", l).orElse(0)),
          () -> rig.pipeline("churn").path("training_loss").toString());
      Wait.until(
          "the diverged run fails",
          WAIT,
          () -> rig.stage("churn", "train").path("status").asText().equals("failure"));
    }
  }

  @Test
  void gpuIdleLeavesTheTrainingHostsSimulatedGpusNearZero() throws Exception {
    try (DemoRig rig = DemoRig.start(dir, SPEED, "gpu-idle")) {
      Wait.until(
          "recsys/train on gpu-node-3 with idle simulated GPUs",
          WAIT,
          () ->
              rig.sample(
                      "mlpipe_run_info",
                      Map.of("pipeline", "recsys", "stage", "train", "host", "gpu-node-3"))
                  .isPresent());
      OptionalDouble util =
          rig.sample("DCGM_FI_DEV_GPU_UTIL", Map.of("Hostname", "gpu-node-3", "simulated", "true"));
      assertThat(util).isPresent();
      assertThat(util.getAsDouble()).isLessThan(5);
      assertThat(rig.sample("DCGM_FI_DEV_GPU_UTIL", Map.of("Hostname", "gpu-node-1")).orElseThrow())
          .isGreaterThan(5);
    }
  }

  @Test
  void authFailuresAreRefusedWhileTheDemosOwnTokenWrites() throws Exception {
    try (DemoRig rig = DemoRig.startWithPushToken(dir, SPEED, "auth-failures")) {
      Wait.until(
          "10 refused pushes counted as bad_token",
          Duration.ofSeconds(15),
          () ->
              rig.sample("mlpipe_exporter_auth_failures_total", Map.of("reason", "bad_token"))
                      .orElse(0)
                  >= 10);
      Wait.until(
          "a fraud run written with the demo's token",
          Duration.ofSeconds(30),
          () -> rig.stage("fraud", "ingest").path("runs").path("success").asDouble() >= 1);
      assertThat(rig.demo.requestsFailed()).as("demo log: %s", rig.log).isZero();
      for (String reason : List.of("forbidden", "missing")) {
        assertThat(rig.sample("mlpipe_exporter_auth_failures_total", Map.of("reason", reason)))
            .hasValue(0);
      }
      // The refused pushes stored nothing.
      assertThat(rig.metrics()).doesNotContain("demo_auth_probe");
    }
  }

  @Test
  void healthyWorkloadStaysInsideEveryThreshold() throws Exception {
    try (DemoRig rig = DemoRig.start(dir, SPEED)) {
      Wait.until(
          "two churn runs deployed",
          Duration.ofSeconds(45),
          () -> rig.stage("churn", "deploy").path("runs").path("success").asDouble() >= 2);
      assertThat(rig.demo.requestsFailed()).isZero();
      double now = rig.now();
      for (String name : List.of("churn", "recsys", "fraud")) {
        JsonNode p = rig.pipeline(name);
        assertThat(p.path("declared").asBoolean()).isTrue();
        p.path("stages")
            .fields()
            .forEachRemaining(
                e -> {
                  JsonNode s = e.getValue();
                  String where = name + "/" + e.getKey() + " " + s;
                  assertThat(s.path("runs").path("failure").asDouble()).as(where).isZero();
                  assertThat(s.path("runs").path("success").asDouble()).as(where).isPositive();
                  assertThat(s.path("over_sla").asBoolean()).as(where).isFalse();
                  assertThat(s.path("heartbeat_age_seconds").asDouble()).as(where).isLessThan(300);
                  assertThat(now - s.path("last_success").asDouble())
                      .as(where)
                      .isLessThan(s.path("expected_interval_seconds").asDouble());
                  JsonNode r = s.path("records");
                  double bad = r.path("invalid").asDouble() + r.path("corrupt").asDouble();
                  double all = bad + r.path("processed").asDouble() + r.path("dropped").asDouble();
                  if (all > 0) {
                    assertThat(bad / all).as(where).isLessThan(0.01);
                  }
                  s.path("missing_values_ratio")
                      .fields()
                      .forEachRemaining(
                          m ->
                              assertThat(m.getValue().asDouble())
                                  .as(where)
                                  .isLessThan(
                                      rig.sample(
                                              "mlpipe_data_missing_values_max_ratio",
                                              Map.of("pipeline", name, "dataset", m.getKey()))
                                          .orElseThrow()));
                });
        double drift =
            rig.sample("mlpipe_data_drift_threshold", Map.of("pipeline", name)).orElseThrow();
        p.path("drift")
            .fields()
            .forEachRemaining(f -> assertThat(f.getValue().asDouble()).isLessThan(drift));
        p.path("training_loss")
            .fields()
            .forEachRemaining(f -> assertThat(f.getValue().isNumber()).as(f.toString()).isTrue());
      }
      assertThat(rig.metrics()).doesNotContain("NaN");
      assertThat(rig.sample("DCGM_FI_DEV_GPU_UTIL", Map.of("Hostname", "gpu-node-3")).orElseThrow())
          .isGreaterThan(5);
    }
  }
}
