package io.mlpipe.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Everything {@code mlpipe report} found, as it goes into the JSON (and, formatted, into the
 * Markdown and HTML). Absent figures are null; a section with nothing to show says why in {@code
 * noData}. The JSON Schema is {@code io/mlpipe/report/report.schema.json}.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Report(
    String generatedAt,
    String prometheus,
    Window window,
    Filter filter,
    boolean recordingRules,
    boolean empty,
    String emptyReason,
    Pipelines pipelines,
    Data data,
    Models models,
    Resources resources,
    Alerts alerts,
    List<Timeline> timelines) {

  /** A figure over time per pipeline (for the charts): p90 duration, success ratio. */
  public record Timeline(String pipeline, String figure, List<Point> points) {}

  public record Point(double time, Double value) {}

  /** The reported window [since, until] and the previous one of the same length. */
  public record Window(
      String since, String until, double seconds, String previousSince, double stepSeconds) {}

  public record Filter(String team, String pipeline) {}

  // ---- Pipelines

  public record Pipelines(String noData, String slaMethod, List<Team> teams) {}

  public record Team(String team, List<Pipeline> pipelines) {}

  /**
   * One pipeline; runs are stage runs (each stage of each pipeline run counts once); health is
   * healthy, degraded (SLA breaches, missed schedules, stalls) or failing (failed runs).
   */
  public record Pipeline(
      String pipeline,
      String team,
      String health,
      List<String> problems,
      long runs,
      long successes,
      long failures,
      long cancelled,
      Double successRatio,
      List<Stage> stages) {}

  public record Stage(
      String stage,
      long runs,
      long successes,
      long failures,
      long cancelled,
      Double successRatio,
      Double slaSeconds,
      Sla sla,
      Double p50Seconds,
      Double p90Seconds,
      Double p50PreviousSeconds,
      Double p90PreviousSeconds,
      Double p50Change,
      Double p90Change,
      double overdueSeconds,
      Double longestStallSeconds) {}

  /**
   * SLA compliance from histogram buckets: runs in buckets whose bound is at most the SLA were
   * within it for sure ({@code min}), runs above the first bound at or over the SLA breached it for
   * sure; runs in the bucket that straddles the SLA are undecided, so the share lies in [min, max].
   */
  public record Sla(long runs, long within, long breached, Double min, Double max) {}

  // ---- Data

  public record Data(
      String noData,
      List<MissingValues> missingValues,
      List<CorruptRecords> corruptRecords,
      List<SchemaViolations> schemaViolations,
      List<Stale> stale,
      List<Drift> drift) {}

  public record MissingValues(
      String pipeline,
      String team,
      String stage,
      String dataset,
      double maxRatio,
      double threshold,
      double secondsOver) {}

  public record CorruptRecords(
      String pipeline,
      String team,
      String stage,
      long badRecords,
      long records,
      Double ratio,
      double threshold,
      double secondsOver) {}

  public record SchemaViolations(
      String pipeline, String team, String stage, String dataset, String check, long violations) {}

  public record Stale(
      String pipeline,
      String team,
      String dataset,
      double maxAgeSeconds,
      double thresholdSeconds,
      double secondsOver) {}

  public record Drift(
      String pipeline,
      String team,
      String feature,
      double maxScore,
      double threshold,
      double secondsOver) {}

  // ---- Models

  public record Models(
      String noData, List<Model> models, List<Regression> regressions, List<Retrain> retrain) {}

  public record Model(
      String pipeline,
      String team,
      String model,
      List<String> productionVersions,
      List<String> promoted,
      List<MetricChange> production) {}

  /** A production metric now and at the end of the previous window; worse is direction-aware. */
  public record MetricChange(
      String metric,
      Double now,
      Double previous,
      Double change,
      boolean higherIsBetter,
      boolean worse) {}

  public record Regression(
      String pipeline,
      String team,
      String model,
      String metric,
      double maxRegression,
      double tolerance,
      double secondsOver) {}

  public record Retrain(String pipeline, String team, String model, List<String> reasons) {}

  // ---- Resources

  public record Resources(
      String noData,
      String gpuMethod,
      List<Usage> usage,
      List<TeamUsage> teams,
      List<Exhaustion> exhaustion) {}

  public record Usage(
      String team,
      String pipeline,
      String stage,
      double cpuHours,
      double gpuHours,
      double idleGpuHours) {}

  public record TeamUsage(String team, double cpuHours, double gpuHours, double idleGpuHours) {}

  /** A host resource trending to zero: when it runs out at the current linear trend. */
  public record Exhaustion(
      String instance,
      String resource,
      String mountpoint,
      double availableBytes,
      String runsOutAt,
      double daysLeft) {}

  // ---- Alerts and security

  public record Alerts(
      String noData, List<Alert> fired, List<Count> authFailures, List<Count> ingestRejections) {}

  public record Alert(
      String alertname,
      String severity,
      String team,
      String pipeline,
      String stage,
      int timesFired,
      double secondsFiring,
      String firstActiveAt) {}

  public record Count(String what, long count) {}
}
