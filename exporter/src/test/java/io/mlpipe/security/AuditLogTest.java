package io.mlpipe.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {

  @TempDir Path dir;

  @Test
  void appendsJsonLinesAndRotatesBySize() throws Exception {
    Path file = dir.resolve("audit.log");
    AuditLog log = AuditLog.open(new AuditLog.Settings(file, 1000, 2), new PrometheusRegistry());
    for (int i = 0; i < 100; i++) {
      log.record(Map.of("n", i, "api", "/metrics/job", "status", 200));
    }
    log.close();
    assertThat(Files.size(file)).isLessThanOrEqualTo(1000);
    assertThat(AuditLog.rotated(file, 1)).exists();
    assertThat(AuditLog.rotated(file, 2)).exists();
    assertThat(AuditLog.rotated(file, 3)).doesNotExist();
    String last = Files.readAllLines(file).get(Files.readAllLines(file).size() - 1);
    assertThat(last).startsWith("{").contains("\"n\":99");
    // appends, never truncates, across restarts
    long before = Files.size(file);
    AuditLog again =
        AuditLog.open(new AuditLog.Settings(file, 1 << 20, 2), new PrometheusRegistry());
    again.record(Map.of("n", 100));
    again.close();
    assertThat(Files.size(file)).isGreaterThan(before);
  }

  @Test
  void offWithoutAPath() throws Exception {
    AuditLog log = AuditLog.open(AuditLog.Settings.off(), new PrometheusRegistry());
    assertThat(log.enabled()).isFalse();
    log.record(Map.of("n", 1));
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
