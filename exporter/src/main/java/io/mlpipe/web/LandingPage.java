package io.mlpipe.web;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The agent's landing page at {@code /}: what runs, where to look, and the effective configuration
 * (secrets already masked by the caller). Rendered by {@code landing.html.mustache}, which escapes
 * every value: nothing from the config or the command line reaches the page as markup.
 *
 * <pre>{@code
 * String html = LandingPage.render(new LandingPage.Model(version, revision, address, links,
 *     collectors, config.toDisplayMap(), config.source()));
 * }</pre>
 */
public final class LandingPage {

  private static final Mustache TEMPLATE =
      new DefaultMustacheFactory("io/mlpipe/web").compile("landing.html.mustache");

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

  /** What the template reads: the model with the configuration already written as YAML. */
  record View(
      String version,
      String revision,
      String listenAddress,
      List<Link> links,
      List<CollectorState> collectors,
      String configYaml,
      String configSource) {}

  private LandingPage() {}

  public static String render(Model m) {
    DumperOptions opts = new DumperOptions();
    opts.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    opts.setIndent(2);
    View v =
        new View(
            m.version(),
            m.revision(),
            m.listenAddress(),
            m.links(),
            m.collectors(),
            new Yaml(opts).dump(m.config()),
            m.configSource());
    StringWriter out = new StringWriter();
    TEMPLATE.execute(out, v);
    return out.toString();
  }
}
