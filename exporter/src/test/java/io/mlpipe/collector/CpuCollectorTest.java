package io.mlpipe.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuCollectorTest {

  @TempDir Path dir;

  private void stat(String... cpus) throws Exception {
    Files.createDirectories(dir.resolve("proc"));
    StringBuilder s = new StringBuilder("cpu  1 0 0 1 0 0 0 0 0 0\n");
    for (String cpu : cpus) {
      s.append(cpu).append('\n');
    }
    Files.writeString(dir.resolve("proc/stat"), s + "intr 1\nctxt 1\n");
  }

  @Test
  void aCpuGoingOfflineAndAnotherOnlineKeepTheirOwnValues() throws Exception {
    CpuCollector c =
        new CpuCollector(new HostPaths(dir.resolve("proc"), dir.resolve("sys"), dir.resolve("/")));
    stat("cpu0 100 0 0 5000 0 0 0 0 0 0", "cpu1 900 0 0 7000 0 0 0 0 0 0");
    assertThat(Fixtures.scrape(c)).contains("node_cpu_seconds_total{cpu=\"1\",mode=\"user\"} 9.0");

    // cpu1 goes offline, cpu2 comes online with smaller counters: cpu2 must not inherit cpu1's.
    stat("cpu0 200 0 0 5100 0 0 0 0 0 0", "cpu2 300 0 0 2000 0 0 0 0 0 0");
    String text = Fixtures.scrape(c);
    assertThat(text)
        .contains("node_cpu_seconds_total{cpu=\"0\",mode=\"user\"} 2.0")
        .contains("node_cpu_seconds_total{cpu=\"2\",mode=\"user\"} 3.0")
        .contains("node_cpu_seconds_total{cpu=\"2\",mode=\"idle\"} 20.0")
        .doesNotContain("cpu=\"1\"");
  }
}
