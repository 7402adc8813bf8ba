package io.mlpipe.cli;

import io.mlpipe.report.HtmlReport;
import io.mlpipe.report.JsonReport;
import io.mlpipe.report.MarkdownReport;
import io.mlpipe.report.PrometheusApi;
import io.mlpipe.report.PrometheusException;
import io.mlpipe.report.Report;
import io.mlpipe.report.ReportBuilder;
import io.mlpipe.report.Span;
import io.mlpipe.report.WebhookPost;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mlpipe report}: health, SLA, data, model and cost report read from a Prometheus. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Write a report of a window (default the last 7 days) per team and pipeline: runs, success"
          + " ratio, SLA compliance, durations, data integrity, models, CPU/GPU-hours, alerts,"
          + " read from Prometheus' HTTP API.",
      "Exit 1 with one line when Prometheus cannot be reached or refuses the credentials."
    })
final class ReportCommand implements Callable<Integer> {

  enum Format {
    html,
    md,
    json
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--prometheus",
      required = true,
      paramLabel = "URL",
      description = "Prometheus' base URL, e.g. http://prometheus:9090 (a path prefix is kept).")
  String prometheus;

  @Option(
      names = "--since",
      defaultValue = "7d",
      description =
          "Window start: a duration before --until (7d, 12h), an RFC 3339 time or Unix seconds (default: ${DEFAULT-VALUE}).")
  String since;

  @Option(
      names = "--until",
      defaultValue = "now",
      description =
          "Window end: now, an RFC 3339 time or Unix seconds (default: ${DEFAULT-VALUE}).")
  String until;

  @Option(names = "--team", description = "Only the pipelines of this team.")
  String team;

  @Option(names = "--pipeline", description = "Only this pipeline.")
  String pipeline;

  @Option(
      names = "--format",
      description = "html, md or json (default: from --out's extension, else md).")
  Format format;

  @Option(names = "--out", paramLabel = "FILE", description = "Write here instead of stdout.")
  Path out;

  @Option(
      names = "--prometheus.ca-file",
      paramLabel = "FILE",
      description = "PEM CA certificate(s) to verify an https Prometheus with.")
  Path caFile;

  @Option(
      names = "--prometheus.insecure-skip-verify",
      description = "Do not verify Prometheus' certificate (as its insecure_skip_verify).")
  boolean insecure;

  @Option(
      names = "--prometheus.basic-auth-user",
      paramLabel = "USER",
      description = "Basic auth user.")
  String user;

  @Option(
      names = "--prometheus.basic-auth-password-file",
      paramLabel = "FILE",
      description = "File holding the basic auth password (or set MLPIPE_PROMETHEUS_PASSWORD).")
  Path passwordFile;

  @Option(
      names = "--prometheus.bearer-token-file",
      paramLabel = "FILE",
      description = "File holding a bearer token (or set MLPIPE_PROMETHEUS_TOKEN).")
  Path tokenFile;

  @Option(
      names = "--prometheus.timeout",
      defaultValue = "60s",
      converter = Converters.PositiveDuration.class,
      description = "Per request (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(
      names = "--webhook-url",
      paramLabel = "URL",
      defaultValue = "${env:MLPIPE_WEBHOOK_URL}",
      description =
          "Also POST the report as Markdown to this incoming webhook (Slack, Mattermost, ...);"
              + " exit 1 when it is unreachable or answers other than 2xx. Default: the"
              + " environment's MLPIPE_WEBHOOK_URL (keeps the URL's secret out of the args).")
  String webhookUrl;

  @Option(
      names = "--webhook-format",
      defaultValue = "json",
      description =
          "json: {\"text\": \"<markdown>\"} as chat tools' incoming webhooks take it; text: the"
              + " Markdown as the body (default: ${DEFAULT-VALUE}).")
  WebhookPost.Format webhookFormat;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    Span span;
    try {
      span = Span.parse(since, until, Instant.now());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Format f = format != null ? format : formatOf(out);
    try {
      String password = secret(passwordFile, "MLPIPE_PROMETHEUS_PASSWORD");
      String token = secret(tokenFile, "MLPIPE_PROMETHEUS_TOKEN");
      URI url;
      try {
        url = new URI(prometheus.trim());
      } catch (URISyntaxException e) {
        throw new PrometheusException(
            "--prometheus " + prometheus + ": not an http:// or https:// URL");
      }
      PrometheusApi api =
          PrometheusApi.connect(
              new PrometheusApi.Connection(url, caFile, insecure, user, password, token, timeout));
      Report report = new ReportBuilder(api, span, team, pipeline).build();
      String text =
          switch (f) {
            case json -> JsonReport.render(report);
            case md -> MarkdownReport.render(report);
            case html -> HtmlReport.render(report);
          };
      if (out == null) {
        PrintWriter o = spec.commandLine().getOut();
        o.print(text);
        o.flush();
      } else {
        Files.writeString(out, text, StandardCharsets.UTF_8);
      }
      if (webhookUrl != null) {
        String md = f == Format.md ? text : MarkdownReport.render(report);
        WebhookPost.post(webhookUrl, webhookFormat, md, timeout);
      }
      return 0;
    } catch (WebhookPost.WebhookException e) {
      err.println("mlpipe report: " + e.getMessage());
      err.flush();
      return 1;
    } catch (PrometheusException e) {
      err.println("mlpipe report: " + e.getMessage());
      err.flush();
      return 1;
    } catch (IOException e) {
      err.println("mlpipe report: cannot write " + out + ": " + e.getMessage());
      err.flush();
      return 1;
    }
  }

  private static Format formatOf(Path out) {
    String name = out == null ? "" : out.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".html") || name.endsWith(".htm")) {
      return Format.html;
    }
    if (name.endsWith(".json")) {
      return Format.json;
    }
    return Format.md;
  }

  /** A credential from its file (trailing newline dropped), else the environment, else null. */
  private static String secret(Path file, String env) throws PrometheusException {
    if (file != null) {
      try {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new PrometheusException("cannot read " + file + ": " + e.getMessage());
      }
    }
    String v = System.getenv(env);
    return v == null || v.isEmpty() ? null : v;
  }
}
