package io.mlpipe.cli;

import io.mlpipe.client.AgentClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mlpipe push --pipeline P --stage S --type records --processed 1000 --invalid 3}: one event
 * of any type from a shell script. Exit 0 when accepted or spooled, 1 when the agent refuses it, 2
 * on a usage error.
 */
@Command(
    name = "push",
    versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {
      "Send one pipeline event to the agent (spooled when the agent is unreachable).",
      "Exit status: 0 accepted or spooled, 1 refused by the agent, 2 usage error."
    })
final class PushCommand implements Callable<Integer> {

  /** The event types, as the events API names them. */
  enum Type {
    stage_started,
    stage_finished,
    heartbeat,
    records,
    data_quality,
    drift,
    training,
    model_metric,
    metric
  }

  @Spec CommandSpec spec;

  // --version names a model's version here, so the standard -V/--version is not mixed in.
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @Option(names = "--pipeline", required = true, paramLabel = "NAME", description = "Pipeline.")
  String pipeline;

  @Option(
      names = "--stage",
      paramLabel = "NAME",
      description = "Stage (required for stage_*, heartbeat, records and data_quality).")
  String stage;

  @Option(
      names = "--type",
      required = true,
      paramLabel = "TYPE",
      description = "Event type: ${COMPLETION-CANDIDATES}.")
  Type type;

  @Option(
      names = "--time",
      paramLabel = "TIME",
      description = "When it happened: Unix seconds or RFC 3339 (default: now, by the agent).")
  String time;

  @Option(names = "--host", paramLabel = "NAME", description = "Host (stage_* default: hostname).")
  String host;

  @Option(names = "--run-id", paramLabel = "ID", description = "Run id.")
  String runId;

  @Option(
      names = "--id",
      paramLabel = "ID",
      description = "Event id: a retry with the same id counts once (default: generated).")
  String id;

  // stage_finished
  @Option(names = "--status", paramLabel = "STATUS", description = "success, failure, cancelled.")
  String status;

  @Option(names = "--duration", paramLabel = "SECONDS", description = "Run duration.")
  Double duration;

  @Option(names = "--exit-code", paramLabel = "N", description = "Exit code.")
  Integer exitCode;

  @Option(names = "--error", paramLabel = "TEXT", description = "Error message.")
  String error;

  @Option(names = "--cpu-seconds", paramLabel = "SECONDS", description = "CPU time used.")
  Double cpuSeconds;

  @Option(names = "--memory-peak-bytes", paramLabel = "BYTES", description = "Peak memory.")
  Double memoryPeakBytes;

  // heartbeat
  @Option(names = "--progress", paramLabel = "RATIO", description = "Progress, 0..1.")
  Double progress;

  // records
  @Option(names = "--processed", paramLabel = "N", description = "Records processed.")
  Double processed;

  @Option(names = "--invalid", paramLabel = "N", description = "Records invalid.")
  Double invalid;

  @Option(names = "--corrupt", paramLabel = "N", description = "Records corrupt.")
  Double corrupt;

  @Option(names = "--dropped", paramLabel = "N", description = "Records dropped.")
  Double dropped;

  // data_quality
  @Option(names = "--dataset", paramLabel = "NAME", description = "Dataset.")
  String dataset;

  @Option(
      names = "--missing-values-ratio",
      paramLabel = "RATIO",
      description = "Missing values, 0..1.")
  Double missingValuesRatio;

  @Option(
      names = "--schema-violation",
      paramLabel = "CHECK=N",
      description = "Violations of a schema check (repeatable).")
  Map<String, Double> schemaViolations;

  @Option(
      names = "--newest-record-time",
      paramLabel = "TIME",
      description = "Time of the newest record: Unix seconds or RFC 3339.")
  String newestRecordTime;

  // drift
  @Option(names = "--feature", paramLabel = "NAME", description = "Feature.")
  String feature;

  @Option(names = "--score", paramLabel = "X", description = "Drift score.")
  Double score;

  // training and model_metric
  @Option(names = "--model", paramLabel = "NAME", description = "Model.")
  String model;

  @Option(names = "--epoch", paramLabel = "N", description = "Training epoch.")
  Double epoch;

  @Option(
      names = "--loss",
      paramLabel = "SPLIT=X",
      description = "Loss of a split (repeatable; NaN allowed).")
  Map<String, Double> loss;

  @Option(names = "--samples-per-second", paramLabel = "X", description = "Training throughput.")
  Double samplesPerSecond;

  @Option(names = "--version", paramLabel = "VERSION", description = "Model version.")
  String version;

  @Option(names = "--metric", paramLabel = "NAME", description = "Model quality metric.")
  String metric;

  @Option(names = "--value", paramLabel = "X", description = "Value (model_metric, metric).")
  Double value;

  @Option(names = "--role", paramLabel = "ROLE", description = "candidate or production.")
  String role;

  // metric
  @Option(names = "--name", paramLabel = "NAME", description = "Metric name.")
  String name;

  @Option(
      names = "--kind",
      paramLabel = "KIND",
      description = "gauge or counter (the value is an increment).")
  String kind;

  @Option(names = "--label", paramLabel = "K=V", description = "Metric label (repeatable).")
  Map<String, String> labels;

  @Mixin AgentConnection agent;

  /** One field: its flag, its JSON name, its value, the types it belongs to. */
  private record Field(String flag, String json, Object value, Set<Type> types) {}

  @Override
  public Integer call() {
    Map<String, Object> event = event();
    PrintWriter err = agent.err();
    Delivery delivery = agent.delivery();
    AgentClient.Reply r = delivery.deliver(List.of(event));
    if (r.outcome() == AgentClient.Outcome.REFUSED) {
      err.println("mlpipe: the agent refused the event (HTTP " + r.status() + "):");
      r.errors().forEach(e -> err.println("  " + e));
      err.flush();
      return 1;
    }
    return 0;
  }

  Map<String, Object> event() {
    Set<Type> finished = EnumSet.of(Type.stage_finished);
    List<Field> fields =
        List.of(
            new Field("--status", "status", status, finished),
            new Field("--duration", "duration_seconds", duration, finished),
            new Field("--exit-code", "exit_code", exitCode, finished),
            new Field("--error", "error", error, finished),
            new Field("--cpu-seconds", "cpu_seconds", cpuSeconds, finished),
            new Field("--memory-peak-bytes", "memory_peak_bytes", memoryPeakBytes, finished),
            new Field("--progress", "progress", progress, EnumSet.of(Type.heartbeat)),
            new Field("--processed", "processed", processed, EnumSet.of(Type.records)),
            new Field("--invalid", "invalid", invalid, EnumSet.of(Type.records)),
            new Field("--corrupt", "corrupt", corrupt, EnumSet.of(Type.records)),
            new Field("--dropped", "dropped", dropped, EnumSet.of(Type.records)),
            new Field("--dataset", "dataset", dataset, EnumSet.of(Type.data_quality)),
            new Field(
                "--missing-values-ratio",
                "missing_values_ratio",
                missingValuesRatio,
                EnumSet.of(Type.data_quality)),
            new Field(
                "--schema-violation",
                "schema_violations",
                schemaViolations,
                EnumSet.of(Type.data_quality)),
            new Field(
                "--newest-record-time",
                "newest_record_time",
                timeValue(newestRecordTime),
                EnumSet.of(Type.data_quality)),
            new Field("--feature", "feature", feature, EnumSet.of(Type.drift)),
            new Field("--score", "score", score, EnumSet.of(Type.drift)),
            new Field("--model", "model", model, EnumSet.of(Type.training, Type.model_metric)),
            new Field("--epoch", "epoch", epoch, EnumSet.of(Type.training)),
            new Field("--loss", "loss", loss, EnumSet.of(Type.training)),
            new Field(
                "--samples-per-second",
                "samples_per_second",
                samplesPerSecond,
                EnumSet.of(Type.training)),
            new Field("--version", "version", version, EnumSet.of(Type.model_metric)),
            new Field("--metric", "metric", metric, EnumSet.of(Type.model_metric)),
            new Field("--value", "value", value, EnumSet.of(Type.model_metric, Type.metric)),
            new Field("--role", "role", role, EnumSet.of(Type.model_metric)),
            new Field("--name", "name", name, EnumSet.of(Type.metric)),
            new Field("--kind", "kind", kind, EnumSet.of(Type.metric)),
            new Field("--label", "labels", labels, EnumSet.of(Type.metric)));
    List<String> problems = new ArrayList<>();
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("type", type.name());
    e.put("pipeline", pipeline);
    boolean stageType =
        EnumSet.of(
                Type.stage_started,
                Type.stage_finished,
                Type.heartbeat,
                Type.records,
                Type.data_quality)
            .contains(type);
    if (stage != null) {
      e.put("stage", stage);
    } else if (stageType) {
      problems.add("--stage is required for " + type + " events");
    }
    if (time != null) {
      e.put("time", timeValue(time));
    }
    if (host != null) {
      e.put("host", host);
    } else if (type == Type.stage_started || type == Type.stage_finished) {
      e.put("host", RunCommand.hostname());
    }
    if (runId != null) {
      e.put("run_id", runId);
    }
    // Random enough to be unique, without SecureRandom's start-up cost.
    e.put(
        "id",
        id != null
            ? id
            : new UUID(
                    ThreadLocalRandom.current().nextLong(), ThreadLocalRandom.current().nextLong())
                .toString());
    for (Field f : fields) {
      if (f.value() == null) {
        continue;
      }
      if (!f.types().contains(type)) {
        problems.add(f.flag() + " does not apply to " + type + " events");
      } else {
        e.put(f.json(), f.value());
      }
    }
    Map<Type, List<String>> required =
        Map.of(
            Type.stage_finished, List.of("--status"),
            Type.data_quality, List.of("--dataset"),
            Type.drift, List.of("--feature", "--score"),
            Type.training, List.of("--model"),
            Type.model_metric, List.of("--model", "--version", "--metric", "--value"),
            Type.metric, List.of("--name", "--value"));
    for (String flag : required.getOrDefault(type, List.of())) {
      if (fields.stream().anyMatch(f -> f.flag().equals(flag) && f.value() == null)) {
        problems.add(flag + " is required for " + type + " events");
      }
    }
    if (type == Type.records
        && processed == null
        && invalid == null
        && corrupt == null
        && dropped == null) {
      problems.add("a records event needs --processed, --invalid, --corrupt or --dropped");
    }
    if (!problems.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), String.join("\n", problems));
    }
    return e;
  }

  /** A number stays a number; anything else goes as text (RFC 3339) for the agent to check. */
  private static Object timeValue(String t) {
    if (t == null) {
      return null;
    }
    try {
      return Double.parseDouble(t);
    } catch (NumberFormatException e) {
      return t;
    }
  }
}
