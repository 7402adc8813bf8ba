package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlpipe.testing.AgentProcess;
import io.mlpipe.testing.Http;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Pages that cannot inject: a value built to break out of text, attribute and URL contexts goes
 * through the real APIs into every untrusted field the pages can show, and headless Chromium, which
 * runs whatever the page would run, shows {@code /pipelines} and {@code /} with no element and no
 * script made from it, each value as text, and the pages still whole.
 *
 * <p>Where each value enters: the JSON events API (pipeline, stage, host, dataset, feature, model,
 * version, metric, the error text of a failed stage, which also becomes problem text), the
 * Pushgateway API (job and pipeline in the grouping key, a label value), the config (team, owner;
 * they come from nowhere else). Pipeline and stage names are restricted by {@code
 * pipelines.name_pattern}; the config here sets it to {@code .+}, which the agent accepts, so they
 * carry the whole value too. A pushed metric's name is restricted by Prometheus' grammar; the most
 * hostile name it accepts, {@code javascript:alert}, is pushed. Host goes only into {@code
 * mlpipe_run_info}, which the pages do not show today; it is pushed anyway, so that the element
 * checks hold if they ever do.
 */
class HostileValuesChromiumTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Closes a double- or single-quoted attribute and the tag, opens an element with an event handler
   * and a script (each would change the title or raise a dialog), and reads as a script URL.
   */
  static final String HOSTILE =
      "\"'><img src=x onerror=alert(1)><script>document.title='pwned';alert(2)</script>"
          + "javascript:alert(3)//";

  /** One value per field, so that each can be found on the page. */
  private static String value(String field) {
    return field + HOSTILE;
  }

  // The pipeline name also leads with a script URL: it goes into the Grafana link's href.
  private static final String PIPELINE = "javascript:alert(0)//pipeline" + HOSTILE;
  private static final String STAGE = value("stage");
  private static final String TEAM = value("team");
  private static final String OWNER = value("owner");
  private static final String HOST = value("host");
  private static final String DATASET = value("dataset");
  private static final String FEATURE = value("feature");
  private static final String MODEL = value("model");
  private static final String VERSION = value("version");
  private static final String METRIC = value("metric");
  private static final String ERROR = value("error") + "\nTraceback: line 2 " + HOSTILE;
  private static final String JOB = value("job");
  private static final String LABEL = value("label");

  @TempDir Path dir;

  @Test
  void hostileValuesInEveryFieldStayText() throws Exception {
    Path config = dir.resolve("mlpipe.yml");
    // JSON is YAML: every value quoted exactly, whatever it contains.
    Files.writeString(
        config,
        JSON.writeValueAsString(
            Map.of(
                "pipelines",
                Map.of(
                    "name_pattern",
                    ".+",
                    "declared",
                    Map.of(
                        PIPELINE,
                        Map.of(
                            "team",
                            TEAM,
                            "owner",
                            OWNER,
                            "stages",
                            Map.of(STAGE, Map.of("sla", "1h")),
                            "datasets",
                            Map.of(DATASET, Map.of("missing_values_max_ratio", 0.1)),
                            "drift_threshold",
                            0.2))))));
    try (AgentProcess agent =
        AgentProcess.start(
            dir.resolve("agent"),
            "--config.file=" + config,
            "--storage.path=" + dir.resolve("data"),
            "--storage.fsync=never",
            "--no-collector.gpu",
            "--no-collector.filesystem",
            "--web.grafana-url=http://grafana.invalid")) {
      pushEverything(agent.url());

      Chromium chromium = new Chromium(dir);
      chromium.assertConsoleCheckWorks();
      checkPipelinesPage(chromium, agent.url() + "/pipelines");
      checkLandingPage(chromium, agent.url() + "/");
    }
  }

  private static void pushEverything(String base) throws Exception {
    List<Map<String, Object>> events = new ArrayList<>();
    events.add(stage("stage_started", Map.of()));
    events.add(
        stage(
            "stage_finished",
            Map.of("status", "failure", "exit_code", 1, "error", ERROR, "duration_seconds", 3)));
    events.add(stage("data_quality", Map.of("dataset", DATASET, "missing_values_ratio", 0.5)));
    events.add(stage("drift", Map.of("feature", FEATURE, "score", 0.9)));
    events.add(stage("training", Map.of("model", MODEL, "epoch", 1, "loss", Map.of("train", 0.5))));
    events.add(
        stage(
            "model_metric",
            Map.of(
                "model", MODEL,
                "version", VERSION,
                "metric", METRIC,
                "value", 0.8,
                "role", "candidate")));
    Http.Response accepted =
        Http.post(base + "/api/v1/events", "application/json", JSON.writeValueAsString(events));
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);

    String path = "/metrics/job@base64/" + base64(JOB) + "/pipeline@base64/" + base64(PIPELINE);
    String body =
        "# TYPE javascript:alert gauge\njavascript:alert{label=\""
            + LABEL.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")
            + "\"} 1\n";
    Http.Response pushed =
        Http.send("PUT", base + path, Map.of(), body.getBytes(StandardCharsets.UTF_8));
    assertThat(pushed.status()).as(pushed.body()).isEqualTo(200);
  }

  private static Map<String, Object> stage(String type, Map<String, Object> fields) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("type", type);
    e.put("pipeline", PIPELINE);
    e.put("stage", STAGE);
    e.put("host", HOST);
    e.put("run_id", "run-1");
    e.putAll(fields);
    return e;
  }

  private static String base64(String s) {
    return Base64.getUrlEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static void checkPipelinesPage(Chromium chromium, String url) throws Exception {
    Chromium.Run run = chromium.dumpDom(url);
    Chromium.assertQuietConsole(run);
    Document page = Jsoup.parse(run.stdout(), url);
    assertNothingInjected(page, "mlpipe pipelines");

    // Still whole: the pipeline's section, its stage's row (failed), its tables.
    Element section =
        page.select("section.pipeline").stream()
            .filter(s -> s.attr("data-pipeline").equals(PIPELINE))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no section for the pipeline in\n" + page));
    assertThat(section.selectFirst("h2").text()).startsWith(PIPELINE);
    Element row =
        section.select("tr.stage").stream()
            .filter(r -> r.attr("data-stage").equals(STAGE))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no row for the stage in\n" + section));
    assertThat(row.attr("data-status")).isEqualTo("failure");
    assertThat(row.child(0).text()).isEqualTo(STAGE);
    assertThat(section.select("table.models, table.drift, table.loss, table.pushed")).hasSize(4);

    // Each value as text, exactly (the error keeps its line break in the <pre>).
    String text = section.text();
    assertThat(text)
        .contains("team " + TEAM, "owner " + OWNER, DATASET, FEATURE, MODEL, VERSION, METRIC);
    assertThat(text).contains("job=" + JOB, "pipeline=" + PIPELINE, "javascript:alert");
    assertThat(section.selectFirst("pre.error").wholeText()).isEqualTo(ERROR);
    assertThat(page.selectFirst("#problems").text()).contains(PIPELINE + "/" + STAGE, FEATURE);

    // The URL context: the Grafana link carries the name as one query value, nothing more.
    String href = section.selectFirst("a.grafana").attr("href");
    URI grafana = URI.create(href);
    assertThat(grafana.getScheme()).isEqualTo("http");
    assertThat(grafana.getHost()).isEqualTo("grafana.invalid");
    assertThat(URLDecoder.decode(grafana.getRawQuery(), StandardCharsets.UTF_8))
        .isEqualTo("var-pipeline=" + PIPELINE);
  }

  @SuppressWarnings("unchecked")
  private static void checkLandingPage(Chromium chromium, String url) throws Exception {
    Chromium.Run run = chromium.dumpDom(url);
    Chromium.assertQuietConsole(run);
    Document page = Jsoup.parse(run.stdout(), url);
    assertNothingInjected(page, "mlpipe agent");
    assertThat(page.select("h2").eachText())
        .containsExactly("Endpoints", "Collectors", "Configuration");
    // The configuration shows as YAML text that reads back to the very values of the config.
    Map<String, Object> shown =
        new Yaml(new SafeConstructor(new LoaderOptions()))
            .load(page.selectFirst("pre").wholeText());
    Map<String, Object> declared =
        (Map<String, Object>) ((Map<String, Object>) shown.get("pipelines")).get("declared");
    Map<String, Object> pipeline = (Map<String, Object>) declared.get(PIPELINE);
    assertThat(pipeline).containsEntry("team", TEAM).containsEntry("owner", OWNER);
    assertThat((Map<String, Object>) pipeline.get("stages")).containsKey(STAGE);
  }

  /**
   * No element, attribute or URL came from a value: no img or script (the pages have neither), no
   * event handler attribute, no script URL, and the title no script could change.
   */
  private static void assertNothingInjected(Document page, String title) {
    assertThat(page.title()).isEqualTo(title);
    assertThat(page.select("img, script, iframe, object, embed, svg, form, base, link")).isEmpty();
    for (Element e : page.getAllElements()) {
      for (Attribute a : e.attributes()) {
        assertThat(a.getKey()).as(e.cssSelector()).doesNotStartWithIgnoringCase("on");
        if (List.of("href", "src", "action", "formaction").contains(a.getKey())) {
          assertThat(a.getValue().strip())
              .as(e.cssSelector())
              .doesNotStartWithIgnoringCase("javascript:");
        }
      }
    }
  }
}
