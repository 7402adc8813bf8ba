package io.mlpipe.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import javax.net.ssl.SSLContext;

/**
 * A real Prometheus (Debian's binary) on a free port with a generated config, for tests.
 *
 * <pre>{@code
 * try (PrometheusServer prom = PrometheusServer.builder(tmp).scrape("mlpipe", "127.0.0.1:" + port).start()) {
 *   prom.waitUntilUp("mlpipe");
 *   double v = prom.queryValue("mlpipe_exporter_build_info").orElseThrow();
 * }
 * }</pre>
 */
public final class PrometheusServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One sample of an instant vector. */
  public record Sample(Map<String, String> labels, double value) {}

  private final ManagedProcess process;
  private final String url;
  private final Path configFile;

  private PrometheusServer(ManagedProcess process, String url, Path configFile) {
    this.process = process;
    this.url = url;
    this.configFile = configFile;
  }

  public static Builder builder(Path dir) {
    return new Builder(dir);
  }

  /** Builds the config and command line. */
  public static final class Builder {
    private final Path dir;
    private final Map<String, List<String>> jobs = new LinkedHashMap<>();
    private final Map<String, String> jobExtras = new LinkedHashMap<>();
    private final List<Path> ruleFiles = new ArrayList<>();
    private String scrapeInterval = "1s";
    private String evaluationInterval = "1s";
    private String alertmanager;
    private boolean protobuf;
    private final Map<String, String> externalLabels = new LinkedHashMap<>();
    private final List<String> remoteWrites = new ArrayList<>();
    private boolean agentMode;
    private boolean remoteWriteReceiver;
    private String configText;
    private Path webConfig;
    private Map<String, String> readyHeaders = Map.of();
    private SSLContext tls;

    private Builder(Path dir) {
      this.dir = dir;
    }

    public Builder scrape(String job, String... targets) {
      jobs.put(job, List.of(targets));
      return this;
    }

    /** Extra YAML lines (indented for a scrape_config) for {@code job}, e.g. scheme or auth. */
    public Builder jobExtra(String job, String yaml) {
      jobExtras.put(job, yaml);
      return this;
    }

    public Builder scrapeInterval(String interval) {
      this.scrapeInterval = interval;
      return this;
    }

    public Builder evaluationInterval(String interval) {
      this.evaluationInterval = interval;
      return this;
    }

    public Builder ruleFile(Path file) {
      ruleFiles.add(file);
      return this;
    }

    public Builder alertmanager(String hostPort) {
      this.alertmanager = hostPort;
      return this;
    }

    /**
     * Runs Prometheus with this whole configuration (e.g. a shipped example, its addresses
     * rewritten) instead of one built from the other settings.
     */
    public Builder config(String yaml) {
      this.configText = yaml;
      return this;
    }

    /** Scrape in protobuf (Prometheus 2.x negotiates it with the native-histograms feature). */
    public Builder protobuf(boolean on) {
      this.protobuf = on;
      return this;
    }

    /** A {@code global.external_labels} entry, e.g. the {@code cluster} of a fleet member. */
    public Builder externalLabel(String name, String value) {
      externalLabels.put(name, value);
      return this;
    }

    /** Sends every sample to {@code url} (another Prometheus' {@code /api/v1/write}). */
    public Builder remoteWrite(String url) {
      remoteWrites.add(url);
      return this;
    }

    /**
     * Serve behind {@code --web.config.file} (exporter-toolkit format); readiness is then checked
     * with {@code headers} (e.g. a basic-auth Authorization header the file accepts).
     */
    public Builder webConfig(Path file, Map<String, String> headers) {
      this.webConfig = file;
      this.readyHeaders = Map.copyOf(headers);
      return this;
    }

    /**
     * Agent mode ({@code --enable-feature=agent}): scrapes and remote-writes only; no query API, no
     * rules, so {@link #query} fails on it.
     */
    public Builder agentMode() {
      this.agentMode = true;
      return this;
    }

    /** Accepts remote-write requests on {@code /api/v1/write} (the central Prometheus). */
    public Builder remoteWriteReceiver() {
      this.remoteWriteReceiver = true;
      return this;
    }

    /**
     * The web config serves TLS: the URL is https, and readiness is checked with {@code client}
     * (e.g. {@code TestCa.clientContext(null)}, trusting the CA that signed the server's cert).
     */
    public Builder tls(SSLContext client) {
      this.tls = client;
      return this;
    }

    public PrometheusServer start() {
      Path binary = Binaries.require("prometheus");
      try {
        Files.createDirectories(dir);
        StringBuilder yaml = new StringBuilder();
        yaml.append("global:\n")
            .append("  scrape_interval: ")
            .append(scrapeInterval)
            .append('\n')
            .append("  scrape_timeout: ")
            .append(scrapeInterval)
            .append('\n')
            .append("  evaluation_interval: ")
            .append(evaluationInterval)
            .append('\n');
        if (!externalLabels.isEmpty()) {
          yaml.append("  external_labels:\n");
          externalLabels.forEach(
              (k, v) -> yaml.append("    ").append(k).append(": '").append(v).append("'\n"));
        }
        if (!remoteWrites.isEmpty()) {
          // A 1 s deadline (default 5 s) so that a test sees samples on the receiver quickly.
          yaml.append("remote_write:\n");
          remoteWrites.forEach(
              u ->
                  yaml.append("  - url: '")
                      .append(u)
                      .append("'\n    queue_config:\n      batch_send_deadline: 1s\n"));
        }
        if (!ruleFiles.isEmpty()) {
          yaml.append("rule_files:\n");
          ruleFiles.forEach(f -> yaml.append("  - ").append(f.toAbsolutePath()).append('\n'));
        }
        if (alertmanager != null) {
          yaml.append("alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['")
              .append(alertmanager)
              .append("']\n");
        }
        yaml.append("scrape_configs:\n");
        jobs.forEach(
            (job, targets) -> {
              yaml.append("  - job_name: ").append(job).append('\n');
              if (jobExtras.containsKey(job)) {
                yaml.append(jobExtras.get(job)).append('\n');
              }
              yaml.append("    static_configs:\n      - targets: [");
              yaml.append(String.join(", ", targets.stream().map(t -> "'" + t + "'").toList()));
              yaml.append("]\n");
            });
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, configText != null ? configText : yaml);
        int port = FreePort.next();
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.toString());
        cmd.add("--config.file=" + config);
        if (agentMode) {
          cmd.add("--enable-feature=agent");
          cmd.add("--storage.agent.path=" + dir.resolve("wal"));
        } else {
          cmd.add("--storage.tsdb.path=" + dir.resolve("tsdb"));
        }
        if (remoteWriteReceiver) {
          cmd.add("--web.enable-remote-write-receiver");
        }
        cmd.add("--web.listen-address=127.0.0.1:" + port);
        cmd.add("--web.enable-lifecycle");
        cmd.add("--log.level=info");
        if (protobuf) {
          cmd.add("--enable-feature=native-histograms");
        }
        if (webConfig != null) {
          cmd.add("--web.config.file=" + webConfig);
        }
        ManagedProcess p = new ManagedProcess("prometheus", cmd, dir.resolve("prometheus.log"));
        PrometheusServer server =
            new PrometheusServer(
                p, (tls == null ? "http" : "https") + "://127.0.0.1:" + port, config);
        Wait.until(
            "Prometheus ready on port " + port,
            Duration.ofSeconds(30),
            () -> {
              if (!p.isAlive()) {
                throw new AssertionError("prometheus exited:\n" + p.logTail(30));
              }
              try {
                if (tls != null) {
                  HttpRequest.Builder r =
                      HttpRequest.newBuilder(URI.create(server.url + "/-/ready"));
                  readyHeaders.forEach(r::header);
                  return HttpClient.newBuilder()
                          .sslContext(tls)
                          .build()
                          .send(r.build(), HttpResponse.BodyHandlers.discarding())
                          .statusCode()
                      == 200;
                }
                return Http.get(server.url + "/-/ready", readyHeaders).status() == 200;
              } catch (RuntimeException | IOException e) {
                return false;
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
              }
            });
        return server;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  public String url() {
    return url;
  }

  /** Where other Prometheus servers remote-write to (needs {@link Builder#remoteWriteReceiver}). */
  public String remoteWriteUrl() {
    return url + "/api/v1/write";
  }

  public ManagedProcess process() {
    return process;
  }

  public Path configFile() {
    return configFile;
  }

  /** The instant vector {@code promql} evaluates to now. */
  public List<Sample> query(String promql) {
    JsonNode data = api("/api/v1/query?query=" + encode(promql));
    List<Sample> out = new ArrayList<>();
    String type = data.get("resultType").asText();
    if (type.equals("scalar")) {
      out.add(new Sample(Map.of(), data.get("result").get(1).asDouble()));
      return out;
    }
    for (JsonNode r : data.get("result")) {
      Map<String, String> labels = new LinkedHashMap<>();
      r.get("metric").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
      out.add(new Sample(labels, Double.parseDouble(r.get("value").get(1).asText())));
    }
    return out;
  }

  /** The value of the first sample, or empty when the vector is empty. */
  public OptionalDouble queryValue(String promql) {
    List<Sample> r = query(promql);
    return r.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(r.get(0).value());
  }

  /** A range query's raw {@code data} node. */
  public JsonNode queryRange(
      String promql, long startEpochSeconds, long endEpochSeconds, String step) {
    return api(
        "/api/v1/query_range?query="
            + encode(promql)
            + "&start="
            + startEpochSeconds
            + "&end="
            + endEpochSeconds
            + "&step="
            + step);
  }

  /** The {@code data} node of any GET API call, e.g. {@code /api/v1/targets}. */
  public JsonNode api(String pathAndQuery) {
    Http.Response r = Http.get(url + pathAndQuery);
    try {
      JsonNode body = JSON.readTree(r.body());
      if (r.status() != 200 || !"success".equals(body.path("status").asText())) {
        throw new AssertionError(
            "Prometheus API " + pathAndQuery + " -> " + r.status() + ": " + r.body());
      }
      return body.get("data");
    } catch (IOException e) {
      throw new AssertionError(
          "Prometheus API " + pathAndQuery + " returned no JSON: " + r.body(), e);
    }
  }

  /** Waits until every target of {@code job} has been scraped successfully. */
  public void waitUntilUp(String job) {
    Wait.until(
        "up{job=\"" + job + "\"} == 1",
        Duration.ofSeconds(30),
        () -> {
          List<Sample> up = query("up{job=\"" + job + "\"}");
          return !up.isEmpty() && up.stream().allMatch(s -> s.value() == 1);
        },
        () -> "targets: " + api("/api/v1/targets").toString());
  }

  /** Waits until {@code promql} returns a non-empty vector, and returns it. */
  public List<Sample> waitFor(String promql, Duration timeout) {
    List<List<Sample>> last = new ArrayList<>();
    Wait.until(
        promql + " to return data",
        timeout,
        () -> {
          List<Sample> r = query(promql);
          last.clear();
          last.add(r);
          return !r.isEmpty();
        });
    return last.get(0);
  }

  /** Re-reads the config file (after a test rewrote it). */
  public void reload() {
    Http.Response r = Http.send("POST", url + "/-/reload", Map.of(), new byte[0]);
    if (r.status() != 200) {
      throw new AssertionError("Prometheus reload failed: " + r.status() + " " + r.body());
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws InterruptedException {
    process.close();
  }
}
