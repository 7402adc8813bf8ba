package io.mlpipe.report;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The report as one self-contained HTML page: inline CSS and SVG charts, no script, nothing
 * fetched, so it opens offline and prints. Mustache escapes every value; only the charts, which
 * JFreeSVG writes (escaping their text itself), go in unescaped.
 */
public final class HtmlReport {

  private static final Mustache TEMPLATE =
      new DefaultMustacheFactory("io/mlpipe/report").compile("report.html.mustache");

  private HtmlReport() {}

  public static String render(Report report) {
    ReportView.View v = ReportView.of(report);
    List<ReportView.Section> sections = new ArrayList<>();
    for (ReportView.Section s : v.sections()) {
      List<ReportView.Block> blocks = new ArrayList<>();
      if (s.id().equals("pipelines") && !s.blocks().isEmpty()) {
        blocks.add(s.blocks().get(0));
        addChart(
            blocks,
            Charts.timeline(
                "chart-success",
                "Success ratio per pipeline",
                "% of finished runs",
                report.timelines(),
                "success_ratio",
                true));
        addChart(
            blocks,
            Charts.timeline(
                "chart-p90",
                "Stage duration p90 per pipeline",
                "seconds",
                report.timelines(),
                "p90_duration_seconds",
                false));
        blocks.addAll(s.blocks().subList(1, s.blocks().size()));
      } else if (s.id().equals("resources") && report.resources().noData() == null) {
        blocks.addAll(s.blocks());
        String gpu = Charts.gpuHoursByTeam("chart-gpu", report.resources().teams());
        if (gpu != null) {
          blocks.add(1, new ReportView.Block(null, null, null, gpu));
        }
      } else {
        blocks.addAll(s.blocks());
      }
      sections.add(new ReportView.Section(s.id(), s.title(), s.noData(), blocks));
    }
    StringWriter out = new StringWriter();
    TEMPLATE.execute(out, new ReportView.View(v.title(), v.facts(), v.emptyNote(), sections));
    return out.toString();
  }

  private static void addChart(List<ReportView.Block> blocks, String svg) {
    if (svg != null) {
      blocks.add(new ReportView.Block(null, null, null, svg));
    }
  }
}
