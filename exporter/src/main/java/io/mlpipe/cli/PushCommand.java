package io.mlpipe.cli;

import io.mlpipe.client.AgentClient;
import io.mlpipe.event.Event;
import io.mlpipe.event.Event.Type;
import io.mlpipe.event.Payload;
import io.mlpipe.event.Wire;
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
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mlpipe push --pipeline P --stage S --type records --processed 1000 --invalid 3}: one event
 * of any type from a shell script. Exit 0 when accepted or spooled, 1 when the agent refuses it, 2
 * on a usage error.
 */
@Command(
    name = "push",
    modelTransformer = PushCommand.EventFlags.class,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {
      "Send one pipeline event to the agent (spooled when the agent is unreachable).",
      "Exit status: 0 accepted or spooled, 1 refused by the agent, 2 usage error."
    })
final class PushCommand implements Callable<Integer> {

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
      converter = Converters.UnixTime.class,
      description = "When it happened: Unix seconds or RFC 3339 (default: now, by the agent).")
  Double time;

  @Option(names = "--host", paramLabel = "NAME", description = "Host (stage_* default: hostname).")
  String host;

  @Option(names = "--run-id", paramLabel = "ID", description = "Run id.")
  String runId;

  @Option(
      names = "--id",
      paramLabel = "ID",
      description = "Event id: a retry with the same id counts once (default: generated).")
  String id;

  @Mixin AgentConnection agent;

  /**
   * A flag of some event types only: its help, the types it applies to and the payload field it
   * sets (by default its name with _ for -), typed as that field is.
   */
  private record Flag(
      String name,
      String label,
      String description,
      Class<?> type,
      Class<?> mapValues,
      Set<Type> types,
      String json) {

    static Flag of(String name, String label, String description, Class<?> type, Type... types) {
      return new Flag(
          name,
          label,
          description,
          type,
          null,
          EnumSet.copyOf(List.of(types)),
          name.substring(2).replace('-', '_'));
    }

    static Flag text(String name, String label, String description, Type... types) {
      return of(name, label, description, String.class, types);
    }

    static Flag number(String name, String label, String description, Type... types) {
      return of(name, label, description, Double.class, types);
    }

    /** A repeatable {@code KEY=VALUE} flag. */
    static Flag map(String name, String label, String description, Class<?> values, Type type) {
      Flag f = of(name, label, description, Map.class, type);
      return new Flag(name, label, description, Map.class, values, f.types, f.json);
    }

    Flag json(String field) {
      return new Flag(name, label, description, type, mapValues, types, field);
    }

    OptionSpec option() {
      OptionSpec.Builder b =
          OptionSpec.builder(name).paramLabel(label).description(description).type(type);
      if (mapValues != null) {
        b.auxiliaryTypes(String.class, mapValues);
      }
      // Counts are whole numbers: say so in words rather than as a Java type.
      if (type == Long.class) {
        b.converters(PushCommand::count);
      } else if (mapValues == Long.class) {
        b.converters(k -> k, PushCommand::count);
      } else if (label.equals("TIME")) {
        b.converters(new Converters.UnixTime());
      }
      return b.build();
    }
  }

  /** Every event type's own flags, in the order of the help. */
  private static final List<Flag> FLAGS =
      List.of(
          Flag.of(
              "--status",
              "STATUS",
              "${COMPLETION-CANDIDATES}.",
              Payload.Status.class,
              Type.stage_finished),
          Flag.number("--duration", "SECONDS", "Run duration.", Type.stage_finished)
              .json("duration_seconds"),
          Flag.of("--exit-code", "N", "Exit code.", Integer.class, Type.stage_finished),
          Flag.text("--error", "TEXT", "Error message.", Type.stage_finished),
          Flag.number("--cpu-seconds", "SECONDS", "CPU time used.", Type.stage_finished),
          Flag.number("--memory-peak-bytes", "BYTES", "Peak memory.", Type.stage_finished),
          Flag.number("--progress", "RATIO", "Progress, 0..1.", Type.heartbeat),
          Flag.of("--processed", "N", "Records processed (an integer).", Long.class, Type.records),
          Flag.of("--invalid", "N", "Records invalid (an integer).", Long.class, Type.records),
          Flag.of("--corrupt", "N", "Records corrupt (an integer).", Long.class, Type.records),
          Flag.of("--dropped", "N", "Records dropped (an integer).", Long.class, Type.records),
          Flag.text("--dataset", "NAME", "Dataset.", Type.data_quality),
          Flag.number(
              "--missing-values-ratio", "RATIO", "Missing values, 0..1.", Type.data_quality),
          Flag.map(
                  "--schema-violation",
                  "CHECK=N",
                  "Violations of a schema check (repeatable; an integer).",
                  Long.class,
                  Type.data_quality)
              .json("schema_violations"),
          Flag.of(
              "--newest-record-time",
              "TIME",
              "Time of the newest record: Unix seconds or RFC 3339.",
              Double.class,
              Type.data_quality),
          Flag.text("--feature", "NAME", "Feature.", Type.drift),
          Flag.number("--score", "X", "Drift score.", Type.drift),
          Flag.text("--model", "NAME", "Model.", Type.training, Type.model_metric),
          Flag.number("--epoch", "N", "Training epoch.", Type.training),
          Flag.map(
              "--loss",
              "SPLIT=X",
              "Loss of a split (repeatable; NaN allowed).",
              Double.class,
              Type.training),
          Flag.number("--samples-per-second", "X", "Training throughput.", Type.training),
          Flag.text("--version", "VERSION", "Model version.", Type.model_metric),
          Flag.text("--metric", "NAME", "Model quality metric.", Type.model_metric),
          Flag.number(
              "--value", "X", "Value (model_metric, metric).", Type.model_metric, Type.metric),
          Flag.of(
              "--role", "ROLE", "${COMPLETION-CANDIDATES}.", Payload.Role.class, Type.model_metric),
          Flag.text("--name", "NAME", "Metric name.", Type.metric),
          Flag.of(
              "--kind",
              "KIND",
              "${COMPLETION-CANDIDATES} (a counter's value is an increment).",
              Payload.MetricKind.class,
              Type.metric),
          Flag.map("--label", "K=V", "Metric label (repeatable).", String.class, Type.metric)
              .json("labels"));

  /** The flags each type requires, in the order their absence is reported. */
  private static final Map<Type, List<String>> REQUIRED =
      Map.of(
          Type.stage_finished, List.of("--status"),
          Type.data_quality, List.of("--dataset"),
          Type.drift, List.of("--feature", "--score"),
          Type.training, List.of("--model"),
          Type.model_metric, List.of("--model", "--version", "--metric", "--value"),
          Type.metric, List.of("--name", "--value"));

  /**
   * Adds {@link #FLAGS} after the common options and before the agent connection's, where the help
   * lists them (picocli lists options in the order they were added).
   */
  public static final class EventFlags implements CommandLine.IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec push) {
      List<OptionSpec> connection = List.copyOf(push.mixins().get("agent").options());
      connection.forEach(push::remove);
      FLAGS.forEach(f -> push.addOption(f.option()));
      connection.forEach(push::addOption);
      return push;
    }
  }

  @Override
  public Integer call() {
    Event event = event();
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

  Event event() {
    Map<String, Object> values = new LinkedHashMap<>();
    for (Flag f : FLAGS) {
      values.put(f.name(), spec.findOption(f.name()).getValue());
    }
    List<String> problems = new ArrayList<>();
    if (stage == null && type.needsStage()) {
      problems.add("--stage is required for " + type + " events");
    }
    String eventHost =
        host != null
            ? host
            : type == Type.stage_started || type == Type.stage_finished
                ? RunCommand.hostname()
                : null;
    // Random enough to be unique, without SecureRandom's start-up cost.
    String eventId =
        id != null
            ? id
            : new UUID(
                    ThreadLocalRandom.current().nextLong(), ThreadLocalRandom.current().nextLong())
                .toString();
    // The payload's fields by their names on the wire, as the flags set them.
    Map<String, Object> fields = new LinkedHashMap<>();
    for (Flag f : FLAGS) {
      Object v = values.get(f.name());
      if (v == null) {
        continue;
      }
      if (!f.types().contains(type)) {
        problems.add(f.name() + " does not apply to " + type + " events");
      } else {
        fields.put(f.json(), v);
      }
    }
    for (String flag : REQUIRED.getOrDefault(type, List.of())) {
      if (values.get(flag) == null) {
        problems.add(flag + " is required for " + type + " events");
      }
    }
    if (type == Type.records
        && Stream.of("--processed", "--invalid", "--corrupt", "--dropped")
            .allMatch(flag -> values.get(flag) == null)) {
      problems.add("a records event needs --processed, --invalid, --corrupt or --dropped");
    }
    if (!problems.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), String.join("\n", problems));
    }
    return new Event(pipeline, stage, time, eventHost, runId, eventId, Wire.payload(type, fields));
  }

  private static Long count(String v) {
    try {
      return Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      throw new CommandLine.TypeConversionException(
          "must be a whole number (records and violations are counted), got '" + v + "'");
    }
  }
}
