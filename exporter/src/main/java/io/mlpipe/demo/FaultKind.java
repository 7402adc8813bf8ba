package io.mlpipe.demo;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The faults {@code mlpipe demo --fault} can inject, with where they strike and what fires. */
public enum FaultKind {
  STAGE_FAILURE(
      "stage-failure",
      "churn",
      "train",
      "MlpipeStageFailed; MlpipeStageFailingRepeatedly after 3 failures in 1h",
      "every run of the stage ends with status failure (exit code 1); the run stops there",
      List.of("stage-fail")),
  STAGE_STALLED(
      "stage-stalled",
      "churn",
      "train",
      "MlpipeStageStalled (and MlpipeStageSlaBreached: a hung run is also late)",
      "the stage hangs: it stays running and its heartbeat stops; the heartbeat's age grows at"
          + " --speed (reported as a backdated last heartbeat)",
      List.of("stall")),
  MISSED_SCHEDULE(
      "missed-schedule",
      "churn",
      null,
      "MlpipeStageMissedSchedule",
      "the scheduler skips every run of the pipeline after the first one",
      List.of("skip-schedule")),
  SLA_BREACH(
      "sla-breach",
      "churn",
      "train",
      "MlpipeStageSlaBreached (warning at 1x SLA, critical at 2x)",
      "the stage runs 3x its SLA, then succeeds",
      List.of("slow")),
  MISSING_VALUES(
      "missing-values",
      "churn",
      "ingest",
      "MlpipeDataMissingValuesHigh",
      "the pipeline's dataset has about 30 % missing values, above missing_values_max_ratio",
      List.of()),
  CORRUPT_RECORDS(
      "corrupt-records",
      "churn",
      "ingest",
      "MlpipeDataCorruptRecordsHigh",
      "about 4 % of the stage's records are corrupt or invalid (threshold 1 %)",
      List.of()),
  DRIFT(
      "drift",
      "churn",
      "features",
      "MlpipeDataDriftHigh",
      "the first feature's drift score is about twice the pipeline's drift_threshold",
      List.of()),
  MODEL_REGRESSION(
      "model-regression",
      "churn",
      "evaluate",
      "MlpipeModelRegressed",
      "candidates are worse than production by several tolerances; deploy does not promote them",
      List.of("regression")),
  TRAINING_DIVERGED(
      "training-diverged",
      "churn",
      "train",
      "MlpipeTrainingLossNaN (MlpipeTrainingDiverging while the loss grows; MlpipeStageFailed)",
      "the training loss grows epoch after epoch, then becomes NaN and the run fails",
      List.of("nan-loss", "diverge")),
  GPU_IDLE(
      "gpu-idle",
      "recsys",
      "train",
      "GpuIdleDuringTraining",
      "the stage runs on gpu-node-3, whose simulated GPUs (DCGM_FI_DEV_GPU_UTIL{simulated=\"true\"},"
          + " pushed through the Pushgateway API) stay near 0 %",
      List.of()),
  AUTH_FAILURES(
      "auth-failures",
      null,
      null,
      "MlpipeAuthFailuresBurst (needs an agent with push tokens, --web.config.file; without them"
          + " the agent accepts the pushes and nothing fires)",
      "10 pushes per second with a wrong bearer token",
      List.of("bad-auth"));

  private final String id;
  private final String defaultPipeline;
  private final String defaultStage;
  private final String alert;
  private final String description;
  private final List<String> aliases;

  FaultKind(
      String id,
      String defaultPipeline,
      String defaultStage,
      String alert,
      String description,
      List<String> aliases) {
    this.id = id;
    this.defaultPipeline = defaultPipeline;
    this.defaultStage = defaultStage;
    this.alert = alert;
    this.description = description;
    this.aliases = aliases;
  }

  /** The name on the command line, e.g. {@code stage-failure}. */
  public String id() {
    return id;
  }

  public String defaultPipeline() {
    return defaultPipeline;
  }

  public String defaultStage() {
    return defaultStage;
  }

  /** The alert(s) of rules/ this fault should fire. */
  public String alert() {
    return alert;
  }

  public String description() {
    return description;
  }

  /** By name or by one of the names rules/README.md uses (stall, slow, nan-loss, ...). */
  public static Optional<FaultKind> byName(String name) {
    return Arrays.stream(values())
        .filter(k -> k.id.equals(name) || k.aliases.contains(name))
        .findFirst();
  }

  /** The text of {@code mlpipe demo --list-faults}. */
  public static String listing() {
    StringBuilder out = new StringBuilder();
    out.append("--fault NAME[@PIPELINE[/STAGE]][:after=DURATION]  (repeatable; after is real time")
        .append(" since the demo started, default 0)\n\n");
    for (FaultKind k : values()) {
      out.append(String.format("%-18s -> %s%n", k.id, k.alert));
      out.append("                      ").append(k.description);
      if (k.defaultPipeline != null) {
        out.append(" [default target: ")
            .append(k.defaultPipeline)
            .append(k.defaultStage == null ? "" : "/" + k.defaultStage)
            .append(']');
      }
      out.append('\n');
    }
    out.append("\nWithout --fault the workload is healthy: no shipped alert fires on it.\n");
    return out.toString();
  }
}
