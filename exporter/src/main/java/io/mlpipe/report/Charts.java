package io.mlpipe.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.text.SimpleDateFormat;
import java.util.List;
import java.util.TimeZone;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.time.FixedMillisecond;
import org.jfree.data.time.TimeSeries;
import org.jfree.data.time.TimeSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/** The report's charts: JFreeChart drawn onto JFreeSVG's Graphics2D, as inline SVG elements. */
final class Charts {

  static {
    // No display is needed (or present on a server) to draw into SVG.
    System.setProperty("java.awt.headless", "true");
  }

  private static final int WIDTH = 860;
  private static final int HEIGHT = 300;
  private static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
    new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)
  };

  private Charts() {}

  /** A line per pipeline of {@code figure}; null when there is nothing to draw. */
  static String timeline(
      String id,
      String title,
      String yLabel,
      List<Report.Timeline> timelines,
      String figure,
      boolean ratio) {
    TimeSeriesCollection data = new TimeSeriesCollection();
    for (Report.Timeline t : timelines) {
      if (!t.figure().equals(figure)) {
        continue;
      }
      TimeSeries s = new TimeSeries(t.pipeline());
      for (Report.Point p : t.points()) {
        if (p.value() != null) {
          s.addOrUpdate(
              new FixedMillisecond(Math.round(p.time() * 1000)),
              ratio ? p.value() * 100 : p.value());
        }
      }
      if (!s.isEmpty()) {
        data.addSeries(s);
      }
    }
    if (data.getSeriesCount() == 0) {
      return null;
    }
    JFreeChart chart =
        ChartFactory.createTimeSeriesChart(title, "time (UTC)", yLabel, data, true, false, false);
    XYPlot plot = chart.getXYPlot();
    style(chart);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xdddddd));
    plot.setRangeGridlinePaint(new Color(0xdddddd));
    DateAxis x = (DateAxis) plot.getDomainAxis();
    double first = Double.MAX_VALUE;
    double last = -Double.MAX_VALUE;
    for (Report.Timeline t : timelines) {
      for (Report.Point p : t.points()) {
        first = Math.min(first, p.time());
        last = Math.max(last, p.time());
      }
    }
    double seconds = last - first;
    SimpleDateFormat fmt =
        new SimpleDateFormat(
            seconds < 3600 ? "HH:mm:ss" : seconds < 2 * 86_400 ? "HH:mm" : "MM-dd HH:mm");
    fmt.setTimeZone(TimeZone.getTimeZone("UTC"));
    x.setDateFormatOverride(fmt);
    x.setTimeZone(TimeZone.getTimeZone("UTC"));
    NumberAxis y = (NumberAxis) plot.getRangeAxis();
    if (ratio) {
      y.setRange(0, 105);
    }
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    for (int i = 0; i < data.getSeriesCount(); i++) {
      r.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
      r.setSeriesStroke(i, new BasicStroke(2f));
    }
    plot.setRenderer(r);
    return svg(id, chart);
  }

  /** Bars of GPU-hours and idle GPU-hours per team; null when no team used a GPU. */
  static String gpuHoursByTeam(String id, List<Report.TeamUsage> teams) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    boolean any = false;
    for (Report.TeamUsage t : teams) {
      data.addValue(t.gpuHours(), "GPU-hours", t.team().isEmpty() ? "(no team)" : t.team());
      data.addValue(
          t.idleGpuHours(), "idle GPU-hours", t.team().isEmpty() ? "(no team)" : t.team());
      any |= t.gpuHours() > 0;
    }
    if (!any) {
      return null;
    }
    JFreeChart chart =
        ChartFactory.createBarChart(
            "GPU-hours by team",
            "team",
            "GPU-hours",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    style(chart);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(new Color(0xdddddd));
    BarRenderer r = (BarRenderer) plot.getRenderer();
    r.setBarPainter(new StandardBarPainter());
    r.setShadowVisible(false);
    r.setSeriesPaint(0, PALETTE[0]);
    r.setSeriesPaint(1, PALETTE[1]);
    return svg(id, chart);
  }

  private static void style(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    chart.setAntiAlias(true);
  }

  private static String svg(String id, JFreeChart chart) {
    SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
    // Clip paths and gradients get ids; a prefix per chart keeps them unique in one page.
    g.setDefsKeyPrefix(id + "-");
    chart.draw(g, new Rectangle(0, 0, WIDTH, HEIGHT));
    return g.getSVGElement(id);
  }
}
