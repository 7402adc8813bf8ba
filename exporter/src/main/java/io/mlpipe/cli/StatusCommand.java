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

  @Option(names = "--json", description = "Print the agent's JSON (GET /api/v1/pipelines).")
  boolean json;

  @Mixin AgentConnection agent;

  @Override
  public Integer call() throws IOException {
    AgentClient client = agent.client();
    AgentClient.Reply r = client.pipelines();
    PrintWriter out = agent.out();
    if (r.outcome() != AgentClient.Outcome.ACCEPTED) {
      agent
          .err()
          .println(
              "mlpipe: cannot read "
                  + client.url()
                  + "/api/v1/pipelines: "
                  + (r.status() > 0 ? String.join("; ", r.errors()) : r.body()));
      agent.err().flush();
      return 1;
    }
    JsonNode data = AgentClient.Json.MAPPER.readTree(r.body()).path("data");
    if (json) {
      out.println(
          AgentClient.Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(data));
      out.flush();
      return 0;
    }
    out.print(table(data, System.currentTimeMillis() / 1000.0));
    out.flush();
    return 0;
  }

  static String table(JsonNode pipelines, double now) {
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {
          "PIPELINE", "STAGE", "STATUS", "LAST RUN", "DURATION / SLA", "HEARTBEAT", "RECORDS"
        });
    for (JsonNode p : pipelines) {
      String name = p.path("name").asText();
      JsonNode stages = p.path("stages");
      if (!stages.isObject() || stages.isEmpty()) {
        rows.add(new String[] {name, "-", p.path("status").asText("unknown"), "-", "-", "-", "-"});
        continue;
      }
      Iterator<Map.Entry<String, JsonNode>> it = stages.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode s = e.getValue();
        double lastEnd =
            Math.max(s.path("last_success").asDouble(0), s.path("last_failure").asDouble(0));
        double lastStart = s.path("last_start").asDouble(0);
        String lastRun =
            s.path("status").asText().equals("running") && lastStart > 0
                ? "started " + age(now - lastStart) + " ago"
                : lastEnd > 0 ? age(now - lastEnd) + " ago" : "-";
        String duration =
            s.has("last_duration_seconds") ? age(s.path("last_duration_seconds").asDouble()) : "-";
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
        String status = s.path("status").asText("unknown");
        if (s.has("progress") && status.equals("running")) {
          status += String.format(Locale.ROOT, " %.0f%%", s.path("progress").asDouble() * 100);
        }
        rows.add(
            new String[] {
              name,
              e.getKey(),
              status,
              lastRun,
              duration,
              heartbeat,
              records.length() == 0 ? "-" : records.toString()
            });
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
    return b.toString();
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
