package io.mlpipe.collector.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlpipe.collector.CollectorAbsentException;
import io.mlpipe.collector.CollectorContext;
import io.mlpipe.collector.CollectorRunner;
import io.mlpipe.collector.Fixtures;
import io.mlpipe.collector.HostPaths;
import io.mlpipe.testing.Promtool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gpu collector through a fake nvidia-smi that prints real (published) output. */
class GpuCollectorTest {

  /**
   * The agent's own query answered with the values of the H100 capture in
   * fixtures/gpu/h100-load-query-gpu.csv, re-ordered to the agent's field list.
   */
  static final String H100_AGENT_QUERY =
      "0, GPU-00000000-0000-0000-0000-000000000000, NVIDIA H100 80GB HBM3, 00000000:00:09.0,"
          + " 590.48.01, 100, 11, 81559, 19818, 61263, 59, 631.95, 1980, 2619, 5, 16\n";

  static final String H100_APPS =
      "GPU-00000000-0000-0000-0000-000000000000, 11327, /root/tools/memhog, 2566\n"
          + "GPU-00000000-0000-0000-0000-000000000000, 11345, ./gpu_burn, 15690\n";

  @TempDir Path dir;

  private Path fakeSmi(String body) throws Exception {
    Path script = dir.resolve("nvidia-smi");
    Files.writeString(script, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  private GpuCollector collector(Path smi, Duration timeout) {
    HostPaths paths = Fixtures.paths();
    GpuSettings settings = new GpuSettings(smi.toString(), Duration.ofHours(1), timeout, 2, false);
    return new GpuCollector(
        new NvidiaSmiSource(List.of(smi.toString()), timeout, paths),
        null,
        settings,
        "node-1",
        paths,
        Clock.systemUTC());
  }

  private String okScript() throws Exception {
    Files.writeString(dir.resolve("gpu.csv"), H100_AGENT_QUERY);
    Files.writeString(dir.resolve("apps.csv"), H100_APPS);
    return "case \"$1\" in\n"
        + "  --query-gpu=*) cat "
        + dir.resolve("gpu.csv")
        + ";;\n"
        + "  --query-compute-apps=*) cat "
        + dir.resolve("apps.csv")
        + ";;\n"
        + "esac";
  }

  @Test
  void dcgmNamesLabelsAndTypes() throws Exception {
    try (GpuCollector c = collector(fakeSmi(okScript()), Duration.ofSeconds(5))) {
      c.readOnce();
      String text = Fixtures.scrape(c);
      String labels =
          "{Hostname=\"node-1\",UUID=\"GPU-00000000-0000-0000-0000-000000000000\","
              + "device=\"nvidia3\",gpu=\"0\",modelName=\"NVIDIA H100 80GB HBM3\","
              + "pci_bus_id=\"00000000:00:09.0\"}";
      assertThat(text)
          .contains("# TYPE DCGM_FI_DEV_GPU_UTIL gauge")
          .contains("DCGM_FI_DEV_GPU_UTIL" + labels + " 100.0")
          .contains("DCGM_FI_DEV_MEM_COPY_UTIL" + labels + " 11.0")
          .contains("DCGM_FI_DEV_FB_USED" + labels + " 19818.0")
          .contains("DCGM_FI_DEV_FB_FREE" + labels + " 61263.0")
          .contains("DCGM_FI_DEV_GPU_TEMP" + labels + " 59.0")
          .contains("DCGM_FI_DEV_POWER_USAGE" + labels + " 631.95")
          .contains("DCGM_FI_DEV_SM_CLOCK" + labels + " 1980.0")
          .contains("DCGM_FI_DEV_MEM_CLOCK" + labels + " 2619.0")
          .contains("mlpipe_gpu_pcie_link_generation" + labels + " 5.0")
          .contains("mlpipe_gpu_devices 1.0")
          .contains("mlpipe_gpu_expected 2.0")
          .contains("driver_version=\"590.48.01\"")
          .contains("source=\"nvidia-smi\"")
          .contains(
              "mlpipe_gpu_process_memory_bytes{UUID=\"GPU-00000000-0000-0000-0000-000000000000\","
                  + "gpu=\"0\",pid=\"11345\",pipeline=\"\",stage=\"\"} 1.645215744E10")
          .contains("mlpipe_gpu_read_errors_total 0.0")
          // nvidia-smi cannot tell XIDs or PCIe replays: no series rather than a wrong 0.
          .doesNotContain("DCGM_FI_DEV_XID_ERRORS{")
          .doesNotContain("DCGM_FI_DEV_PCIE_REPLAY_COUNTER{");
      // promtool's only complaint is the one it makes about dcgm-exporter itself: the
      // camelCase label names (UUID, modelName, Hostname) that dcgm dashboards query.
      Promtool.Result r = Promtool.checkMetrics(text);
      assertThat(
              r.output()
                  .lines()
                  .filter(
                      l ->
                          !l.endsWith(
                              "label names should be written in 'snake_case' not 'camelCase'")))
          .isEmpty();
    }
  }

  @Test
  void aFieldTheDriverDoesNotKnowIsDropped() throws Exception {
    String script =
        "case \"$*\" in\n"
            + "  *pcie.link.gen.current*) echo 'Field \"pcie.link.gen.current\" is not a valid"
            + " field to query.'; exit 2;;\n"
            + "  *--query-gpu=*) echo '0, GPU-1, Tesla K80, 00000000:00:04.0, 418.87.01, 5, 1,"
            + " 11441, 0, 11441, 31, 27.5, 324, 2505, 16';;\n"
            + "  *) exit 0;;\n"
            + "esac";
    try (GpuCollector c = collector(fakeSmi(script), Duration.ofSeconds(5))) {
      c.readOnce();
      String text = Fixtures.scrape(c);
      assertThat(text)
          .contains("DCGM_FI_DEV_SM_CLOCK{")
          .contains("modelName=\"Tesla K80\"")
          .contains("mlpipe_gpu_pcie_link_width{")
          .doesNotContain("mlpipe_gpu_pcie_link_generation{");
    }
  }

  @Test
  void aHungNvidiaSmiIsKilledAndNeverBlocksAScrape() throws Exception {
    try (GpuCollector c = collector(fakeSmi("exec sleep 30"), Duration.ofMillis(300))) {
      long t0 = System.nanoTime();
      String text = Fixtures.scrape(c); // the reader is still waiting: the scrape is not
      assertThat((System.nanoTime() - t0) / 1e6).isLessThan(200);
      assertThat(text).contains("mlpipe_gpu_devices 0.0");
      long t1 = System.nanoTime();
      c.readOnce(); // times out after 300 ms
      assertThat((System.nanoTime() - t1) / 1e6).isLessThan(5000);
      // The background reader's own timed-out read may or may not have been counted yet.
      assertThat(Fixtures.scrape(c)).containsPattern("mlpipe_gpu_read_errors_total [12]\\.0");
    }
  }

  @Test
  void noDriverIsOneReadableSentence() {
    assertThat(GpuCollector.noDriver("libnvidia-ml.so.1 not found", "nvidia-smi"))
        .isEqualTo("no NVIDIA driver: libnvidia-ml.so.1 not found and nvidia-smi not on PATH");
    assertThat(GpuCollector.noDriver("disabled", "/opt/nv/nvidia-smi"))
        .isEqualTo("no NVIDIA driver: NVML disabled and /opt/nv/nvidia-smi not found");
  }

  @Test
  void noDriverIsAbsentOnceThenQuiet() throws Exception {
    CollectorContext ctx =
        new CollectorContext(
            Fixtures.paths(),
            io.mlpipe.collector.FilesystemCollector.Settings.defaults(),
            new GpuSettings(
                dir.resolve("no-such-nvidia-smi").toString(),
                Duration.ofSeconds(10),
                Duration.ofSeconds(1),
                -1,
                false));
    try (var c = GpuCollector.create(ctx)) {
      assertThatThrownBy(c::collect)
          .isInstanceOf(CollectorAbsentException.class)
          .hasMessageContaining("no NVIDIA driver");
      assertThat(Fixtures.scrape(c)).contains("mlpipe_gpu_devices 0.0").doesNotContain("DCGM");
      assertThat(Fixtures.scrape(c)).contains("mlpipe_gpu_devices 0.0");
    }
    // Through the runner: success 0 on the first scrape only.
    try (CollectorRunner runner = new CollectorRunner(Map.of("gpu", GpuCollector.create(ctx)))) {
      String first = Fixtures.text(runner.collect());
      String second = Fixtures.text(runner.collect());
      assertThat(first).contains("mlpipe_exporter_collector_success{collector=\"gpu\"} 0.0");
      assertThat(second).contains("mlpipe_exporter_collector_success{collector=\"gpu\"} 1.0");
    }
  }
}
