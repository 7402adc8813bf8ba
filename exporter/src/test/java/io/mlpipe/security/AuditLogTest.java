package io.mlpipe.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {

  @TempDir Path dir;

  @Test
  void appendsJsonLinesAndRotatesBySize() throws Exception {
    Path file = dir.resolve("audit.log");
    AuditLog log = AuditLog.open(new AuditLog.Settings(file, 1000, 2), new PrometheusRegistry());
    for (int i = 0; i < 100; i++) {
      log.record(entry(i));
    }
    log.close();
    assertThat(Files.size(file)).isLessThanOrEqualTo(1000);
    assertThat(AuditLog.rotated(file, 1)).exists();
    assertThat(AuditLog.rotated(file, 2)).exists();
    assertThat(AuditLog.rotated(file, 3)).doesNotExist();
    String last = Files.readAllLines(file).get(Files.readAllLines(file).size() - 1);
    assertThat(last).startsWith("{").contains("\"count\":99");
    // appends, never truncates, across restarts
    long before = Files.size(file);
    AuditLog again =
        AuditLog.open(new AuditLog.Settings(file, 1 << 20, 2), new PrometheusRegistry());
    again.record(entry(100));
    again.close();
    assertThat(Files.size(file)).isGreaterThan(before);
  }

  @Test
  void aLineCarriesWhoWhatAndTheOutcomeAndLeavesOutWhatTheRequestDidNotCarry() throws Exception {
    Path file = dir.resolve("audit.log");
    AuditLog log = AuditLog.open(new AuditLog.Settings(file, 1 << 20, 2), new PrometheusRegistry());
    log.record(entry(3));
    log.record(
        new AuditLog.Entry(
            "2026-01-01T00:00:00Z",
            "127.0.0.1",
            null,
            null,
            "PUT",
            "unmatched",
            "/x",
            null,
            List.of(),
            null,
            401,
            "missing",
            null));
    log.close();
    assertThat(Files.readAllLines(file))
        .containsExactly(
            "{\"time\":\"2026-01-01T00:00:00Z\",\"client\":\"127.0.0.1\",\"identity\":\"team-a\","
                + "\"auth\":\"token\",\"method\":\"PUT\",\"api\":\"/metrics/job\","
                + "\"path\":\"/metrics/job/churn\",\"group\":\"{job=\\\"churn\\\"}\","
                + "\"pipelines\":[\"churn\"],\"count\":3,\"status\":200}",
            "{\"time\":\"2026-01-01T00:00:00Z\",\"client\":\"127.0.0.1\",\"identity\":null,"
                + "\"auth\":null,\"method\":\"PUT\",\"api\":\"unmatched\",\"path\":\"/x\","
                + "\"status\":401,\"reason\":\"missing\"}");
  }

  private static AuditLog.Entry entry(int count) {
    return new AuditLog.Entry(
        "2026-01-01T00:00:00Z",
        "127.0.0.1",
        "team-a",
        "token",
        "PUT",
        "/metrics/job",
        "/metrics/job/churn",
        "{job=\"churn\"}",
        List.of("churn"),
        count,
        200,
        null,
        null);
  }

  @Test
  void offWithoutAPath() throws Exception {
    AuditLog log = AuditLog.open(AuditLog.Settings.off(), new PrometheusRegistry());
    assertThat(log.enabled()).isFalse();
    log.record(entry(1));
    log.close();
  }

  @Test
  void droppedEntriesAreWarnedAboutAtMostOncePerInterval() {
    AuditLog.DropWarnings w = new AuditLog.DropWarnings(java.time.Duration.ofSeconds(10));
    long s = 1_000_000_000L;
    assertThat(w.dropped(0)).isEqualTo(1);
    for (int i = 1; i <= 1000; i++) {
      assertThat(w.dropped(i * 1_000_000L)).isZero(); // 1000 drops within one second: quiet
    }
    assertThat(w.dropped(10 * s)).isEqualTo(1001);
    assertThat(w.dropped(11 * s)).isZero();
  }
}
