package io.mlpipe.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The status page at {@code /pipelines}: every pipeline and stage from the same data as {@code
 * /api/v1/pipelines}, problems highlighted, refreshed by a meta refresh. Plain server-rendered
 * HTML: no scripts, no external assets.
 *
 * <pre>{@code
 * String html = PipelinesPage.render(new PipelinesPage.Model(pipelines, thresholds, now, 10));
 * }</pre>
 */
public final class PipelinesPage {

  /** Heartbeat age above which a running stage counts as stalled (rules/pipeline.yml). */
  static final double STALL_SECONDS = 300;

  static final double DEFAULT_MISSING_MAX = 0.1;
  static final double DEFAULT_DRIFT_THRESHOLD = 0.2;
  static final double CORRUPT_RATIO_MAX = 0.01;

  /** Thresholds from the config that the status data does not carry. */
  public record Thresholds(Map<String, Double> missingValuesMaxRatio, Double driftThreshold) {
    static final Thresholds NONE = new Thresholds(Map.of(), null);
  }

  /**
   * @param pipelines as {@code PipelineStatus.all} gives them
   * @param thresholds by pipeline name
   * @param refreshSeconds meta refresh interval; 0 for none
   */
  public record Model(
      Collection<Map<String, Object>> pipelines,
      Map<String, Thresholds> thresholds,
      double nowSeconds,
      int refreshSeconds,
      String grafanaUrl) {
    public Model(
        Collection<Map<String, Object>> pipelines,
        Map<String, Thresholds> thresholds,
        double nowSeconds,
        int refreshSeconds) {
      this(pipelines, thresholds, nowSeconds, refreshSeconds, null);
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
      String name = str(p.get("name"));
      pipeline(
          body,
          p,
          m.thresholds().getOrDefault(name, Thresholds.NONE),
          m.nowSeconds(),
          problems,
          m.grafanaUrl());
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
      StringBuilder h,
      Map<String, Object> p,
      Thresholds thresholds,
      double now,
      List<String> problems,
      String grafanaUrl) {
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
            + "<th>last duration / SLA</th><th>heartbeat</th><th>progress</th>"
            + "<th>runs ok / failed / cancelled</th><th>records</th><th>missing values</th>"
            + "<th>problems</th></tr>\n");
    for (Map.Entry<String, Object> e : stages.entrySet()) {
      String stage = e.getKey();
      Map<String, Object> s = (Map<String, Object>) e.getValue();
      stageRow(h, name, stage, s, thresholds, now, problems);
    }
    h.append("</table>\n<div class=\"cols\">\n");
    models(h, name, (Map<String, Object>) p.get("models"), problems);
    losses(h, name, (Map<String, Object>) p.get("training_loss"), problems);
    drift(h, name, (Map<String, Object>) p.get("drift"), thresholds, problems);
    h.append("</div>\n</section>\n");
  }

  @SuppressWarnings("unchecked")
  private static void stageRow(
      StringBuilder h,
      String pipeline,
      String stage,
      Map<String, Object> s,
      Thresholds thresholds,
      double now,
      List<String> problems) {
    String status = str(s.getOrDefault("status", "unknown"));
    List<String> issues = new ArrayList<>();
    if (status.equals("failure")) {
      issues.add("failed");
    }
    Double sla = num(s.get("sla_seconds"));
    if (Boolean.TRUE.equals(s.get("over_sla"))) {
      issues.add(status.equals("running") ? "running over its SLA" : "last run over its SLA");
    }
    Double hbAge = num(s.get("heartbeat_age_seconds"));
    if (status.equals("running") && hbAge != null && hbAge > STALL_SECONDS) {
      issues.add("stalled: no heartbeat for " + age(hbAge));
    }
    Map<String, Object> records = (Map<String, Object>) s.getOrDefault("records", Map.of());
    double processed = val(records.get("processed"));
    double bad = val(records.get("invalid")) + val(records.get("corrupt"));
    double all = processed + bad + val(records.get("dropped"));
    if (all > 0 && bad / all > CORRUPT_RATIO_MAX) {
      issues.add(String.format(Locale.ROOT, "%.1f %% invalid or corrupt records", 100 * bad / all));
    }
    Map<String, Object> missing =
        (Map<String, Object>) s.getOrDefault("missing_values_ratio", Map.of());
    StringBuilder missingCell = new StringBuilder();
    for (Map.Entry<String, Object> d : missing.entrySet()) {
      double ratio = val(d.getValue());
      double max = thresholds.missingValuesMaxRatio().getOrDefault(d.getKey(), DEFAULT_MISSING_MAX);
      boolean high = ratio > max;
      if (high) {
        issues.add(
            String.format(
                Locale.ROOT,
                "%.1f %% missing values in %s (max %.1f %%)",
                100 * ratio,
                d.getKey(),
                100 * max));
      }
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
    for (String i : issues) {
      problems.add(pipeline + "/" + stage + ": " + i);
    }
    h.append("<tr class=\"stage")
        .append(issues.isEmpty() ? "" : " problem")
        .append("\" data-pipeline=\"")
        .append(Html.escape(pipeline))
        .append("\" data-stage=\"")
        .append(Html.escape(stage))
        .append("\" data-status=\"")
        .append(Html.escape(status))
        .append("\"><td>")
        .append(Html.escape(stage))
        .append("</td><td>")
        .append(badge(status))
        .append("</td><td>");
    Double start = num(s.get("last_start"));
    h.append(start == null ? "<span class=\"muted\">never</span>" : age(now - start) + " ago");
    h.append("</td><td class=\"num\">");
    Double duration = num(s.get("last_duration_seconds"));
    String durationText = duration == null ? "&ndash;" : Html.escape(seconds(duration));
    if (duration != null && sla != null && duration > sla) {
      h.append("<span class=\"bad\">").append(durationText).append("</span>");
    } else {
      h.append(durationText);
    }
    h.append(" / ").append(sla == null ? "<span class=\"muted\">no SLA</span>" : seconds(sla));
    h.append("</td><td class=\"num\">");
    if (hbAge == null) {
      h.append("&ndash;");
    } else if (status.equals("running") && hbAge > STALL_SECONDS) {
      h.append("<span class=\"bad\">").append(age(hbAge)).append(" ago</span>");
    } else {
      h.append(age(hbAge)).append(" ago");
    }
    h.append("</td><td class=\"num\">");
    Double progress = num(s.get("progress"));
    h.append(
        progress == null || !status.equals("running")
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
        boolean high = bad / all > CORRUPT_RATIO_MAX;
        h.append("<br><span")
            .append(high ? " class=\"bad\"" : "")
            .append('>')
            .append(count(bad))
            .append(" invalid/corrupt</span>");
      }
    } else {
      h.append("&ndash;");
    }
    h.append("</td><td>")
        .append(missingCell.length() == 0 ? "&ndash;" : missingCell)
        .append("</td><td class=\"bad\">")
        .append(Html.escape(String.join("; ", issues)))
        .append("</td></tr>\n");
  }

  private static void models(
      StringBuilder h, String pipeline, Map<String, Object> models, List<String> problems) {
    if (models == null || models.isEmpty()) {
      return;
    }
    h.append(
        "<div><h3>Models</h3><table class=\"models\"><tr><th>model</th><th>metric</th>"
            + "<th>candidate</th><th>production</th></tr>\n");
    for (Map.Entry<String, Object> e : models.entrySet()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) e.getValue();
      Map<String, String[]> byMetric = new TreeMap<>();
      m.forEach(
          (k, v) -> {
            int colon = k.indexOf(':');
            if (colon < 0) {
              return;
            }
            String role = k.substring(0, colon);
            String metric = k.substring(colon + 1);
            if (metric.equals("version")) {
              return;
            }
            String[] cells = byMetric.computeIfAbsent(metric, x -> new String[2]);
            cells[role.equals("production") ? 1 : 0] = number(val(v));
          });
      String cv = m.get("candidate:version") == null ? "" : str(m.get("candidate:version"));
      String pv = m.get("production:version") == null ? "" : str(m.get("production:version"));
      boolean first = true;
      for (Map.Entry<String, String[]> mm : byMetric.entrySet()) {
        h.append("<tr><td>")
            .append(first ? Html.escape(e.getKey()) : "")
            .append("</td><td>")
            .append(Html.escape(mm.getKey()))
            .append("</td><td class=\"num\">")
            .append(mm.getValue()[0] == null ? "&ndash;" : mm.getValue()[0])
            .append(
                first && !cv.isEmpty()
                    ? " <span class=\"muted\">" + Html.escape(cv) + "</span>"
                    : "")
            .append("</td><td class=\"num\">")
            .append(mm.getValue()[1] == null ? "&ndash;" : mm.getValue()[1])
            .append(
                first && !pv.isEmpty()
                    ? " <span class=\"muted\">" + Html.escape(pv) + "</span>"
                    : "")
            .append("</td></tr>\n");
        first = false;
      }
    }
    h.append("</table></div>\n");
  }

  private static void losses(
      StringBuilder h, String pipeline, Map<String, Object> losses, List<String> problems) {
    if (losses == null || losses.isEmpty()) {
      return;
    }
    h.append(
        "<div><h3>Training loss</h3><table class=\"loss\"><tr><th>model : split</th>"
            + "<th>loss</th></tr>\n");
    for (Map.Entry<String, Object> e : losses.entrySet()) {
      double v = val(e.getValue());
      boolean bad = !Double.isFinite(v);
      if (bad) {
        problems.add(pipeline + ": training loss " + e.getKey() + " is " + number(v));
      }
      h.append("<tr><td>")
          .append(Html.escape(e.getKey()))
          .append("</td><td class=\"num")
          .append(bad ? " bad" : "")
          .append("\">")
          .append(number(v))
          .append("</td></tr>\n");
    }
    h.append("</table></div>\n");
  }

  private static void drift(
      StringBuilder h,
      String pipeline,
      Map<String, Object> drift,
      Thresholds thresholds,
      List<String> problems) {
    if (drift == null || drift.isEmpty()) {
      return;
    }
    double threshold =
        thresholds.driftThreshold() == null ? DEFAULT_DRIFT_THRESHOLD : thresholds.driftThreshold();
    h.append("<div><h3>Drift</h3><table class=\"drift\"><tr><th>feature</th><th>score (max ")
        .append(number(threshold))
        .append(")</th></tr>\n");
    for (Map.Entry<String, Object> e : drift.entrySet()) {
      double v = val(e.getValue());
      boolean bad = v > threshold;
      if (bad) {
        problems.add(
            pipeline
                + ": feature "
                + e.getKey()
                + " drifted ("
                + number(v)
                + " > "
                + number(threshold)
                + ")");
      }
      h.append("<tr><td>")
          .append(Html.escape(e.getKey()))
          .append("</td><td class=\"num")
          .append(bad ? " bad" : "")
          .append("\">")
          .append(number(v))
          .append("</td></tr>\n");
    }
    h.append("</table></div>\n");
  }

  private static String badge(String status) {
    String cls =
        switch (status) {
          case "success", "failure", "running" -> status;
          default -> "unknown";
        };
    String text =
        switch (status) {
          case "failure" -> "failed";
          case "success" -> "ok";
          default -> status;
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

  private static String seconds(double s) {
    return age(s);
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
