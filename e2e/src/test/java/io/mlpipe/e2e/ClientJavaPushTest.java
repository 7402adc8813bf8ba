package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.store.MetricType;
import io.mlpipe.testing.AgentProcess;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Summary;
import io.prometheus.metrics.exporter.pushgateway.Format;
import io.prometheus.metrics.exporter.pushgateway.PushGateway;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** client_java's PushGateway pushing to the agent, in protobuf and in text. */
class ClientJavaPushTest {

  @TempDir static Path dir;
  private static AgentProcess agent;

  @BeforeAll
  static void startAgent() {
    agent = AgentProcess.start(dir.resolve("agent"));
  }

  @AfterAll
  static void stopAgent() throws Exception {
    agent.close();
  }

  private static PushGateway gateway(Format format, PrometheusRegistry registry, String job) {
    return PushGateway.builder()
        .address(agent.hostPort())
        .format(format)
        .job(job)
        .groupingKey("model", "churn/v2") // sent as model@base64/...
        .registry(registry)
        .build();
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void pushPushAddDelete(Format format) throws Exception {
    String job = "java-" + format.name().toLowerCase(java.util.Locale.ROOT);
    PrometheusRegistry registry = new PrometheusRegistry();
    Counter.builder()
        .name("batches")
        .help("Batches processed.")
        .labelNames("outcome")
        .register(registry)
        .labelValues("ok")
        .inc(12);
    Gauge.builder().name("accuracy_ratio").help("Accuracy.").register(registry).set(0.93);
    Histogram h =
        Histogram.builder()
            .name("batch_seconds")
            .help("Batch durations.")
            .classicUpperBounds(0.1, 1)
            .register(registry);
    h.observe(0.05);
    h.observe(0.5);
    h.observe(2);
    Summary sm =
        Summary.builder()
            .name("batch_rows")
            .help("Rows per batch.")
            .quantile(0.5, 0.01)
            .register(registry);
    sm.observe(100);
    sm.observe(300);

    gateway(format, registry, job).push();
    ExposedSeries s = ExposedSeries.scrape(agent.url()).ofJob(job);
    String labels = "instance=\"\",job=\"" + job + "\",model=\"churn/v2\"";
    String bucket = "batch_seconds_bucket{instance=\"\",job=\"" + job + "\",le=";
    assertThat(s.series())
        .containsEntry("batches_total{" + labels + ",outcome=\"ok\"}", "12.0")
        .containsEntry("accuracy_ratio{" + labels + "}", "0.93")
        .containsEntry(bucket + "\"0.1\",model=\"churn/v2\"}", "1.0")
        .containsEntry(bucket + "\"1.0\",model=\"churn/v2\"}", "2.0")
        .containsEntry(bucket + "\"+Inf\",model=\"churn/v2\"}", "3.0")
        .containsEntry("batch_seconds_sum{" + labels + "}", "2.55")
        .containsEntry("batch_rows_count{" + labels + "}", "2.0")
        .containsEntry("batch_rows_sum{" + labels + "}", "400.0")
        .containsKey("batch_rows{" + labels + ",quantile=\"0.5\"}")
        .containsEntry("push_time_seconds{" + labels + "}", "set");
    assertThat(s.types())
        .containsEntry("batches_total", MetricType.COUNTER)
        .containsEntry("batch_seconds", MetricType.HISTOGRAM)
        .containsEntry("batch_rows", MetricType.SUMMARY);

    // pushAdd with another registry keeps the families it does not name
    PrometheusRegistry more = new PrometheusRegistry();
    Gauge.builder().name("epoch").help("Epoch.").register(more).set(4);
    gateway(format, more, job).pushAdd();
    s = ExposedSeries.scrape(agent.url()).ofJob(job);
    assertThat(s.series())
        .containsEntry("epoch{" + labels + "}", "4.0")
        .containsEntry("accuracy_ratio{" + labels + "}", "0.93");

    // push replaces the group
    gateway(format, more, job).push();
    s = ExposedSeries.scrape(agent.url()).ofJob(job);
    assertThat(s.series()).containsKey("epoch{" + labels + "}");
    assertThat(s.series().keySet()).noneMatch(k -> k.startsWith("accuracy_ratio"));

    gateway(format, more, job).delete();
    assertThat(ExposedSeries.scrape(agent.url()).ofJob(job).series()).isEmpty();
  }
}
