package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlpipe.store.MetricType;
import io.mlpipe.testing.AgentProcess;
import io.mlpipe.testing.Http;
import io.mlpipe.testing.SimpleServer;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One sequence of pushes sent to the real Pushgateway (Debian 1.5.1) and to the agent: the same
 * status codes, then the same exposed series (push times aside).
 *
 * <p>Deliberate differences, each marked in {@link #STEPS} with the agent's status and listed in
 * the README: {@code /metrics/job/} (Pushgateway redirects with 307 to a path that then 404s; the
 * agent answers 400 naming the missing job) and {@code /metrics/job} (404 there, 400 with the path
 * format here); pushes Pushgateway stores but no scraper can use (negative counter, decreasing or
 * negative bucket counts, quantile outside 0..1, a pushed {@code push_time_seconds}, a grouping key
 * naming job twice) are refused by the agent with 400; CRLF line ends, a missing final newline and
 * blanks around a sample line are accepted by the agent (Go's parser refuses them); a counter whose
 * name lacks {@code _total} is exposed as untyped.
 */
class PushgatewaySideBySideTest {

  private static final String TEXT = "text/plain; version=0.0.4";
  private static final String PROTO =
      "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

  /**
   * One request. {@code agentStatus} is null where the agent answers as Pushgateway does; {@code
   * differentJob} names a job whose exposed series are left out of the comparison because of it.
   */
  record Step(
      String method,
      String path,
      String contentType,
      byte[] body,
      Integer agentStatus,
      String differentJob) {

    static Step text(String method, String path, String body) {
      return new Step(method, path, TEXT, body.getBytes(StandardCharsets.UTF_8), null, null);
    }

    Step agentAnswers(int status, String job) {
      return new Step(method, path, contentType, body, status, job);
    }

    @Override
    public String toString() {
      return method + " " + path + " " + new String(body, StandardCharsets.UTF_8).strip();
    }
  }

  static final List<Step> STEPS =
      List.of(
          Step.text(
              "PUT",
              "/metrics/job/basic/instance/i1",
              """
              # HELP jobs_done_total Jobs done.
              # TYPE jobs_done_total counter
              jobs_done_total{stage="train"} 4
              # TYPE queue_depth gauge
              queue_depth{queue="a"} 2
              queue_depth{queue="b"} 3
              # TYPE rows_seen counter
              rows_seen 17
              plain_untyped 1.5
              """),
          // POST replaces the families it names within the group, keeps the others.
          Step.text(
              "POST", "/metrics/job/basic/instance/i1", "queue_depth{queue=\"c\"} 9\nadded 1\n"),
          Step.text("PUT", "/metrics/job/replaced", "gone 1\n"),
          Step.text("PUT", "/metrics/job/replaced", "kept 2\n"),
          // base64 grouping key values, as clients send values containing '/', and the empty value.
          Step.text("PUT", "/metrics/job@base64/YS9i/path@base64/L3Zhci90bXA=", "b64 1\n"),
          Step.text("PUT", "/metrics/job/unpadded/path@base64/L3Zhci90bXA", "b64 2\n"),
          Step.text("PUT", "/metrics/job/emptyvalue/tag@base64/=", "b64 3\n"),
          Step.text("PUT", "/metrics/job/badb64/tag@base64/!!!", "b64 4\n"),
          // An empty PUT leaves a group with nothing but its push times.
          Step.text("PUT", "/metrics/job/empty", ""),
          // Inconsistent pushes: 400, and the group's push_failure_time_seconds is set.
          Step.text(
              "PUT", "/metrics/job/typeconflict", "# TYPE queue_depth counter\nqueue_depth 1\n"),
          Step.text("PUT", "/metrics/job/dup", "d 1\nd 2\n"),
          Step.text("PUT", "/metrics/job/ts", "t 1 1000\n"),
          // A body label that clashes with the grouping key: accepted, the grouping key wins.
          Step.text("PUT", "/metrics/job/clash", "cl{job=\"other\",instance=\"x\"} 1\n"),
          // Unparsable bodies and bad paths: 400, nothing recorded.
          Step.text("PUT", "/metrics/job/perr", "x{ 1\n"),
          Step.text("PUT", "/metrics/job/perr2", "x 1 2 3\n"),
          Step.text("PUT", "/metrics/job/perr3", "0x 1\n"),
          Step.text("PUT", "/metrics/job/a/b", "x 1\n"),
          Step.text("PUT", "/metrics/job/a/__b/c", "x 1\n"),
          Step.text("PUT", "/metrics/job/", "x 1\n").agentAnswers(400, null),
          Step.text("PUT", "/metrics/job", "x 1\n").agentAnswers(400, null),
          Step.text(
              "PUT",
              "/metrics/job/hist",
              """
              # TYPE lat_seconds histogram
              lat_seconds_bucket{le="0.1"} 1
              lat_seconds_bucket{le="1"} 3
              lat_seconds_bucket{le="+Inf"} 4
              lat_seconds_sum 2.5
              lat_seconds_count 4
              # TYPE rpc_seconds summary
              rpc_seconds{quantile="0.5"} 0.2
              rpc_seconds{quantile="0.99"} 0.9
              rpc_seconds_sum 3
              rpc_seconds_count 10
              """),
          Step.text(
              "POST",
              "/metrics/job/hist",
              "# TYPE size_bytes summary\nsize_bytes_sum 8\nsize_bytes_count 2\n"),
          Step.text("POST", "/metrics/job/hist", "# TYPE lat_seconds gauge\nlat_seconds 1\n"),
          Step.text(
              "PUT",
              "/metrics/job/special",
              "# TYPE odd gauge\nodd{v=\"nan\"} NaN\nodd{v=\"pinf\"} +Inf\n"
                  + "odd{v=\"ninf\"} -Inf\nodd{v=\"negzero\"} -0\nodd{v=\"big\"} 1e+30\n"
                  + "odd{v=\"esc\",s=\"q\\\"\\\\\\n\"} 1\n"),
          Step.text("PUT", "/metrics/job/gone", "soon 1\n"),
          Step.text("DELETE", "/metrics/job/gone", ""),
          Step.text("DELETE", "/metrics/job/never-pushed", ""),
          Step.text("DELETE", "/metrics/job/basic/instance/other", ""),
          Step.text("GET", "/metrics/job/basic", "").agentAnswers(405, null),
          new Step("PUT", "/metrics/job/proto", PROTO, protobufBody(), null, null),
          // Stored by Pushgateway, refused by the agent (documented).
          Step.text("PUT", "/metrics/job/negcounter", "# TYPE neg_total counter\nneg_total -1\n")
              .agentAnswers(400, "negcounter"),
          Step.text(
                  "PUT",
                  "/metrics/job/decreasing",
                  "# TYPE dec histogram\ndec_bucket{le=\"1\"} 5\ndec_bucket{le=\"+Inf\"} 3\n")
              .agentAnswers(400, "decreasing"),
          Step.text("PUT", "/metrics/job/reserved", "push_time_seconds 5\n")
              .agentAnswers(400, "reserved"),
          // Pushgateway keeps job="twice" and drops the second job silently; the agent refuses.
          Step.text("PUT", "/metrics/job/twice/job/again", "t2 1\n").agentAnswers(400, "twice"),
          // Accepted by the agent, refused by Go's text parser (documented leniency).
          Step.text("PUT", "/metrics/job/crlf", "crlf 1\r\n").agentAnswers(200, "crlf"),
          Step.text("PUT", "/metrics/job/nonewline", "nonl 1").agentAnswers(200, "nonewline"),
          Step.text("PUT", "/metrics/job/blanks", "  blanks   1  \n").agentAnswers(200, "blanks"));

  /** A delimited-protobuf body written by client_java, as its PushGateway sends. */
  private static byte[] protobufBody() {
    PrometheusRegistry registry = new PrometheusRegistry();
    Gauge.builder()
        .name("proto_gauge")
        .help("g")
        .labelNames("k")
        .register(registry)
        .labelValues("v")
        .set(2);
    Counter.builder().name("proto_events").help("c").register(registry).inc(5);
    Histogram h =
        Histogram.builder()
            .name("proto_latency_seconds")
            .help("h")
            .classicUpperBounds(0.5, 1)
            .classicOnly()
            .register(registry);
    h.observe(0.2);
    h.observe(0.7);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ExpositionFormats.init().getPrometheusProtobufWriter().write(out, registry.scrape());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  @TempDir Path dir;

  @Test
  void samePushesSameStatusesSameSeries() throws Exception {
    try (SimpleServer pg = SimpleServer.pushgateway(dir.resolve("pg"));
        AgentProcess agent = AgentProcess.start(dir.resolve("agent"))) {
      List<String> mismatches = new ArrayList<>();
      Set<String> differentJobs = new java.util.HashSet<>();
      for (Step step : STEPS) {
        int pgStatus = send(pg.url(), step);
        int agentStatus = send(agent.url(), step);
        int expected = step.agentStatus() == null ? pgStatus : step.agentStatus();
        if (agentStatus != expected) {
          mismatches.add(step + ": Pushgateway " + pgStatus + ", agent " + agentStatus);
        }
        if (step.differentJob() != null) {
          differentJobs.add(step.differentJob());
        }
      }
      assertThat(mismatches).as("status codes").isEmpty();

      ExposedSeries fromPg = ExposedSeries.scrape(pg.url()).withoutJobs(differentJobs);
      ExposedSeries fromAgent = ExposedSeries.scrape(agent.url()).withoutJobs(differentJobs);
      assertThat(fromAgent.series()).isEqualTo(fromPg.series());
      assertThat(fromPg.series()).containsKey("b64{instance=\"\",job=\"a/b\",path=\"/var/tmp\"}");
      assertThat(fromPg.series())
          .containsEntry("push_failure_time_seconds{instance=\"\",job=\"dup\"}", "set");

      // The JSON API (/api/v1/metrics), field by field: the same keys and kinds of values in
      // every group both hold alike (values differ: push times, Go's and Java's number format).
      assertThat(jsonShapes(agent.url(), differentJobs))
          .isEqualTo(jsonShapes(pg.url(), differentJobs));

      Map<String, MetricType> agentTypes = new TreeMap<>(fromAgent.types());
      fromPg
          .types()
          .forEach(
              (name, type) -> {
                if (type == MetricType.COUNTER && !name.endsWith("_total")) {
                  // Documented: exposed as untyped under its own name (client_java adds _total).
                  assertThat(agentTypes.get(name)).as(name).isEqualTo(MetricType.UNTYPED);
                } else {
                  assertThat(agentTypes.get(name)).as(name).isEqualTo(type);
                }
              });
    }
  }

  /**
   * Each push group of {@code GET /api/v1/metrics} by its grouping key, as its shape: objects with
   * their keys, arrays, and in place of each scalar its JSON type.
   */
  private static Map<String, Object> jsonShapes(String base, Set<String> leftOut) throws Exception {
    JsonNode root = new ObjectMapper().readTree(Http.get(base + "/api/v1/metrics").body());
    assertThat(root.path("status").asText()).isEqualTo("success");
    Map<String, Object> groups = new TreeMap<>();
    for (JsonNode g : root.path("data")) {
      if (!leftOut.contains(g.path("labels").path("job").asText())) {
        groups.put(g.path("labels").toString(), shape(g));
      }
    }
    assertThat(groups).isNotEmpty();
    return groups;
  }

  private static Object shape(JsonNode n) {
    if (n.isObject()) {
      Map<String, Object> m = new TreeMap<>();
      n.fields().forEachRemaining(f -> m.put(f.getKey(), shape(f.getValue())));
      return m;
    }
    if (n.isArray()) {
      List<Object> l = new ArrayList<>();
      n.forEach(x -> l.add(shape(x)));
      return l;
    }
    return n.getNodeType().toString();
  }

  private static int send(String base, Step step) {
    Map<String, String> headers =
        step.body().length == 0 && !step.method().equals("PUT")
            ? Map.of()
            : Map.of("Content-Type", step.contentType());
    byte[] body = step.method().equals("GET") ? null : step.body();
    return Http.send(step.method(), base + step.path(), headers, body).status();
  }
}
