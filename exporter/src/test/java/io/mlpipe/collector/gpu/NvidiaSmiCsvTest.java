package io.mlpipe.collector.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.collector.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * nvidia-smi CSV as NVIDIA's tool really prints it, from outputs published in public projects (each
 * fixture under fixtures/gpu names its source in its first line).
 */
class NvidiaSmiCsvTest {

  /** A fixture: its {@code # fields:} (noheader ones) and the output lines. */
  record Fixture(List<String> fields, String output) {
    static Fixture load(String name) throws IOException {
      List<String> fields = List.of();
      StringBuilder out = new StringBuilder();
      List<String> lines = Files.readAllLines(Fixtures.ROOT.resolve("gpu").resolve(name));
      assertThat(lines.get(0)).as(name + " names its source").startsWith("# source: https://");
      for (String line : lines) {
        if (line.startsWith("# fields: ")) {
          fields = Arrays.asList(line.substring("# fields: ".length()).split(","));
        } else if (!line.startsWith("# ")) {
          out.append(line).append('\n');
        }
      }
      return new Fixture(fields, out.toString());
    }

    List<Map<String, String>> rows() {
      return NvidiaSmiCsv.rows(output, fields, fields.isEmpty());
    }
  }

  @Test
  void h100WithHeaderAndUnits() throws IOException {
    List<Map<String, String>> rows = Fixture.load("h100-load-query-gpu.csv").rows();
    assertThat(rows).hasSize(1);
    List<Map<String, String>> apps = Fixture.load("h100-load-compute-apps.csv").rows();
    GpuReading r = NvidiaSmiCsv.reading(rows, apps, bus -> null);
    assertThat(r.driverVersion()).isEqualTo("590.48.01");
    GpuReading.Device d = r.devices().get(0);
    assertThat(d.index()).isZero();
    assertThat(d.uuid()).isEqualTo("GPU-00000000-0000-0000-0000-000000000000");
    assertThat(d.name()).isEqualTo("NVIDIA H100 80GB HBM3");
    assertThat(d.pciBusId()).isEqualTo("00000000:00:09.0");
    assertThat(d.device()).isEqualTo("nvidia0");
    assertThat(d.gpuUtil()).isEqualTo(100);
    assertThat(d.memCopyUtil()).isEqualTo(11);
    assertThat(d.fbUsedMiB()).isEqualTo(19818);
    assertThat(d.fbFreeMiB()).isEqualTo(61263);
    assertThat(d.fbTotalMiB()).isEqualTo(81559);
    assertThat(d.temperature()).isEqualTo(59);
    assertThat(d.powerWatts()).isEqualTo(631.95);
    assertThat(d.smClockMHz()).isEqualTo(1980);
    assertThat(d.memClockMHz()).isEqualTo(2619);
    assertThat(d.pcieLinkGen()).isEqualTo(5);
    assertThat(d.pcieLinkWidth()).isEqualTo(16);
    assertThat(r.processes())
        .extracting(GpuReading.Process::pid, GpuReading.Process::usedMiB)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(11327L, 2566.0),
            org.assertj.core.groups.Tuple.tuple(11328L, 1542.0),
            org.assertj.core.groups.Tuple.tuple(11345L, 15690.0));
    assertThat(r.processes().get(2).processName()).isEqualTo("./gpu_burn");
  }

  @Test
  void bracketedNaAndNotSupportedAreMissingValues() throws IOException {
    for (String name : List.of("i3pystatus-na.csv", "i3pystatus-not-supported.csv")) {
      Map<String, String> row = Fixture.load(name).rows().get(0);
      assertThat(NvidiaSmiCsv.number(row.get("fan.speed"))).as(name).isNaN();
      assertThat(NvidiaSmiCsv.number(row.get("memory.total"))).isEqualTo(2004);
      assertThat(NvidiaSmiCsv.number(row.get("temperature.gpu"))).isEqualTo(44);
      GpuReading.Device d =
          NvidiaSmiCsv.reading(List.of(row), List.of(), b -> null).devices().get(0);
      assertThat(d.fbUsedMiB()).isZero();
      assertThat(d.powerWatts()).isNaN(); // not asked for
      assertThat(d.uuid()).isEmpty();
    }
  }

  @Test
  void plainNaAndAliasedFieldNames() throws IOException {
    Fixture f = Fixture.load("gpu-utils-rtx2080.csv");
    GpuReading r = NvidiaSmiCsv.reading(f.rows(), List.of(), b -> null);
    GpuReading.Device d = r.devices().get(0);
    assertThat(r.driverVersion()).isEqualTo("440.64");
    assertThat(d.name()).isEqualTo("GeForce RTX 2080");
    assertThat(d.uuid()).isEqualTo("GPU-22b2c6ac-2d49-4863-197c-9c469071178a");
    assertThat(d.powerWatts()).isEqualTo(176.98);
    assertThat(d.smClockMHz()).isEqualTo(1965);
    assertThat(d.memClockMHz()).isEqualTo(7199);
    assertThat(d.gpuUtil()).isEqualTo(86);
    assertThat(d.pcieLinkWidth()).isEqualTo(8);
    assertThat(NvidiaSmiCsv.number(f.rows().get(0).get("temperature.memory"))).isNaN();
  }

  @Test
  void unitsInCellsAndNotSupported() throws IOException {
    Map<String, String> row = Fixture.load("megaminer-gtx770-units.csv").rows().get(0);
    assertThat(NvidiaSmiCsv.text(row.get("name"))).isEqualTo("GeForce GTX 770");
    assertThat(NvidiaSmiCsv.number(row.get("fan.speed"))).isEqualTo(52); // "52 %"
    assertThat(NvidiaSmiCsv.number(row.get("utilization.gpu"))).isNaN();
    assertThat(NvidiaSmiCsv.number(row.get("power.draw"))).isNaN();
    assertThat(NvidiaSmiCsv.number(row.get("clocks.mem"))).isNaN();
  }

  @Test
  void headerNamesTheColumnsOfSeveralGpus() throws IOException {
    GpuReading r =
        NvidiaSmiCsv.reading(Fixture.load("nuxhash-5gpus-header.csv").rows(), List.of(), b -> null);
    assertThat(r.devices()).extracting(GpuReading.Device::index).containsExactly(0, 1, 2, 3, 4);
    assertThat(r.devices().get(1).name()).isEqualTo("GeForce GTX 1080 Ti");
    assertThat(r.devices().get(4).uuid()).isEqualTo("GPU-ff3318a7-f0dd-dc57-1fb8-cc95ba35c56e");
    assertThat(r.devices().get(4).device()).isEqualTo("nvidia4");
  }

  @Test
  void computeAppsWithoutPidsAreSkipped() throws IOException {
    List<Map<String, String>> apps = Fixture.load("dcgm-exporter-94-compute-apps.csv").rows();
    assertThat(apps).hasSize(3);
    assertThat(apps.get(1)).containsEntry("uuid", "GPU-777ead31-954e-837f-590f-6c4974d8e571");
    assertThat(NvidiaSmiCsv.reading(List.of(), apps, b -> null).processes()).isEmpty();
  }

  @Test
  void aNameWithACommaAndATruncatedLine() {
    List<Map<String, String>> rows =
        NvidiaSmiCsv.rows(
            "0, GPU-1, Tesla T4, rev B, 00000000:00:1E.0\n1, GPU-2\n",
            List.of("index", "uuid", "name", "pci.bus_id"),
            false);
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0)).containsEntry("name", "Tesla T4, rev B");
    assertThat(rows.get(0)).containsEntry("pci.bus_id", "00000000:00:1E.0");
  }

  @Test
  void everyDriverWordForNoValue() {
    for (String s :
        new ArrayList<>(
            List.of(
                "[N/A]",
                "N/A",
                "[Not Supported]",
                "[Unknown Error]",
                "[GPU is lost]",
                "[Requested functionality has been deprecated]",
                "",
                "P2"))) {
      assertThat(NvidiaSmiCsv.number(s)).as(s).isNaN();
    }
    assertThat(NvidiaSmiCsv.number(" 631.95 W")).isEqualTo(631.95);
    assertThat(NvidiaSmiCsv.number(null)).isNaN();
  }

  static Path fixture(String name) {
    return Fixtures.ROOT.resolve("gpu").resolve(name);
  }
}
