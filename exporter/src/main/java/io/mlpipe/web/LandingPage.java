package io.mlpipe.web;

import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The agent's landing page at {@code /}: what runs, where to look, and the effective configuration
 * (secrets already masked by the caller).
 */
public final class LandingPage {

  /** A link on the page. */
  public record Link(String href, String title, String description) {}

  /** One collector and whether it runs. */
  public record CollectorState(String name, boolean enabled, String description) {}

  /** Everything the page shows. */
  public record Model(
      String version,
      String revision,
      String listenAddress,
      List<Link> links,
      List<CollectorState> collectors,
      Map<String, Object> config,
      String configSource) {}

  private LandingPage() {}

  public static String render(Model m) {
    StringBuilder h = new StringBuilder(4096);
    h.append(
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <title>mlpipe agent</title>
        <style>
        body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem;color:#222}
        h1{margin-bottom:0}.sub{color:#666;margin-top:.2rem}
        table{border-collapse:collapse}td,th{padding:.2rem .8rem;border-bottom:1px solid #ddd;text-align:left}
        .on{color:#1a7f37}.off{color:#999}pre{background:#f6f8fa;padding:1rem;overflow:auto}
        </style></head><body>
        <h1>mlpipe agent</h1>
        """);
    h.append("<p class=\"sub\">version ")
        .append(Html.escape(m.version()))
        .append(" (revision ")
        .append(Html.escape(m.revision()))
        .append("), listening on ")
        .append(Html.escape(m.listenAddress()))
        .append("</p>\n<h2>Endpoints</h2>\n<ul>\n");
    for (Link l : m.links()) {
      h.append("<li><a href=\"")
          .append(Html.escape(l.href()))
          .append("\">")
          .append(Html.escape(l.title()))
          .append("</a> ")
          .append(Html.escape(l.description()))
          .append("</li>\n");
    }
    h.append(
        "</ul>\n<h2>Collectors</h2>\n<table><tr><th>collector</th><th>state</th><th></th></tr>\n");
    for (CollectorState c : m.collectors()) {
      h.append("<tr><td>")
          .append(Html.escape(c.name()))
          .append("</td><td class=\"")
          .append(c.enabled() ? "on\">enabled" : "off\">disabled")
          .append("</td><td>")
          .append(Html.escape(c.description()))
          .append("</td></tr>\n");
    }
    DumperOptions opts = new DumperOptions();
    opts.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    opts.setIndent(2);
    String yaml = new Yaml(opts).dump(m.config());
    h.append("</table>\n<h2>Configuration</h2>\n<p>from ")
        .append(Html.escape(m.configSource()))
        .append("</p>\n<pre>")
        .append(Html.escape(yaml))
        .append("</pre>\n</body></html>\n");
    return h.toString();
  }
}
