package io.mlpipe.report;

/** The report as Markdown (GitHub-flavoured tables), for chat and tickets. */
public final class MarkdownReport {
  private MarkdownReport() {}

  public static String render(Report report) {
    ReportView.View v = ReportView.of(report);
    StringBuilder md = new StringBuilder();
    md.append("# ").append(v.title()).append("\n\n");
    for (String f : v.facts()) {
      md.append("- ").append(escape(f)).append('\n');
    }
    md.append('\n');
    if (v.emptyNote() != null) {
      md.append("> ").append(escape(v.emptyNote())).append("\n\n");
    }
    for (ReportView.Section s : v.sections()) {
      md.append("## ").append(s.title()).append("\n\n");
      if (s.noData() != null) {
        md.append("_No data: ").append(escape(s.noData())).append("._\n\n");
        continue;
      }
      for (ReportView.Block b : s.blocks()) {
        if (b.heading() != null) {
          md.append("### ").append(escape(b.heading())).append("\n\n");
        }
        if (b.text() != null) {
          md.append(escape(b.text())).append("\n\n");
        }
        if (b.table() != null) {
          table(md, b.table());
        }
      }
    }
    return md.toString();
  }

  private static void table(StringBuilder md, ReportView.Table t) {
    md.append('|');
    for (String h : t.headers()) {
      md.append(' ').append(escape(h)).append(" |");
    }
    md.append("\n|");
    for (int i = 0; i < t.headers().size(); i++) {
      boolean num = !t.rows().isEmpty() && t.rows().get(0).cells().get(i).num();
      md.append(num ? " ---: |" : " --- |");
    }
    md.append('\n');
    for (ReportView.Row r : t.rows()) {
      md.append('|');
      for (ReportView.Cell c : r.cells()) {
        String text = escape(c.text());
        md.append(' ').append(c.css().equals("bad") ? "**" + text + "**" : text).append(" |");
      }
      md.append('\n');
    }
    md.append('\n');
  }

  /** Label values come from whoever pushes metrics: keep them from breaking the Markdown. */
  static String escape(String s) {
    return s.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("*", "\\*")
        .replace("_", "\\_")
        .replace("`", "\\`")
        .replace("<", "&lt;")
        .replace("[", "\\[")
        .replace("\n", " ");
  }
}
