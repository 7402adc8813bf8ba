package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.mlpipe.report.HtmlReport;
import io.mlpipe.report.MarkdownReport;
import io.mlpipe.report.PrometheusApi;
import io.mlpipe.report.Report;
import io.mlpipe.report.ReportBuilder;
import io.mlpipe.report.Span;
import io.mlpipe.testing.FreePort;
import io.mlpipe.testing.PrometheusServer;
import io.mlpipe.testing.TestCa;
import io.mlpipe.testing.Wait;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19: {@code mlpipe report} against a real Prometheus (with rules/ loaded) scraping an agent
 * that the demo drives with known faults on churn and recsys while fraud stays healthy. The report
 * names each fault's pipeline and stage, its run counts equal the agent's own counters (what the
 * demo sent), fraud is reported healthy; the JSON validates against the committed schema, the
 * Markdown has every section, and the HTML renders in headless Chromium with no console message. An
 * unreachable Prometheus, refused credentials and an empty window give the documented answers.
 */
class ReportTest {

  private static final Path ROOT =
      Path.of(System.getProperty("mlpipe.root", "..")).toAbsolutePath().normalize();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern RUNS =
      Pattern.compile(
          "^mlpipe_stage_runs_total\\{(?=[^}]*pipeline=\"([^\"]+)\")(?=[^}]*stage=\"([^\"]+)\")(?=[^}]*status=\"([^\"]+)\")[^}]*} (\\S+)",
          Pattern.MULTILINE);

  @TempDir Path dir;

  @Test
  void demoFaultsAreNamedAndCountsMatchTheAgent() throws Exception {
    Map<String, Double> sent;
    double since;
    double until;
    try (DemoRig rig =
            DemoRig.start(
                dir.resolve("demo"),
                3600,
                "stage-failure@churn/deploy",
                "model-regression@churn/evaluate",
                "drift@churn/features",
                "sla-breach@recsys/features",
                "gpu-idle@recsys/train");
        PrometheusServer prom = prometheus(rig, true);
        PrometheusServer bare = prometheus(rig, false)) {
      since = System.currentTimeMillis() / 1000.0 - 5;
      prom.waitUntilUp("mlpipe");
      Wait.until(
          "3 failed churn deploys, 3 slow recsys features, 3 fraud deploys in Prometheus",
          Duration.ofSeconds(90),
          () ->
              value(
                          prom,
                          "mlpipe_stage_runs_total{pipeline=\"churn\",stage=\"deploy\",status=\"failure\"}")
                      >= 3
                  && value(
                          prom,
                          "mlpipe_stage_runs_total{pipeline=\"recsys\",stage=\"features\",status=\"success\"}")
                      >= 3
                  && value(
                          prom,
                          "mlpipe_stage_runs_total{pipeline=\"fraud\",stage=\"deploy\",status=\"success\"}")
                      >= 3,
          () -> "demo: " + rig.log);
      // Stop sending, then wait until Prometheus holds the agent's final counters.
      rig.demo.close();
      sent = agentRuns(rig.metrics());
      Wait.until(
          "Prometheus scraped the agent's final run counters",
          Duration.ofSeconds(30),
          () -> {
            Map<String, Double> scraped = new HashMap<>();
            for (PrometheusServer.Sample s : prom.query("mlpipe_stage_runs_total")) {
              scraped.put(
                  key(
                      s.labels().get("pipeline"),
                      s.labels().get("stage"),
                      s.labels().get("status")),
                  s.value());
            }
            return scraped.equals(sent);
          });
      until = System.currentTimeMillis() / 1000.0;

      Cli.Result cli =
          Cli.run(
              Map.of(),
              null,
              "report",
              "--prometheus",
              prom.url(),
              "--since",
              Long.toString((long) since),
              "--until",
              Long.toString((long) Math.ceil(until)),
              "--format",
              "json");
      assertThat(cli.exitCode()).as(cli.toString()).isZero();
      JsonNode json = JSON.readTree(cli.stdout());
      assertThat(schemaErrors(json)).as(cli.stdout()).isEmpty();

      // Every stage's runs and success ratio equal what the agent counted from the demo.
      Map<String, Double> reported = new HashMap<>();
      for (JsonNode team : json.at("/pipelines/teams")) {
        for (JsonNode p : team.path("pipelines")) {
          for (JsonNode s : p.path("stages")) {
            String pl = p.path("pipeline").asText();
            String st = s.path("stage").asText();
            for (String status : List.of("success", "failure", "cancelled")) {
              long n =
                  s.path(
                          status.equals("success")
                              ? "successes"
                              : status.equals("failure") ? "failures" : "cancelled")
                      .asLong();
              if (n > 0) {
                reported.put(key(pl, st, status), (double) n);
              }
            }
            double ok = sent.getOrDefault(key(pl, st, "success"), 0.0);
            double bad = sent.getOrDefault(key(pl, st, "failure"), 0.0);
            if (ok + bad > 0) {
              assertThat(s.path("successRatio").asDouble())
                  .as(pl + "/" + st)
                  .isEqualTo(ok / (ok + bad));
            }
          }
        }
      }
      Map<String, Double> sentNonZero = new HashMap<>(sent);
      sentNonZero.values().removeIf(v -> v == 0);
      assertThat(reported).isEqualTo(sentNonZero);

      JsonNode churn = pipeline(json, "churn");
      assertThat(churn.path("team").asText()).isEqualTo("growth");
      assertThat(churn.path("health").asText()).isEqualTo("failing");
      assertThat(stage(churn, "deploy").path("failures").asLong())
          .isEqualTo(sent.get(key("churn", "deploy", "failure")).longValue());
      assertThat(churn.path("problems").toString()).contains("failed runs of stage deploy");

      JsonNode recsys = pipeline(json, "recsys");
      assertThat(stage(recsys, "features").at("/sla/breached").asLong()).isPositive();
      assertThat(recsys.path("problems").toString()).contains("of stage features over its SLA");

      assertThat(json.at("/data/drift").toString()).contains("\"churn\"", "tenure_days");
      assertThat(json.at("/models/regressions").toString()).contains("\"churn\"", "churn-xgb");
      assertThat(json.at("/models/retrain").toString()).contains("\"churn\"", "drift");
      List<String> idle = new ArrayList<>();
      for (JsonNode u : json.at("/resources/usage")) {
        if (u.path("idleGpuHours").asDouble() > 0) {
          idle.add(u.path("pipeline").asText() + "/" + u.path("stage").asText());
        }
      }
      assertThat(idle).containsExactly("recsys/train");
      assertThat(json.at("/alerts/fired").toString()).contains("MlpipeStageFailed");

      JsonNode fraud = pipeline(json, "fraud");
      assertThat(fraud.path("health").asText()).as(fraud.toString()).isEqualTo("healthy");
      assertThat(fraud.path("problems")).isEmpty();
      assertThat(fraud.path("successRatio").asDouble()).isEqualTo(1.0);

      // Markdown and HTML of the same window, rendered in-process.
      Report report =
          new ReportBuilder(
                  PrometheusApi.connect(
                      new PrometheusApi.Connection(
                          URI.create(prom.url()),
                          null,
                          false,
                          null,
                          null,
                          null,
                          Duration.ofSeconds(60))),
                  new Span((long) since, Math.ceil(until)),
                  null,
                  null)
              .build();
      String md = MarkdownReport.render(report);
      assertThat(md)
          .contains(
              "## Pipelines",
              "## Data integrity",
              "## Models",
              "## Resources and cost",
              "## Alerts and security",
              "| growth | churn | **failing** |",
              "| risk | fraud | healthy |");
      Path html = dir.resolve("report.html");
      Files.writeString(html, HtmlReport.render(report));
      checkInChromium(html);

      // A Prometheus without mlpipe's recording rules: the same figures from the raw series.
      Report raw = inProcess(bare, since, until);
      assertThat(raw.recordingRules()).isFalse();
      assertThat(report.recordingRules()).isTrue();
      assertThat(runs(raw)).isEqualTo(runs(report)).isEqualTo(sentNonZero);
      assertThat(teams(raw)).isEqualTo(teams(report));
      assertThat(raw.data().drift()).extracting(Report.Drift::pipeline).containsOnly("churn");
      assertThat(raw.models().regressions())
          .extracting(Report.Regression::pipeline)
          .contains("churn");
      assertThat(raw.alerts().noData()).isNull();
      assertThat(raw.alerts().fired()).isEmpty();

      // --team risk: fraud only, with the same counts.
      Report risk = inProcess(prom, since, until, "risk");
      assertThat(teams(risk)).isEqualTo(Map.of("fraud", "risk"));
      Map<String, Double> fraudSent = new HashMap<>(sentNonZero);
      fraudSent.keySet().removeIf(k -> !k.startsWith("fraud/"));
      assertThat(runs(risk)).isEqualTo(fraudSent);
      assertThat(risk.data().drift()).isEmpty();
      assertThat(risk.alerts().fired()).noneMatch(a -> a.pipeline().equals("churn"));
    }
  }

  private static Report inProcess(PrometheusServer prom, double since, double until)
      throws Exception {
    return inProcess(prom, since, until, null);
  }

  private static Report inProcess(PrometheusServer prom, double since, double until, String team)
      throws Exception {
    return new ReportBuilder(
            PrometheusApi.connect(
                new PrometheusApi.Connection(
                    URI.create(prom.url()), null, false, null, null, null, Duration.ofSeconds(60))),
            new Span((long) since, Math.ceil(until)),
            team,
            null)
        .build();
  }

  /** pipeline/stage/status -> runs, for the non-zero counts of a report. */
  private static Map<String, Double> runs(Report r) {
    Map<String, Double> out = new HashMap<>();
    for (Report.Team t : r.pipelines().teams()) {
      for (Report.Pipeline p : t.pipelines()) {
        for (Report.Stage s : p.stages()) {
          if (s.successes() > 0)
            out.put(key(p.pipeline(), s.stage(), "success"), (double) s.successes());
          if (s.failures() > 0)
            out.put(key(p.pipeline(), s.stage(), "failure"), (double) s.failures());
          if (s.cancelled() > 0)
            out.put(key(p.pipeline(), s.stage(), "cancelled"), (double) s.cancelled());
        }
      }
    }
    return out;
  }

  private static Map<String, String> teams(Report r) {
    Map<String, String> out = new HashMap<>();
    r.pipelines().teams().forEach(t -> t.pipelines().forEach(p -> out.put(p.pipeline(), t.team())));
    return out;
  }

  @Test
  void unreachableBadUrlWrongCredentialsAndEmptyWindow() throws Exception {
    int nobody = FreePort.next();
    Cli.Result unreachable =
        Cli.run(Map.of(), null, "report", "--prometheus", "http://127.0.0.1:" + nobody);
    assertThat(unreachable.exitCode()).as(unreachable.toString()).isEqualTo(1);
    assertThat(unreachable.stdout()).isEmpty();
    assertThat(unreachable.stderr().strip())
        .isEqualTo(
            "mlpipe report: cannot reach Prometheus at http://127.0.0.1:"
                + nobody
                + ": connection refused");

    Cli.Result badUrl = Cli.run(Map.of(), null, "report", "--prometheus", "127.0.0.1:9090");
    assertThat(badUrl.exitCode()).as(badUrl.toString()).isEqualTo(1);
    assertThat(badUrl.stderr().strip().lines()).hasSize(1);
    assertThat(badUrl.stderr()).contains("not an http:// or https:// URL");

    Path web = dir.resolve("web.yml");
    Files.writeString(
        web,
        "basic_auth_users:\n  reporter: "
            + BCrypt.withDefaults().hashToString(10, "right-pw".toCharArray())
            + "\n");
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString("reporter:right-pw".getBytes(StandardCharsets.UTF_8));
    Path wrong = dir.resolve("wrong.pw");
    Files.writeString(wrong, "wrong-pw\n");
    Path right = dir.resolve("right.pw");
    Files.writeString(right, "right-pw\n");
    try (PrometheusServer prom =
        PrometheusServer.builder(dir.resolve("prom"))
            .webConfig(web, Map.of("Authorization", basic))
            .start()) {
      Cli.Result refused =
          Cli.run(
              Map.of(),
              null,
              "report",
              "--prometheus",
              prom.url(),
              "--prometheus.basic-auth-user",
              "reporter",
              "--prometheus.basic-auth-password-file",
              wrong.toString());
      assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
      assertThat(refused.stdout()).isEmpty();
      assertThat(refused.stderr().strip().lines()).hasSize(1);
      assertThat(refused.stderr()).contains("refused the credentials (HTTP 401 Unauthorized)");

      // The right password, and a window in which this Prometheus has nothing: a report saying so.
      Cli.Result empty =
          Cli.run(
              Map.of(),
              null,
              "report",
              "--prometheus",
              prom.url(),
              "--prometheus.basic-auth-user",
              "reporter",
              "--prometheus.basic-auth-password-file",
              right.toString(),
              "--since",
              "1h",
              "--format",
              "md");
      assertThat(empty.exitCode()).as(empty.toString()).isZero();
      assertThat(empty.stdout())
          .contains(
              "Empty window: no mlpipe pipeline has data between", "## Pipelines", "_No data: ");
    }
  }

  /** A Prometheus behind TLS: verified with --prometheus.ca-file, refused without it. */
  @Test
  void tlsWithCaFileOrInsecureSkipVerify() throws Exception {
    TestCa ca = TestCa.create("report-test-ca");
    ca.server(dir, "server");
    Path caFile = ca.writeCert(dir.resolve("ca.crt"));
    Path web = dir.resolve("web-tls.yml");
    Files.writeString(web, "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n");
    try (PrometheusServer prom =
        PrometheusServer.builder(dir.resolve("prom-tls"))
            .webConfig(web, Map.of())
            .tls(ca.clientContext(null))
            .start()) {
      assertThat(prom.url()).startsWith("https://");
      Cli.Result untrusted = Cli.run(Map.of(), null, "report", "--prometheus", prom.url());
      assertThat(untrusted.exitCode()).as(untrusted.toString()).isEqualTo(1);
      assertThat(untrusted.stderr().strip().lines()).hasSize(1);
      assertThat(untrusted.stderr())
          .contains(
              "cannot reach Prometheus at " + prom.url() + ": TLS failed", "--prometheus.ca-file");

      for (String trust :
          List.of("--prometheus.ca-file=" + caFile, "--prometheus.insecure-skip-verify")) {
        Cli.Result ok =
            Cli.run(
                Map.of(),
                null,
                "report",
                "--prometheus",
                prom.url(),
                trust,
                "--since",
                "10m",
                "--format",
                "json");
        assertThat(ok.exitCode()).as(trust + ": " + ok).isZero();
        JsonNode json = JSON.readTree(ok.stdout());
        assertThat(json.path("empty").asBoolean()).isTrue();
        assertThat(schemaErrors(json)).isEmpty();
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private PrometheusServer prometheus(DemoRig rig, boolean withRules) throws Exception {
    PrometheusServer.Builder b =
        PrometheusServer.builder(dir.resolve(withRules ? "prom" : "prom-bare"))
            .scrape("mlpipe", rig.agent.hostPort());
    if (withRules) {
      for (Path file : RulesTest.yamlFiles(ROOT.resolve("rules"))) {
        b.ruleFile(file);
      }
    }
    return b.start();
  }

  private static double value(PrometheusServer prom, String promql) {
    return prom.queryValue(promql).orElse(0);
  }

  private static String key(String pipeline, String stage, String status) {
    return pipeline + "/" + stage + "/" + status;
  }

  /** mlpipe_stage_runs_total as the agent exposes it: what the demo sent. */
  private static Map<String, Double> agentRuns(String metrics) {
    Map<String, Double> out = new HashMap<>();
    Matcher m = RUNS.matcher(metrics);
    while (m.find()) {
      out.put(key(m.group(1), m.group(2), m.group(3)), Double.parseDouble(m.group(4)));
    }
    assertThat(out).as(metrics).isNotEmpty();
    return out;
  }

  private static JsonNode pipeline(JsonNode report, String name) {
    for (JsonNode team : report.at("/pipelines/teams")) {
      for (JsonNode p : team.path("pipelines")) {
        if (p.path("pipeline").asText().equals(name)) {
          return p;
        }
      }
    }
    throw new AssertionError("no pipeline " + name + " in " + report);
  }

  private static JsonNode stage(JsonNode pipeline, String name) {
    for (JsonNode s : pipeline.path("stages")) {
      if (s.path("stage").asText().equals(name)) {
        return s;
      }
    }
    throw new AssertionError("no stage " + name + " in " + pipeline);
  }

  static Set<ValidationMessage> schemaErrors(JsonNode json) throws Exception {
    try (InputStream in =
        HtmlReport.class.getResourceAsStream("/io/mlpipe/report/report.schema.json")) {
      JsonSchema schema =
          JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
      return schema.validate(json);
    }
  }

  /**
   * Chromium loads the page from a file (no network) and logs console messages to stderr; a page
   * that logs (checked first, so the check can fail) shows there.
   */
  private void checkInChromium(Path html) throws Exception {
    Chromium chromium = new Chromium(dir);
    chromium.assertConsoleCheckWorks();

    Chromium.Run dom = chromium.dumpDom(html.toUri().toString());
    Chromium.assertQuietConsole(dom);
    assertThat(dom.stdout())
        .contains(
            "<section id=\"pipelines\"",
            "<section id=\"data\"",
            "<section id=\"models\"",
            "<section id=\"resources\"",
            "<section id=\"alerts\"")
        .doesNotContain("<script", "<link", "<img", "@import", "url(http");
    assertThat(Pattern.compile("<svg").matcher(dom.stdout()).results().count())
        .isGreaterThanOrEqualTo(3);

    chromium.screenshot(html.toUri().toString(), Path.of("target", "report.png"), 1200, 1800);
  }
}
