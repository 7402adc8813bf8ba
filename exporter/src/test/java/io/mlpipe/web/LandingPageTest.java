package io.mlpipe.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The landing page's template: structure, and every value written as text. */
class LandingPageTest {

  private static final String HOSTILE = "\"'><img src=x onerror=alert(1)><script>alert(2)</script>";

  private static LandingPage.Model model(String value) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("pipelines", Map.of("declared", Map.of("churn", Map.of("team", value))));
    return new LandingPage.Model(
        "1.2.3" + value,
        "abc" + value,
        "127.0.0.1:9478" + value,
        List.of(
            new LandingPage.Link("/metrics", "/metrics", "all metrics"),
            new LandingPage.Link("https://grafana.example/d/x?a=1&b=" + value, value, value)),
        List.of(
            new LandingPage.CollectorState("cpu", true, "CPU time" + value),
            new LandingPage.CollectorState("gpu", false, "GPUs")),
        config,
        "/etc/mlpipe" + value + ".yml");
  }

  @Test
  void showsVersionLinksCollectorsAndConfig() {
    String html = LandingPage.render(model(""));
    assertThat(html)
        .startsWith("<!DOCTYPE html>")
        .contains("<title>mlpipe agent</title>")
        .contains("version 1.2.3 (revision abc), listening on 127.0.0.1:9478")
        .contains("<li><a href=\"/metrics\">/metrics</a> all metrics</li>")
        .contains("<tr><td>cpu</td><td class=\"on\">enabled</td><td>CPU time</td></tr>")
        .contains("<tr><td>gpu</td><td class=\"off\">disabled</td><td>GPUs</td></tr>")
        .contains("from /etc/mlpipe.yml")
        // Mustache writes the YAML's line breaks as &#10;, which a <pre> shows as line breaks.
        .contains(
            "<pre>pipelines:&#10;  declared:&#10;    churn:&#10;      team: &#39;&#39;&#10;</pre>")
        .endsWith("</body></html>\n");
  }

  @Test
  void everyValueIsEscapedInTextAndAttributes() {
    String html = LandingPage.render(model(HOSTILE));
    assertThat(html).doesNotContain("<img", "<script", "\"'>");
    assertThat(html)
        .contains("version 1.2.3&quot;&#39;&gt;&lt;img src&#61;x onerror&#61;alert(1)&gt;")
        .contains("&lt;script&gt;alert(2)&lt;/script&gt;")
        .contains("href=\"https://grafana.example/d/x?a&#61;1&amp;b&#61;&quot;&#39;&gt;");
    // The YAML dump quotes the value; its markup still arrives as text.
    assertThat(html).containsPattern("team: .*&lt;img src&#61;x");
  }
}
