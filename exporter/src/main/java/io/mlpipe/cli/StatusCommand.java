package io.mlpipe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlpipe.client.AgentClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
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
    JsonNode data = doc.path("data");
    out.print(
        table(
            data.isArray() ? data : AgentClient.Json.MAPPER.createArrayNode().add(data),
            System.currentTimeMillis() / 1000.0));
    out.flush();
    return 0;
  }

  /** The agent's {@code error} field (status API), else its {@code errors} (events API). */
  private static String reason(AgentClient.Reply r) {
    try {
      JsonNode e = AgentClient.Json.MAPPER.readTree(r.body()).path("error");
      if (e.isTextual()) {
        return e.asText();
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
  static String table(JsonNode pipelines, double now) {
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
    for (JsonNode p : pipelines) {
      String name = p.path("name").asText();
      String pipelineStatus = p.path("status").asText("unknown");
      JsonNode stages = p.path("stages");
      if (!stages.isObject() || stages.isEmpty()) {
        rows.add(new String[] {name, pipelineStatus, "-", "-", "-", "-", "-", "-"});
      }
      Iterator<Map.Entry<String, JsonNode>> it = stages.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode s = e.getValue();
        boolean running = s.path("status").asText().equals("running");
        double lastEnd =
            Math.max(s.path("last_success").asDouble(0), s.path("last_failure").asDouble(0));
        double lastStart = s.path("last_start").asDouble(0);
        String lastRun =
            running && lastStart > 0
                ? "started " + age(now - lastStart) + " ago"
                : lastEnd > 0 ? age(now - lastEnd) + " ago" : "-";
        // A run in progress shows its own duration so far, not the last finished run's.
        String durationField = running ? "duration_seconds" : "last_duration_seconds";
        String duration = s.has(durationField) ? age(s.path(durationField).asDouble()) : "-";
        if (s.has("sla_seconds")) {
          duration += " / " + age(s.path("sla_seconds").asDouble());
          if (s.path("over_sla").asBoolean(false)) {
            duration += " OVER";
          }
        }
        String heartbeat =
            s.has("heartbeat_age_seconds")
                ? age(s.path("heartbeat_age_seconds").asDouble()) + " ago"
                : "-";
        StringBuilder records = new StringBuilder();
        Iterator<Map.Entry<String, JsonNode>> rec = s.path("records").fields();
        while (rec.hasNext()) {
          Map.Entry<String, JsonNode> x = rec.next();
          if (x.getValue().asDouble() > 0 || x.getKey().equals("processed")) {
            records.append(records.length() > 0 ? " " : "");
            records.append(x.getKey()).append('=').append(count(x.getValue().asDouble()));
          }
        }
        String status = s.path("health").asText(s.path("status").asText("unknown"));
        if (s.has("progress") && running) {
          status += String.format(Locale.ROOT, " %.0f%%", s.path("progress").asDouble() * 100);
        }
        rows.add(
            new String[] {
              name,
              pipelineStatus,
              e.getKey(),
              status,
              lastRun,
              duration,
              heartbeat,
              records.length() == 0 ? "-" : records.toString()
            });
        if (s.path("last_error").isTextual()) {
          after.append(name).append('/').append(e.getKey()).append(" last failure:\n");
          s.path("last_error")
              .asText()
              .lines()
              .forEach(l -> after.append("  | ").append(l).append('\n'));
        }
      }
      for (JsonNode problem : p.path("problems")) {
        after.append("problem: ").append(problem.asText()).append('\n');
      }
      for (JsonNode g : p.path("pushed")) {
        List<String> key = new ArrayList<>();
        g.path("grouping_key")
            .fields()
            .forEachRemaining(k -> key.add(k.getKey() + "=" + k.getValue().asText()));
        List<String> families = new ArrayList<>();
        g.path("families").forEach(f -> families.add(f.asText()));
        after
            .append(name)
            .append(" pushed {")
            .append(String.join(",", key))
            .append("}: last push ")
            .append(g.has("last_push") ? age(now - g.path("last_push").asDouble()) + " ago" : "-")
            .append(", last failed push ")
            .append(
                g.has("last_push_failure")
                    ? age(now - g.path("last_push_failure").asDouble()) + " ago"
                    : "-")
            .append(", families ")
            .append(String.join(" ", families))
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
