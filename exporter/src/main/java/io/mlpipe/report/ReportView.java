package io.mlpipe.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The report as people read it: sections of formatted tables, shared by the Markdown and the HTML
 * so that both say the same thing. Charts are added by the HTML only.
 */
final class ReportView {

  record View(String title, List<String> facts, String emptyNote, List<Section> sections) {}

  /** {@code note}: why a section has no data, or how a figure is computed. */
  record Section(String id, String title, String noData, List<Block> blocks) {}

  /** A heading with a sentence, a table, or (HTML only) a chart; any may be null. */
  record Block(String heading, String text, Table table, String chart) {
    Block withChart(String svg) {
      return new Block(heading, text, table, svg);
    }
  }

  record Table(List<String> headers, List<Row> rows) {}

  record Row(List<Cell> cells) {}

  /** {@code css}: ok, bad, warn or empty; {@code num} right-aligns. */
  record Cell(String text, String css, boolean num) {}

  private ReportView() {}

  static Cell t(String text) {
    return new Cell(text == null || text.isEmpty() ? "–" : text, "", false);
  }

  static Cell n(String text) {
    return new Cell(text, "", true);
  }

  static Cell n(String text, String css) {
    return new Cell(text, css, true);
  }

  static View of(Report r) {
    List<String> facts = new ArrayList<>();
    facts.add(
        "Window: "
            + r.window().since()
            + " – "
            + r.window().until()
            + " ("
            + Format.duration(r.window().seconds())
            + "; previous window from "
            + r.window().previousSince()
            + ")");
    String scope =
        (r.filter().team() == null ? "all teams" : "team " + r.filter().team())
            + ", "
            + (r.filter().pipeline() == null
                ? "all pipelines"
                : "pipeline " + r.filter().pipeline());
    facts.add("Scope: " + scope);
    facts.add(
        "Source: "
            + r.prometheus()
            + (r.recordingRules()
                ? " (with mlpipe's recording rules)"
                : " (no mlpipe recording rules loaded: computed from raw series)"));
    facts.add("Generated: " + r.generatedAt());
    List<Section> sections = new ArrayList<>();
    sections.add(pipelines(r.pipelines()));
    sections.add(data(r.data()));
    sections.add(models(r.models()));
    sections.add(resources(r.resources()));
    sections.add(alerts(r.alerts()));
    return new View(
        "mlpipe report",
        facts,
        r.empty() ? "Empty window: " + r.emptyReason() + "." : null,
        sections);
  }

  private static Table table(List<String> headers, List<Row> rows) {
    return new Table(headers, rows);
  }

  private static Row row(Cell... cells) {
    return new Row(List.of(cells));
  }

  // ---------------------------------------------------------------- pipelines

  private static Section pipelines(Report.Pipelines p) {
    List<Block> blocks = new ArrayList<>();
    if (!p.teams().isEmpty()) {
      List<Row> summary = new ArrayList<>();
      for (Report.Team team : p.teams()) {
        for (Report.Pipeline pl : team.pipelines()) {
          summary.add(
              row(
                  t(team.team()),
                  t(pl.pipeline()),
                  new Cell(pl.health(), css(pl.health()), false),
                  n(Long.toString(pl.runs())),
                  n(Long.toString(pl.failures()), pl.failures() > 0 ? "bad" : ""),
                  n(Format.percent(pl.successRatio())),
                  t(String.join("; ", pl.problems()))));
        }
      }
      blocks.add(
          new Block(
              "Summary",
              "Runs are stage runs (each stage of a pipeline run counts once); success ratio ="
                  + " successes / (successes + failures), cancelled runs are neither.",
              table(
                  List.of("Team", "Pipeline", "Health", "Runs", "Failed", "Success", "Problems"),
                  summary),
              null));
      for (Report.Team team : p.teams()) {
        for (Report.Pipeline pl : team.pipelines()) {
          List<Row> rows = new ArrayList<>();
          for (Report.Stage s : pl.stages()) {
            Report.Sla sla = s.sla();
            String compliance =
                sla == null || sla.min() == null
                    ? "–"
                    : sla.min().equals(sla.max())
                        ? Format.percent(sla.min())
                        : Format.percent(sla.min()) + " – " + Format.percent(sla.max());
            rows.add(
                row(
                    t(s.stage()),
                    n(Long.toString(s.runs())),
                    n(Long.toString(s.failures()), s.failures() > 0 ? "bad" : ""),
                    n(Format.percent(s.successRatio())),
                    n(Format.duration(s.slaSeconds())),
                    n(compliance, sla != null && sla.breached() > 0 ? "bad" : ""),
                    n(Format.duration(s.p50Seconds())),
                    n(Format.duration(s.p90Seconds())),
                    n(Format.change(s.p50Change())),
                    n(Format.change(s.p90Change())),
                    n(
                        s.overdueSeconds() > 0 ? Format.duration(s.overdueSeconds()) : "–",
                        s.overdueSeconds() > 0 ? "warn" : ""),
                    n(Format.duration(s.longestStallSeconds()))));
          }
          blocks.add(
              new Block(
                  "Pipeline "
                      + pl.pipeline()
                      + " (team "
                      + (pl.team().isEmpty() ? "–" : pl.team())
                      + ")",
                  null,
                  table(
                      List.of(
                          "Stage",
                          "Runs",
                          "Failed",
                          "Success",
                          "SLA",
                          "Within SLA",
                          "p50",
                          "p90",
                          "p50 vs prev.",
                          "p90 vs prev.",
                          "Missed schedule",
                          "Longest stall"),
                      rows),
                  null));
        }
      }
      blocks.add(new Block(null, p.slaMethod(), null, null));
    }
    return new Section("pipelines", "Pipelines", p.noData(), blocks);
  }

  private static String css(String health) {
    return switch (health) {
      case "healthy" -> "ok";
      case "failing" -> "bad";
      default -> "warn";
    };
  }

  // ---------------------------------------------------------------- data

  private static Section data(Report.Data d) {
    List<Block> blocks = new ArrayList<>();
    if (d.noData() == null) {
      List<Row> rows = new ArrayList<>();
      for (Report.MissingValues m : d.missingValues()) {
        rows.add(
            row(
                t(m.team()),
                t(m.pipeline()),
                t(m.dataset() + " (" + m.stage() + ")"),
                t("missing values"),
                n(Format.percent(m.maxRatio()), "bad"),
                n(Format.percent(m.threshold())),
                n(Format.duration(m.secondsOver()))));
      }
      for (Report.CorruptRecords c : d.corruptRecords()) {
        rows.add(
            row(
                t(c.team()),
                t(c.pipeline()),
                t("stage " + c.stage()),
                t("invalid or corrupt records (" + c.badRecords() + " of " + c.records() + ")"),
                n(Format.percent(c.ratio()), "bad"),
                n(Format.percent(c.threshold())),
                n(Format.duration(c.secondsOver()))));
      }
      for (Report.Stale s : d.stale()) {
        rows.add(
            row(
                t(s.team()),
                t(s.pipeline()),
                t(s.dataset()),
                t("staleness (newest record age)"),
                n(Format.duration(s.maxAgeSeconds()), "bad"),
                n(Format.duration(s.thresholdSeconds())),
                n(Format.duration(s.secondsOver()))));
      }
      for (Report.Drift x : d.drift()) {
        rows.add(
            row(
                t(x.team()),
                t(x.pipeline()),
                t("feature " + x.feature()),
                t("drift score"),
                n(Format.number(x.maxScore()), "bad"),
                n(Format.number(x.threshold())),
                n(Format.duration(x.secondsOver()))));
      }
      blocks.add(
          rows.isEmpty()
              ? new Block(
                  null, "No dataset went over its thresholds and no feature drifted.", null, null)
              : new Block(
                  "Over threshold",
                  "Worst value in the window, the threshold, and how long it was over.",
                  table(
                      List.of(
                          "Team", "Pipeline", "Where", "What", "Worst", "Threshold", "Time over"),
                      rows),
                  null));
      if (!d.schemaViolations().isEmpty()) {
        List<Row> sv = new ArrayList<>();
        for (Report.SchemaViolations v : d.schemaViolations()) {
          sv.add(
              row(
                  t(v.team()),
                  t(v.pipeline()),
                  t(v.stage()),
                  t(v.dataset()),
                  t(v.check()),
                  n(Long.toString(v.violations()), "bad")));
        }
        blocks.add(
            new Block(
                "Schema violations",
                null,
                table(List.of("Team", "Pipeline", "Stage", "Dataset", "Check", "Violations"), sv),
                null));
      } else {
        blocks.add(new Block(null, "No schema violations.", null, null));
      }
    }
    return new Section("data", "Data integrity", d.noData(), blocks);
  }

  // ---------------------------------------------------------------- models

  private static Section models(Report.Models m) {
    List<Block> blocks = new ArrayList<>();
    if (m.noData() == null) {
      List<Row> rows = new ArrayList<>();
      for (Report.Model mo : m.models()) {
        StringBuilder metrics = new StringBuilder();
        boolean worse = false;
        for (Report.MetricChange c : mo.production()) {
          metrics.append(metrics.length() > 0 ? "; " : "");
          metrics.append(c.metric()).append(' ').append(Format.number(c.now()));
          if (c.previous() != null) {
            metrics.append(" (was ").append(Format.number(c.previous())).append(')');
          }
          worse |= c.worse();
        }
        rows.add(
            row(
                t(mo.team()),
                t(mo.pipeline()),
                t(mo.model()),
                t(String.join(", ", mo.productionVersions())),
                n(Integer.toString(mo.promoted().size())),
                new Cell(
                    metrics.length() == 0 ? "–" : metrics.toString(), worse ? "bad" : "", false)));
      }
      blocks.add(
          new Block(
              "Models in production",
              "Production metrics now against the end of the previous window.",
              table(
                  List.of(
                      "Team",
                      "Pipeline",
                      "Model",
                      "Production versions",
                      "Promoted",
                      "Production metrics"),
                  rows),
              null));
      if (m.regressions().isEmpty()) {
        blocks.add(new Block(null, "No candidate regressed beyond its tolerance.", null, null));
      } else {
        List<Row> reg = new ArrayList<>();
        for (Report.Regression x : m.regressions()) {
          reg.add(
              row(
                  t(x.team()),
                  t(x.pipeline()),
                  t(x.model()),
                  t(x.metric()),
                  n(Format.number(x.maxRegression()), "bad"),
                  n(Format.number(x.tolerance())),
                  n(Format.duration(x.secondsOver()))));
        }
        blocks.add(
            new Block(
                "Regressions",
                "Candidate worse than production by more than the tolerance (in the metric's unit).",
                table(
                    List.of(
                        "Team",
                        "Pipeline",
                        "Model",
                        "Metric",
                        "Worst regression",
                        "Tolerance",
                        "Time over"),
                    reg),
                null));
      }
      if (m.retrain().isEmpty()) {
        blocks.add(
            new Block(
                null,
                "No retrain candidates: no drift over threshold, no production metric falling.",
                null,
                null));
      } else {
        List<Row> rt = new ArrayList<>();
        for (Report.Retrain x : m.retrain()) {
          rt.add(
              row(t(x.team()), t(x.pipeline()), t(x.model()), t(String.join("; ", x.reasons()))));
        }
        blocks.add(
            new Block(
                "Retrain candidates",
                null,
                table(List.of("Team", "Pipeline", "Model", "Reason"), rt),
                null));
      }
    }
    return new Section("models", "Models", m.noData(), blocks);
  }

  // ---------------------------------------------------------------- resources

  private static Section resources(Report.Resources r) {
    List<Block> blocks = new ArrayList<>();
    if (r.noData() == null) {
      if (!r.teams().isEmpty()) {
        List<Row> teams = new ArrayList<>();
        for (Report.TeamUsage u : r.teams()) {
          teams.add(
              row(
                  t(u.team()),
                  n(Format.hours(u.cpuHours())),
                  n(Format.hours(u.gpuHours())),
                  n(Format.hours(u.idleGpuHours()), u.idleGpuHours() > 0 ? "bad" : "")));
        }
        blocks.add(
            new Block(
                "Per team",
                null,
                table(List.of("Team", "CPU-hours", "GPU-hours", "Idle GPU-hours"), teams),
                null));
        List<Row> rows = new ArrayList<>();
        for (Report.Usage u : r.usage()) {
          rows.add(
              row(
                  t(u.team()),
                  t(u.pipeline()),
                  t(u.stage()),
                  n(Format.hours(u.cpuHours())),
                  n(Format.hours(u.gpuHours())),
                  n(Format.hours(u.idleGpuHours()), u.idleGpuHours() > 0 ? "bad" : "")));
        }
        blocks.add(
            new Block(
                "Per pipeline and stage",
                "CPU-hours from mlpipe_stage_cpu_seconds_total (commands wrapped by mlpipe run or"
                    + " reported with their runs). "
                    + r.gpuMethod(),
                table(
                    List.of(
                        "Team", "Pipeline", "Stage", "CPU-hours", "GPU-hours", "Idle GPU-hours"),
                    rows),
                null));
      }
      if (r.exhaustion().isEmpty()) {
        blocks.add(
            new Block(
                null,
                "No host memory or filesystem is trending to exhaustion within 30 days.",
                null,
                null));
      } else {
        List<Row> ex = new ArrayList<>();
        for (Report.Exhaustion e : r.exhaustion()) {
          ex.add(
              row(
                  t(e.instance()),
                  t(e.resource() + (e.mountpoint() == null ? "" : " " + e.mountpoint())),
                  n(Format.bytes(e.availableBytes())),
                  n(e.runsOutAt(), "bad"),
                  n(Format.number(e.daysLeft()))));
        }
        blocks.add(
            new Block(
                "Trending to exhaustion",
                "Linear trend (predict_linear/deriv over the last 6 h of the window).",
                table(List.of("Instance", "Resource", "Available", "Runs out at", "Days left"), ex),
                null));
      }
    }
    return new Section("resources", "Resources and cost", r.noData(), blocks);
  }

  // ---------------------------------------------------------------- alerts

  private static Section alerts(Report.Alerts a) {
    List<Block> blocks = new ArrayList<>();
    if (a.noData() == null) {
      if (a.fired().isEmpty()) {
        blocks.add(new Block(null, "No alert fired.", null, null));
      } else {
        List<Row> rows = new ArrayList<>();
        for (Report.Alert x : a.fired()) {
          rows.add(
              row(
                  t(x.alertname()),
                  t(x.severity()),
                  t(x.team()),
                  t(x.pipeline() + (x.stage().isEmpty() ? "" : "/" + x.stage())),
                  n(Integer.toString(x.timesFired())),
                  n(Format.duration(x.secondsFiring()))));
        }
        blocks.add(
            new Block(
                "Alerts fired",
                "From ALERTS{alertstate=\"firing\"} and ALERTS_FOR_STATE.",
                table(
                    List.of(
                        "Alert",
                        "Severity",
                        "Team",
                        "Pipeline/stage",
                        "Times fired",
                        "Time firing"),
                    rows),
                null));
      }
      blocks.add(
          counts("Authentication failures", "No authentication failures.", a.authFailures()));
      blocks.add(counts("Ingest rejections", "No ingest rejections.", a.ingestRejections()));
    }
    return new Section("alerts", "Alerts and security", a.noData(), blocks);
  }

  private static Block counts(String heading, String none, List<Report.Count> counts) {
    if (counts.isEmpty()) {
      return new Block(null, none, null, null);
    }
    List<Row> rows = new ArrayList<>();
    for (Report.Count c : counts) {
      rows.add(row(t(c.what()), n(Long.toString(c.count()), "bad")));
    }
    return new Block(heading, null, table(List.of("Reason", "Count"), rows), null);
  }
}
