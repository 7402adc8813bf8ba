package io.mlpipe.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.mlpipe.client.AgentClient;
import io.mlpipe.ingest.ApiReply;
import io.mlpipe.pipeline.PipelineView;
import io.mlpipe.pipeline.PushedGroupView;
import io.mlpipe.pipeline.StageView;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mlpipe status}: the agent's pipelines as a table (or its JSON). */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Show the pipelines the agent knows: stages, status, last run, SLA, records.")
final class StatusCommand implements Callable<Integer> {

  @Option(
      names = "--json",
      description =
          "Print the agent's JSON as it is: the {\"status\",\"data\"} document of"
              + " GET /api/v1/pipelines (or /api/v1/pipelines/NAME with --pipeline).")
  boolean json;

  @Option(
      names = "--pipeline",
      paramLabel = "NAME",
      description = "Only this pipeline (exit 1 when the agent knows none by that name).")
  String pipeline;

  @Mixin AgentConnection agent;

  @Override
  public Integer call() throws IOException {
    AgentClient client = agent.client();
    AgentClient.Reply r = pipeline == null ? client.pipelines() : client.pipeline(pipeline);
    PrintWriter out = agent.out();
    if (r.outcome() != AgentClient.Outcome.ACCEPTED) {
      agent
          .err()
          .println(
              "mlpipe: cannot read "
                  + client.url()
                  + (pipeline == null ? "/api/v1/pipelines" : "/api/v1/pipelines/" + pipeline)
                  + ": "
                  + (r.status() > 0 ? reason(r) : r.body()));
      agent.err().flush();
      return 1;
    }
    JsonNode doc = AgentClient.Json.MAPPER.readTree(r.body());
    if (json) {
      // The agent's document unchanged, so scripts read the same thing from both.
      out.println(AgentClient.Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
      out.flush();
      return 0;
    }
    out.print(table(pipelines(doc.path("data")), System.currentTimeMillis() / 1000.0));
    out.flush();
    return 0;
  }

  /**
   * The document's {@code data}: one pipeline or a list, as the records the agent wrote. A field or
   * state this version does not know (a newer agent) is skipped or read as {@code unknown}.
   */
  static List<PipelineView> pipelines(JsonNode data) throws IOException {
    ObjectReader reader =
        AgentClient.Json.MAPPER
            .reader()
            .with(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE);
    if (data.isArray()) {
      return reader.forType(new TypeReference<List<PipelineView>>() {}).readValue(data);
    }
    PipelineView one = reader.forType(PipelineView.class).readValue(data);
    return List.of(one);
  }

  /** The agent's {@code error} field (status API), else its {@code errors} (events API). */
  private static String reason(AgentClient.Reply r) {
    try {
      ApiReply<JsonNode> reply =
          AgentClient.Json.MAPPER.readValue(r.body(), new TypeReference<>() {});
      if (reply.error() != null) {
        return reply.error();
      }
    } catch (IOException | RuntimeException e) {
      // not JSON
    }
    return String.join("; ", r.errors());
  }

  /**
   * One row per stage: the pipeline's and the stage's status (the agent's derivation, worst first:
   * failed, stalled, over_sla, data_problem, running, ok), then the problems, the last failure's
   * error of each stage, and groups pushed under each pipeline.
   */
  static String table(List<PipelineView> pipelines, double now) {
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {
          "PIPELINE",
          "STATUS",
          "STAGE",
          "STAGE STATUS",
          "LAST RUN",
          "DURATION / SLA",
          "HEARTBEAT",
          "RECORDS"
        });
    StringBuilder after = new StringBuilder();
    for (PipelineView p : pipelines) {
      String name = p.name();
      String pipelineStatus = p.status().name();
      Map<String, StageView> stages = p.stages() == null ? Map.of() : p.stages();
      if (stages.isEmpty()) {
        rows.add(new String[] {name, pipelineStatus, "-", "-", "-", "-", "-", "-"});
      }
      for (Map.Entry<String, StageView> e : stages.entrySet()) {
        StageView s = e.getValue();
        boolean running = s.status() == StageView.RunState.running;
        double lastEnd = Math.max(orZero(s.lastSuccess()), orZero(s.lastFailure()));
        double lastStart = orZero(s.lastStart());
        String lastRun =
            running && lastStart > 0
                ? "started " + age(now - lastStart) + " ago"
                : lastEnd > 0 ? age(now - lastEnd) + " ago" : "-";
        // A run in progress shows its own duration so far, not the last finished run's.
        Double judged = running ? s.durationSeconds() : s.lastDurationSeconds();
        String duration = judged != null ? age(judged) : "-";
        if (s.slaSeconds() != null) {
          duration += " / " + age(s.slaSeconds());
          if (Boolean.TRUE.equals(s.overSla())) {
            duration += " OVER";
          }
        }
        String heartbeat =
            s.heartbeatAgeSeconds() != null ? age(s.heartbeatAgeSeconds()) + " ago" : "-";
        String status = s.health().name();
        if (s.progress() != null && running) {
          status += String.format(Locale.ROOT, " %.0f%%", s.progress() * 100);
        }
        rows.add(
            new String[] {
              name, pipelineStatus, e.getKey(), status, lastRun, duration, heartbeat, records(s)
            });
        if (s.lastError() != null) {
          after.append(name).append('/').append(e.getKey()).append(" last failure:\n");
          s.lastError().lines().forEach(l -> after.append("  | ").append(l).append('\n'));
        }
      }
      for (String problem : p.problems()) {
        after.append("problem: ").append(problem).append('\n');
      }
      for (PushedGroupView g : p.pushed() == null ? List.<PushedGroupView>of() : p.pushed()) {
        List<String> key = new ArrayList<>();
        g.groupingKey().forEach((k, v) -> key.add(k + "=" + v));
        after
            .append(name)
            .append(" pushed {")
            .append(String.join(",", key))
            .append("}: last push ")
            .append(g.lastPush() != null ? age(now - g.lastPush()) + " ago" : "-")
            .append(", last failed push ")
            .append(g.lastPushFailure() != null ? age(now - g.lastPushFailure()) + " ago" : "-")
            .append(", families ")
            .append(String.join(" ", g.families()))
            .append('\n');
      }
    }
    int[] width = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    StringBuilder b = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(row[i]);
        if (i < row.length - 1) {
          line.append(" ".repeat(width[i] - row[i].length() + 2));
        }
      }
      b.append(line.toString().stripTrailing()).append('\n');
    }
    if (rows.size() == 1) {
      b.append("(no pipelines yet)\n");
    }
    return b.append(after).toString();
  }

  /** The outcomes counted, in name order; zeros only for {@code processed}. */
  private static String records(StageView s) {
    StageView.Records r = s.records();
    if (r == null) {
      return "-";
    }
    List<String> parts = new ArrayList<>();
    addRecords(parts, "corrupt", r.corrupt(), false);
    addRecords(parts, "dropped", r.dropped(), false);
    addRecords(parts, "invalid", r.invalid(), false);
    addRecords(parts, "processed", r.processed(), true);
    return parts.isEmpty() ? "-" : String.join(" ", parts);
  }

  private static void addRecords(List<String> parts, String outcome, Double n, boolean evenZero) {
    if (n != null && (n > 0 || evenZero)) {
      parts.add(outcome + "=" + count(n));
    }
  }

  private static double orZero(Double d) {
    return d == null ? 0 : d;
  }

  /** 42s, 3m20s, 2h05m, 3d04h. */
  static String age(double seconds) {
    long s = Math.max(0, Math.round(seconds));
    if (seconds < 10 && seconds != Math.floor(seconds)) {
      return String.format(Locale.ROOT, "%.1fs", Math.max(0, seconds));
    }
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    if (s < 86400) {
      return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
    }
    return String.format(Locale.ROOT, "%dd%02dh", s / 86400, s % 86400 / 3600);
  }

  private static String count(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? Long.toString((long) v)
        : String.format(Locale.ROOT, "%g", v);
  }
}
