package io.mlpipe.web;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import io.mlpipe.pipeline.PipelineView;
import java.io.StringWriter;
import java.util.Collection;

/**
 * The status page at {@code /pipelines}: every pipeline and stage from the same records as {@code
 * /api/v1/pipelines}, problems highlighted, refreshed by a meta refresh. Server-rendered from
 * pipelines.html.mustache, which escapes every value: no scripts, no external assets.
 *
 * <pre>{@code
 * String html = PipelinesPage.render(new PipelinesPage.Model(pipelines, now, 10));
 * }</pre>
 */
public final class PipelinesPage {

  private static final Mustache TEMPLATE =
      new DefaultMustacheFactory("io/mlpipe/web").compile("pipelines.html.mustache");

  /**
   * @param pipelines as {@code PipelineStatus.all} gives them: each with its health and problems
   *     already derived, so the page shows what the API says
   * @param refreshSeconds meta refresh interval; 0 for none
   * @param grafanaUrl Grafana's base URL (no trailing slash) for links to the pipelines dashboard,
   *     or null for none
   */
  public record Model(
      Collection<PipelineView> pipelines,
      double nowSeconds,
      int refreshSeconds,
      String grafanaUrl) {
    public Model(Collection<PipelineView> pipelines, double nowSeconds, int refreshSeconds) {
      this(pipelines, nowSeconds, refreshSeconds, null);
    }
  }

  private PipelinesPage() {}

  public static String render(Model m) {
    StringWriter out = new StringWriter(16_384);
    TEMPLATE.execute(out, PipelinesPageModel.of(m));
    return out.toString();
  }
}
