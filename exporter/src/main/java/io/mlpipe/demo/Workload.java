package io.mlpipe.demo;

import io.mlpipe.config.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The simulated pipelines: churn (daily batch), recsys (hourly) and fraud (streaming-style, every 5
 * minutes), each with the stages ingest, features, train, evaluate and deploy. Durations and
 * cadences are in simulated seconds; {@link #timeScale} says how much faster than real time each
 * pipeline runs at a given {@code --speed}.
 *
 * <pre>{@code
 * String yaml = Workload.configYaml(60); // declared pipelines, thresholds scaled to --speed 60
 * }</pre>
 */
public final class Workload {

  /** No pipeline starts runs more often than this (real seconds), whatever the speed. */
  static final double MIN_REAL_CADENCE_SECONDS = 10;

  static final List<String> STAGES = List.of("ingest", "features", "train", "evaluate", "deploy");
  static final List<String> GPU_HOSTS = List.of("gpu-node-1", "gpu-node-2", "gpu-node-3");
  static final List<String> CPU_HOSTS = List.of("cpu-node-1", "cpu-node-2");

  /** One stage: mean duration and SLA in simulated seconds. */
  record StageSpec(String name, double meanSeconds, double slaSeconds) {
    boolean gpu() {
      return name.equals("train");
    }
  }

  /** One model metric; lower-is-better metrics are named so that the rules see it (loss). */
  record MetricSpec(String name, boolean higherIsBetter, double start, double target, double tol) {}

  /** One pipeline. */
  record PipelineSpec(
      String name,
      String team,
      String owner,
      double cadenceSeconds,
      double expectedIntervalSeconds,
      List<StageSpec> stages,
      String dataset,
      long records,
      double maxMissingRatio,
      List<String> features,
      double driftThreshold,
      String model,
      int epochs,
      double finalLoss,
      double samplesPerSecond,
      List<MetricSpec> metrics) {

    StageSpec stage(String name) {
      return stages.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }
  }

  static final List<PipelineSpec> PIPELINES =
      List.of(
          new PipelineSpec(
              "churn",
              "growth",
              "ana@example.com",
              86_400,
              25 * 3600,
              List.of(
                  new StageSpec("ingest", 15 * 60, 45 * 60),
                  new StageSpec("features", 20 * 60, 60 * 60),
                  new StageSpec("train", 45 * 60, 2 * 3600),
                  new StageSpec("evaluate", 10 * 60, 30 * 60),
                  new StageSpec("deploy", 3 * 60, 15 * 60)),
              "customers",
              2_400_000,
              0.10,
              List.of("tenure_days", "monthly_charges", "support_tickets_30d"),
              0.2,
              "churn-xgb",
              20,
              0.31,
              18_000,
              List.of(
                  new MetricSpec("auc", true, 0.861, 0.88, 0.01),
                  new MetricSpec("log_loss", false, 0.342, 0.315, 0.02))),
          new PipelineSpec(
              "recsys",
              "discovery",
              "recs-oncall@example.com",
              3600,
              90 * 60,
              List.of(
                  new StageSpec("ingest", 3 * 60, 10 * 60),
                  new StageSpec("features", 5 * 60, 15 * 60),
                  new StageSpec("train", 15 * 60, 40 * 60),
                  new StageSpec("evaluate", 3 * 60, 10 * 60),
                  new StageSpec("deploy", 60, 5 * 60)),
              "interactions",
              850_000,
              0.05,
              List.of("user_embedding_norm", "item_popularity", "session_length"),
              0.25,
              "recsys-two-tower",
              8,
              0.42,
              52_000,
              List.of(
                  new MetricSpec("ndcg_at_10", true, 0.412, 0.43, 0.01),
                  new MetricSpec("recall_at_50", true, 0.611, 0.63, 0.015))),
          new PipelineSpec(
              "fraud",
              "risk",
              "fraud-oncall@example.com",
              300,
              15 * 60,
              List.of(
                  new StageSpec("ingest", 20, 60),
                  new StageSpec("features", 20, 60),
                  new StageSpec("train", 60, 180),
                  new StageSpec("evaluate", 15, 60),
                  new StageSpec("deploy", 5, 30)),
              "transactions",
              48_000,
              0.02,
              List.of("amount_zscore", "merchant_risk", "velocity_1h"),
              0.15,
              "fraud-gbdt",
              4,
              0.08,
              90_000,
              List.of(
                  new MetricSpec("auc", true, 0.962, 0.97, 0.005),
                  new MetricSpec("log_loss", false, 0.081, 0.075, 0.01))));

  private Workload() {}

  static Optional<PipelineSpec> pipeline(String name) {
    return PIPELINES.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /**
   * How many simulated seconds pass per real second for {@code p}: {@code speed}, capped so that
   * runs start at most every {@value #MIN_REAL_CADENCE_SECONDS} real seconds.
   */
  static double timeScale(PipelineSpec p, double speed) {
    return Math.max(1, Math.min(speed, p.cadenceSeconds() / MIN_REAL_CADENCE_SECONDS));
  }

  /**
   * The agent configuration declaring the demo's pipelines. Time thresholds (SLA, expected
   * interval) are divided by each pipeline's time scale, so that the alert rules, which compare
   * them with Prometheus' real clock, judge the compressed workload as they would the real one.
   */
  public static String configYaml(double speed) {
    StringBuilder y = new StringBuilder();
    y.append("# Written by `mlpipe demo --speed ")
        .append(fmt(speed))
        .append("`: the demo's pipelines, with time thresholds\n")
        .append("# divided by the time scale of each pipeline (see docs in DemoCommand).\n")
        .append("pipelines:\n")
        .append("  run_info_ttl: 3m\n")
        .append("  declared:\n");
    for (PipelineSpec p : PIPELINES) {
      double scale = timeScale(p, speed);
      y.append("    ").append(p.name()).append(":\n");
      y.append("      team: ").append(p.team()).append('\n');
      y.append("      owner: ").append(p.owner()).append('\n');
      y.append("      stages:\n");
      for (StageSpec s : p.stages()) {
        y.append("        ")
            .append(s.name())
            .append(": {sla: ")
            .append(duration(s.slaSeconds() / scale))
            .append(", expected_interval: ")
            .append(duration(p.expectedIntervalSeconds() / scale))
            .append("}\n");
      }
      y.append("      datasets:\n        ")
          .append(p.dataset())
          .append(": {missing_values_max_ratio: ")
          .append(fmt(p.maxMissingRatio()))
          .append("}\n");
      y.append("      drift_threshold: ").append(fmt(p.driftThreshold())).append('\n');
      y.append("      model_metric_tolerance:\n");
      for (MetricSpec m : p.metrics()) {
        y.append("        ").append(m.name()).append(": ").append(fmt(m.tol())).append('\n');
      }
    }
    return y.toString();
  }

  private static String duration(double seconds) {
    return Durations.format(Duration.ofMillis(Math.max(1, Math.round(seconds * 1000))));
  }

  /** {@code 60} rather than {@code 60.0}. */
  public static String fmtSpeed(double speed) {
    return fmt(speed);
  }

  static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%s", d);
  }
}
