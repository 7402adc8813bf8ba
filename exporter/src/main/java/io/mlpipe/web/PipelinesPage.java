package io.mlpipe.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The status page at {@code /pipelines}: every pipeline and stage from the same data as {@code
 * /api/v1/pipelines}, problems highlighted, refreshed by a meta refresh. Plain server-rendered
 * HTML: no scripts, no external assets.
 *
 * <pre>{@code
 * String html = PipelinesPage.render(new PipelinesPage.Model(pipelines, now, 10));
 * }</pre>
 */
public final class PipelinesPage {

  /**
   * @param pipelines as {@code PipelineStatus.all} gives them: each with its health ({@code
   *     status}) and problems already derived, so the page shows what the API says
   * @param refreshSeconds meta refresh interval; 0 for none
   */
  public record Model(
      Collection<Map<String, Object>> pipelines,
      double nowSeconds,
      int refreshSeconds,
      String grafanaUrl) {
    public Model(Collection<Map<String, Object>> pipelines, double nowSeconds, int refreshSeconds) {
      this(pipelines, nowSeconds, refreshSeconds, null);
    }
  }

  private PipelinesPage() {}

  public static String render(Model m) {
    StringBuilder h = new StringBuilder(16_384);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    if (m.refreshSeconds() > 0) {
      h.append("<meta http-equiv=\"refresh\" content=\"")
          .append(m.refreshSeconds())
          .append("\">\n");
    }
    h.append(
        """
        <title>mlpipe pipelines</title>
        <style>
        body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222;background:#fff}
        h1{margin:0}h2{margin:1.6rem 0 .3rem}.sub{color:#666;margin:.2rem 0 1rem}
        table{border-collapse:collapse;margin:.4rem 0;font-size:.92rem}
        td,th{padding:.25rem .6rem;border-bottom:1px solid #e3e3e3;text-align:left;vertical-align:top}
        th{background:#f6f8fa;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
        .badge{display:inline-block;padding:.05rem .5rem;border-radius:.6rem;font-size:.85rem;font-weight:600}
        .success{background:#dafbe1;color:#116329}.failure{background:#ffebe9;color:#a40e26}
        .running{background:#ddf4ff;color:#0550ae}.unknown{background:#eee;color:#555}
        .warn{background:#fff8c5;color:#7d4e00}
        pre.error{margin:0;white-space:pre-wrap;font-size:.85rem;color:#a40e26;max-width:60rem}
        tr.problem td{background:#fff5f5}.bad{color:#a40e26;font-weight:600}.muted{color:#888}
        .problems{border-left:4px solid #cf222e;background:#fff5f5;padding:.4rem 1rem;margin:.6rem 0}
        .ok{border-left:4px solid #2da44e;background:#f0fff4;padding:.4rem 1rem;margin:.6rem 0}
        .meta{color:#555;font-size:.9rem}.cols{display:flex;gap:2.5rem;flex-wrap:wrap}
        </style></head><body>
        <h1>Pipelines</h1>
        """);
    h.append("<p class=\"sub\">")
        .append(m.pipelines().size())
        .append(" pipeline")
        .append(m.pipelines().size() == 1 ? "" : "s")
        .append(" at ")
        .append(
            Html.escape(
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
                    .withZone(ZoneOffset.UTC)
                    .format(Instant.ofEpochMilli((long) (m.nowSeconds() * 1000)))));
    if (m.refreshSeconds() > 0) {
      h.append(", refreshed every ").append(m.refreshSeconds()).append(" s");
    }
    h.append(
        " &middot; <a href=\"/\">agent</a> &middot; <a href=\"/api/v1/pipelines\">JSON</a>"
            + " &middot; <a href=\"/metrics\">metrics</a></p>\n");

    List<String> problems = new ArrayList<>();
    StringBuilder body = new StringBuilder();
    for (Map<String, Object> p : m.pipelines()) {
      pipeline(body, p, m.nowSeconds(), m.grafanaUrl());
      if (p.get("problems") instanceof List<?> l) {
        l.forEach(x -> problems.add(str(x)));
      }
    }
    if (m.pipelines().isEmpty()) {
      h.append(
          "<p class=\"ok\">No pipelines yet: declare them in the config or send events to"
              + " <code>POST /api/v1/events</code> (try <code>mlpipe demo</code>).</p>\n");
    } else if (problems.isEmpty()) {
      h.append("<p class=\"ok\" id=\"problems\">No problems.</p>\n");
    } else {
      h.append("<div class=\"problems\" id=\"problems\"><strong>")
          .append(problems.size())
          .append(problems.size() == 1 ? " problem" : " problems")
          .append("</strong><ul>\n");
      for (String pr : problems) {
        h.append("<li>").append(Html.escape(pr)).append("</li>\n");
      }
      h.append("</ul></div>\n");
    }
    h.append(body).append("</body></html>\n");
    return h.toString();
  }

  @SuppressWarnings("unchecked")
  private static void pipeline(
      StringBuilder h, Map<String, Object> p, double now, String grafanaUrl) {
    String name = str(p.get("name"));
    String status = str(p.getOrDefault("status", "unknown"));
    h.append("<section class=\"pipeline\" id=\"pipeline-")
        .append(Html.escape(name))
        .append("\" data-pipeline=\"")
        .append(Html.escape(name))
        .append("\" data-status=\"")
        .append(Html.escape(status))
        .append("\">\n<h2>")
        .append(Html.escape(name))
        .append(' ')
        .append(badge(status))
        .append(grafanaLink(grafanaUrl, name))
        .append("</h2>\n<p class=\"meta\">");
    if (Boolean.TRUE.equals(p.get("declared"))) {
      h.append("team <strong>")
          .append(Html.escape(str(p.getOrDefault("team", ""))))
          .append("</strong>");
      String owner = str(p.getOrDefault("owner", ""));
      if (!owner.isEmpty()) {
        h.append(", owner ").append(Html.escape(owner));
      }
    } else {
      h.append("not declared in the config (no team, no thresholds)");
    }
    h.append("</p>\n");

    Map<String, Object> stages = (Map<String, Object>) p.getOrDefault("stages", Map.of());
    h.append(
        "<table class=\"stages\"><tr><th>stage</th><th>status</th><th>last start</th>"
            + "<th>duration / SLA</th><th>heartbeat</th><th>progress</th>"
            + "<th>runs ok / failed / cancelled</th><th>records</th><th>missing values</th>"
            + "<th>problems</th></tr>\n");
    for (Map.Entry<String, Object> e : stages.entrySet()) {
      stageRow(h, name, e.getKey(), (Map<String, Object>) e.getValue(), now);
    }
    h.append("</table>\n<div class=\"cols\">\n");
    models(h, (Map<String, Object>) p.get("models"));
    losses(h, (Map<String, Object>) p.get("training_loss"));
    drift(h, (Map<String, Object>) p.get("drift"), num(p.get("drift_threshold")));
    pushed(h, (List<Object>) p.get("pushed"), now);
    h.append("</div>\n</section>\n");
  }

  @SuppressWarnings("unchecked")
  private static void stageRow(
      StringBuilder h, String pipeline, String stage, Map<String, Object> s, double now) {
    String status = str(s.getOrDefault("status", "unknown"));
    String health = str(s.getOrDefault("health", "unknown"));
    boolean running = status.equals("running");
    List<Object> issues = (List<Object>) s.getOrDefault("problems", List.of());
    Map<String, Object> records = (Map<String, Object>) s.getOrDefault("records", Map.of());
    double processed = val(records.get("processed"));
    double bad = val(records.get("invalid")) + val(records.get("corrupt"));
    double all = processed + bad + val(records.get("dropped"));
    Map<String, Object> missing =
        (Map<String, Object>) s.getOrDefault("missing_values_ratio", Map.of());
    Map<String, Object> missingMax =
        (Map<String, Object>) s.getOrDefault("missing_values_max_ratio", Map.of());
    StringBuilder missingCell = new StringBuilder();
    for (Map.Entry<String, Object> d : missing.entrySet()) {
      double ratio = val(d.getValue());
      Double max = num(missingMax.get(d.getKey()));
      boolean high = max != null && ratio > max;
      if (missingCell.length() > 0) {
        missingCell.append("<br>");
      }
      missingCell
          .append(Html.escape(d.getKey()))
          .append(": <span")
          .append(high ? " class=\"bad\"" : "")
          .append('>')
          .append(String.format(Locale.ROOT, "%.1f %%", 100 * ratio))
          .append("</span>");
    }
    h.append("<tr class=\"stage")
        .append(issues.isEmpty() ? "" : " problem")
        .append("\" data-pipeline=\"")
        .append(Html.escape(pipeline))
        .append("\" data-stage=\"")
        .append(Html.escape(stage))
        .append("\" data-status=\"")
        .append(Html.escape(status))
        .append("\" data-health=\"")
        .append(Html.escape(health))
        .append("\"><td>")
        .append(Html.escape(stage))
        .append("</td><td>")
        .append(badge(health))
        .append("</td><td>");
    Double start = num(s.get("last_start"));
    h.append(start == null ? "<span class=\"muted\">never</span>" : age(now - start) + " ago");
    h.append("</td><td class=\"num\">");
    // A run in progress shows its own duration so far, never the last finished run's.
    Double duration =
        running ? num(s.get("duration_seconds")) : num(s.get("last_duration_seconds"));
    String durationText = duration == null ? "&ndash;" : Html.escape(age(duration));
    if (Boolean.TRUE.equals(s.get("over_sla"))) {
      h.append("<span class=\"bad\">").append(durationText).append("</span>");
    } else {
      h.append(durationText);
    }
    Double sla = num(s.get("sla_seconds"));
    h.append(" / ").append(sla == null ? "<span class=\"muted\">no SLA</span>" : age(sla));
    h.append("</td><td class=\"num\">");
    Double hbAge = num(s.get("heartbeat_age_seconds"));
    if (hbAge == null) {
      h.append("&ndash;");
    } else if (health.equals("stalled")) {
      h.append("<span class=\"bad\">").append(age(hbAge)).append(" ago</span>");
    } else {
      h.append(age(hbAge)).append(" ago");
    }
    h.append("</td><td class=\"num\">");
    Double progress = num(s.get("progress"));
    h.append(
        progress == null || !running
            ? "&ndash;"
            : String.format(Locale.ROOT, "%.0f %%", 100 * progress));
    h.append("</td><td class=\"num\">");
    Map<String, Object> runs = (Map<String, Object>) s.getOrDefault("runs", Map.of());
    double failed = val(runs.get("failure"));
    h.append(count(val(runs.get("success"))))
        .append(" / ")
        .append(failed > 0 ? "<span class=\"bad\">" + count(failed) + "</span>" : count(failed))
        .append(" / ")
        .append(count(val(runs.get("cancelled"))));
    h.append("</td><td class=\"num\">");
    if (all > 0) {
      h.append(count(processed)).append(" processed");
      if (bad > 0) {
        h.append("<br><span")
            .append(health.equals("data_problem") ? " class=\"bad\"" : "")
            .append('>')
            .append(count(bad))
            .append(" invalid/corrupt</span>");
      }
    } else {
      h.append("&ndash;");
    }
    List<String> texts = new ArrayList<>();
    issues.forEach(i -> texts.add(str(i)));
    h.append("</td><td>")
        .append(missingCell.length() == 0 ? "&ndash;" : missingCell)
        .append("</td><td class=\"bad\">")
        .append(Html.escape(String.join("; ", texts)))
        .append("</td></tr>\n");
    Object error = s.get("last_error");
    if (error != null) {
      h.append("<tr class=\"error\" data-pipeline=\"")
          .append(Html.escape(pipeline))
          .append("\" data-stage=\"")
          .append(Html.escape(stage))
          .append("\"><td></td><td colspan=\"9\">last failure:<pre class=\"error\">")
          .append(Html.escape(str(error)))
          .append("</pre></td></tr>\n");
    }
  }

  @SuppressWarnings("unchecked")
  private static void models(StringBuilder h, Map<String, Object> models) {
    if (models == null || models.isEmpty()) {
      return;
    }
    h.append(
        "<div><h3>Models</h3><table class=\"models\"><tr><th>model</th><th>metric</th>"
            + "<th>candidate</th><th>production</th></tr>\n");
    for (Map.Entry<String, Object> e : models.entrySet()) {
      Map<String, Object> roles = (Map<String, Object>) e.getValue();
      Map<String, Object> candidate =
          (Map<String, Object>) roles.getOrDefault("candidate", Map.of());
      Map<String, Object> production =
          (Map<String, Object>) roles.getOrDefault("production", Map.of());
      java.util.Set<String> names = new java.util.TreeSet<>();
      names.addAll(((Map<String, Object>) candidate.getOrDefault("metrics", Map.of())).keySet());
      names.addAll(((Map<String, Object>) production.getOrDefault("metrics", Map.of())).keySet());
      h.append("<tr><td>")
          .append(Html.escape(e.getKey()))
          .append("</td><td class=\"muted\">version</td><td>")
          .append(Html.escape(str(candidate.getOrDefault("version", ""))))
          .append("</td><td>")
          .append(Html.escape(str(production.getOrDefault("version", ""))))
          .append("</td></tr>\n");
      for (String metric : names) {
        h.append("<tr><td></td><td>")
            .append(Html.escape(metric))
            .append("</td><td class=\"num\">")
            .append(metricCell(candidate, metric))
            .append("</td><td class=\"num\">")
            .append(metricCell(production, metric))
            .append("</td></tr>\n");
      }
    }
    h.append("</table></div>\n");
  }

  /** A metric's value with the version it was reported for. */
  @SuppressWarnings("unchecked")
  private static String metricCell(Map<String, Object> role, String metric) {
    Map<String, Object> metrics = (Map<String, Object>) role.getOrDefault("metrics", Map.of());
    if (!(metrics.get(metric) instanceof Map<?, ?> m)) {
      return "&ndash;";
    }
    Object version = m.get("version");
    return number(val(m.get("value")))
        + (version == null
            ? ""
            : " <span class=\"muted\">" + Html.escape(str(version)) + "</span>");
  }

  private static void losses(StringBuilder h, Map<String, Object> losses) {
    if (losses == null || losses.isEmpty()) {
      return;
    }
    h.append(
        "<div><h3>Training loss</h3><table class=\"loss\"><tr><th>model : split</th>"
            + "<th>loss</th></tr>\n");
    for (Map.Entry<String, Object> e : losses.entrySet()) {
      double v = val(e.getValue());
      h.append("<tr><td>")
          .append(Html.escape(e.getKey()))
          .append("</td><td class=\"num")
          .append(Double.isFinite(v) ? "" : " bad")
          .append("\">")
          .append(number(v))
          .append("</td></tr>\n");
    }
    h.append("</table></div>\n");
  }

  private static void drift(StringBuilder h, Map<String, Object> drift, Double threshold) {
    if (drift == null || drift.isEmpty()) {
      return;
    }
    h.append("<div><h3>Drift</h3><table class=\"drift\"><tr><th>feature</th><th>score");
    if (threshold != null) {
      h.append(" (max ").append(number(threshold)).append(')');
    }
    h.append("</th></tr>\n");
    for (Map.Entry<String, Object> e : drift.entrySet()) {
      double v = val(e.getValue());
      h.append("<tr><td>")
          .append(Html.escape(e.getKey()))
          .append("</td><td class=\"num")
          .append(threshold != null && v > threshold ? " bad" : "")
          .append("\">")
          .append(number(v))
          .append("</td></tr>\n");
    }
    h.append("</table></div>\n");
  }

  /** Groups pushed through the Pushgateway API whose grouping key names this pipeline. */
  @SuppressWarnings("unchecked")
  private static void pushed(StringBuilder h, List<Object> groups, double now) {
    if (groups == null || groups.isEmpty()) {
      return;
    }
    h.append(
        "<div><h3>Pushed groups</h3><table class=\"pushed\"><tr><th>grouping key</th>"
            + "<th>last push</th><th>last failed push</th><th>families</th></tr>\n");
    for (Object o : groups) {
      Map<String, Object> g = (Map<String, Object>) o;
      List<String> key = new ArrayList<>();
      ((Map<String, Object>) g.getOrDefault("grouping_key", Map.of()))
          .forEach((k, v) -> key.add(k + "=" + v));
      Double push = num(g.get("last_push"));
      Double failure = num(g.get("last_push_failure"));
      boolean failedLast = failure != null && (push == null || failure >= push);
      h.append("<tr><td>")
          .append(Html.escape(String.join(", ", key)))
          .append("</td><td>")
          .append(push == null ? "&ndash;" : age(now - push) + " ago")
          .append("</td><td")
          .append(failedLast ? " class=\"bad\"" : "")
          .append('>')
          .append(failure == null ? "&ndash;" : age(now - failure) + " ago")
          .append("</td><td>");
      List<String> families = new ArrayList<>();
      ((List<Object>) g.getOrDefault("families", List.of())).forEach(f -> families.add(str(f)));
      h.append(Html.escape(String.join(", ", families))).append("</td></tr>\n");
    }
    h.append("</table></div>\n");
  }

  private static String badge(String health) {
    String cls =
        switch (health) {
          case "failed" -> "failure";
          case "ok" -> "success";
          case "running" -> "running";
          case "stalled", "over_sla", "data_problem" -> "warn";
          default -> "unknown";
        };
    String text =
        switch (health) {
          case "over_sla" -> "over SLA";
          case "data_problem" -> "data problem";
          default -> health;
        };
    return "<span class=\"badge " + cls + "\">" + Html.escape(text) + "</span>";
  }

  /** A duration for people: 45 s, 12m 5s, 3h 20m, 2d 4h. */
  static String age(double seconds) {
    long s = Math.round(Math.max(0, seconds));
    if (seconds < 10) {
      return String.format(Locale.ROOT, "%.1f s", Math.max(0, seconds));
    }
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return (s / 60) + "m " + (s % 60) + "s";
    }
    if (s < 86_400) {
      return (s / 3600) + "h " + (s % 3600 / 60) + "m";
    }
    return (s / 86_400) + "d " + (s % 86_400 / 3600) + "h";
  }

  private static String count(double n) {
    if (n >= 1e9) {
      return String.format(Locale.ROOT, "%.2fG", n / 1e9);
    }
    if (n >= 1e6) {
      return String.format(Locale.ROOT, "%.2fM", n / 1e6);
    }
    if (n >= 1e4) {
      return String.format(Locale.ROOT, "%.1fk", n / 1e3);
    }
    return String.format(Locale.ROOT, "%.0f", n);
  }

  private static String number(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    return String.format(Locale.ROOT, "%.4g", v);
  }

  /** The pipeline's Grafana dashboard (dashboards/mlpipe-pipelines.json), when Grafana is set. */
  static String grafanaLink(String grafanaUrl, String pipeline) {
    if (grafanaUrl == null) {
      return "";
    }
    String href =
        grafanaUrl
            + "/d/mlpipe-pipelines?var-pipeline="
            + java.net.URLEncoder.encode(pipeline, java.nio.charset.StandardCharsets.UTF_8);
    return " <a class=\"grafana\" href=\"" + Html.escape(href) + "\">Grafana</a>";
  }

  private static String str(Object o) {
    return o == null ? "" : o.toString();
  }

  private static Double num(Object o) {
    return o instanceof Number n ? n.doubleValue() : null;
  }

  private static double val(Object o) {
    return o instanceof Number n ? n.doubleValue() : 0;
  }
}
