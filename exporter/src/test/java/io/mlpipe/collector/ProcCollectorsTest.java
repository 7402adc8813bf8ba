package io.mlpipe.collector;

import static io.mlpipe.collector.Fixtures.paths;
import static io.mlpipe.collector.Fixtures.scrape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The /proc and /sys collectors on the fixture host (files copied from a real VM, plus edges). */
class ProcCollectorsTest {

  @Nested
  class Cpu {
    @Test
    void secondsPerCpuAndModeInUserHz() throws Exception {
      String text = scrape(new CpuCollector(paths()));
      assertThat(text)
          .contains("# TYPE node_cpu_seconds_total counter")
          .contains("node_cpu_seconds_total{cpu=\"0\",mode=\"user\"} 221.43")
          .contains("node_cpu_seconds_total{cpu=\"1\",mode=\"idle\"} 1264.04")
          .contains("node_cpu_seconds_total{cpu=\"1\",mode=\"steal\"} 0.91")
          .contains("node_cpu_guest_seconds_total{cpu=\"0\",mode=\"nice\"} 0.0")
          .doesNotContain("cpu=\"\"");
      assertThat(text.lines().filter(l -> l.startsWith("node_cpu_seconds_total{"))).hasSize(16);
    }

    @Test
    void countersNeverGoBackwardsAndHotplugResets(@TempDir Path dir) throws Exception {
      Path stat = dir.resolve("stat");
      HostPaths p = new HostPaths(dir, dir, dir);
      CpuCollector c = new CpuCollector(p);
      Files.writeString(stat, "cpu  1 0 0 0\ncpu0 1000 0 0 100000 0 0 0 0 300 20\n");
      assertThat(scrape(c))
          .contains("{cpu=\"0\",mode=\"user\"} 10.0")
          .contains("node_cpu_guest_seconds_total{cpu=\"0\",mode=\"user\"} 3.0")
          .contains("node_cpu_guest_seconds_total{cpu=\"0\",mode=\"nice\"} 0.2");
      Files.writeString(stat, "cpu0 900 0 0 99900 0 0 0 0 300 20\n"); // user back 1 s, idle 1 s
      assertThat(scrape(c))
          .contains("{cpu=\"0\",mode=\"user\"} 10.0")
          .contains("{cpu=\"0\",mode=\"idle\"} 1000.0");
      Files.writeString(stat, "cpu0 5 0 0 50 0 0 0 0 0 0\n"); // idle dropped by > 3 s: hot-plug
      assertThat(scrape(c))
          .contains("{cpu=\"0\",mode=\"user\"} 0.05")
          .contains("{cpu=\"0\",mode=\"idle\"} 0.5");
    }
  }

  @Test
  void statHasBootTimeAndCounters() throws Exception {
    String text = scrape(new StatCollector(paths()));
    assertThat(text)
        .contains("# TYPE node_boot_time_seconds gauge")
        .contains("node_boot_time_seconds 1.795545108E9")
        .contains("# TYPE node_context_switches_total counter")
        .contains("# TYPE node_forks_total counter")
        .contains("# TYPE node_intr_total counter")
        .contains("node_procs_running ")
        .contains("node_procs_blocked ");
  }

  @Test
  void meminfoFieldsInBytesWithNodeExporterNames() throws Exception {
    long memTotalKb =
        Files.readAllLines(Fixtures.ROOT.resolve("proc/meminfo")).stream()
            .filter(l -> l.startsWith("MemTotal:"))
            .map(l -> Long.parseLong(l.split("\\s+")[1]))
            .findFirst()
            .orElseThrow();
    String text = scrape(new MeminfoCollector(paths()));
    assertThat(text).contains("# TYPE node_memory_MemTotal_bytes gauge");
    assertThat(value(text, "node_memory_MemTotal_bytes")).isEqualTo(memTotalKb * 1024.0);
    assertThat(text)
        .contains("node_memory_Active_anon_bytes ")
        .contains("node_memory_HugePages_Total ")
        .contains(
            "# HELP node_memory_MemAvailable_bytes Memory information field MemAvailable_bytes.")
        .doesNotContain("(");
  }

  @Test
  void meminfoRejectsAGarbledLine(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("meminfo"), "MemTotal: 12 kB extra words\n");
    assertThatThrownBy(() -> new MeminfoCollector(new HostPaths(dir, dir, dir)).collect())
        .hasMessageContaining("invalid line in")
        .hasMessageContaining("meminfo");
  }

  @Test
  void loadavg() throws Exception {
    String text = scrape(new LoadavgCollector(paths()));
    String[] f = Files.readString(Fixtures.ROOT.resolve("proc/loadavg")).split(" ");
    assertThat(value(text, "node_load1")).isEqualTo(Double.parseDouble(f[0]));
    assertThat(value(text, "node_load5")).isEqualTo(Double.parseDouble(f[1]));
    assertThat(value(text, "node_load15")).isEqualTo(Double.parseDouble(f[2]));
  }

  @Test
  void vmstatAndMeminfoFollowTheFileWhenItsLinesChange(@TempDir Path dir) throws Exception {
    // Lines are recognised by position from one scrape to the next (LineTokens); a file whose
    // lines move, appear or change unit is still read by name.
    HostPaths p = new HostPaths(dir, dir, dir);
    VmstatCollector vmstat = new VmstatCollector(p);
    MeminfoCollector meminfo = new MeminfoCollector(p);
    Files.writeString(dir.resolve("vmstat"), "nr_free_pages 5\npgfault 10\noom_kill 1\n");
    Files.writeString(dir.resolve("meminfo"), "MemTotal: 2 kB\nHugePages_Total: 3\n");
    for (int i = 0; i < 2; i++) {
      String v = scrape(vmstat);
      assertThat(value(v, "node_vmstat_pgfault")).isEqualTo(10);
      assertThat(value(v, "node_vmstat_oom_kill")).isEqualTo(1);
      assertThat(v).doesNotContain("nr_free_pages");
      String m = scrape(meminfo);
      assertThat(value(m, "node_memory_MemTotal_bytes")).isEqualTo(2048);
      assertThat(value(m, "node_memory_HugePages_Total")).isEqualTo(3);
    }
    Files.writeString(
        dir.resolve("vmstat"), "pgfault 11\nnr_free_pages 6\npgmajfault 2\noom_kill -0\n");
    Files.writeString(dir.resolve("meminfo"), "HugePages_Total: 4\nMemTotal: 3\nMemFree: 1 kB\n");
    String v = scrape(vmstat);
    assertThat(value(v, "node_vmstat_pgfault")).isEqualTo(11);
    assertThat(value(v, "node_vmstat_pgmajfault")).isEqualTo(2);
    assertThat(v).contains("node_vmstat_oom_kill -0.0").doesNotContain("nr_free_pages");
    String m = scrape(meminfo);
    assertThat(value(m, "node_memory_HugePages_Total")).isEqualTo(4);
    assertThat(value(m, "node_memory_MemTotal")).isEqualTo(3);
    assertThat(value(m, "node_memory_MemFree_bytes")).isEqualTo(1024);
  }

  @Test
  void vmstatIsUntypedLikeNodeExporter() throws Exception {
    String text = scrape(new VmstatCollector(paths()));
    assertThat(text)
        .contains("# TYPE node_vmstat_pgmajfault untyped")
        .contains("# TYPE node_vmstat_pgpgin untyped")
        .contains("# TYPE node_vmstat_pgpgout untyped")
        .contains("# TYPE node_vmstat_pswpin untyped")
        .contains("# TYPE node_vmstat_pswpout untyped")
        .contains("# TYPE node_vmstat_oom_kill untyped")
        .doesNotContain("node_vmstat_nr_free_pages");
  }

  @Test
  void filefdReadsTheSysctlFile() throws Exception {
    String text = scrape(new FilefdCollector(paths()));
    String[] f = Files.readString(Fixtures.ROOT.resolve("proc/sys/fs/file-nr")).strip().split("\t");
    assertThat(text).contains("# TYPE node_filefd_allocated gauge");
    assertThat(value(text, "node_filefd_allocated")).isEqualTo(Double.parseDouble(f[0]));
    assertThat(value(text, "node_filefd_maximum")).isEqualTo(Double.parseDouble(f[2]));
  }

  @Test
  void pressureInSeconds() throws Exception {
    String text = scrape(new PressureCollector(paths()));
    assertThat(text)
        .contains("# TYPE node_pressure_cpu_waiting_seconds_total counter")
        .contains("node_pressure_memory_stalled_seconds_total ")
        .contains("node_pressure_io_stalled_seconds_total ");
    long cpuMicros =
        Long.parseLong(
            Files.readAllLines(Fixtures.ROOT.resolve("proc/pressure/cpu"))
                .get(0)
                .split("total=")[1]);
    assertThat(value(text, "node_pressure_cpu_waiting_seconds_total")).isEqualTo(cpuMicros / 1e6);
  }

  @Test
  void noPressureFilesIsNoDataNotAnError(@TempDir Path dir) throws Exception {
    assertThat(scrape(new PressureCollector(new HostPaths(dir, dir, dir)))).isEmpty();
  }

  @Nested
  class Diskstats {
    @Test
    void countersPerDeviceWithNodeExporterExcludes() throws Exception {
      String text = scrape(new DiskstatsCollector(paths()));
      assertThat(text)
          .contains("node_disk_reads_completed_total{device=\"vda\"}")
          .contains("node_disk_reads_completed_total{device=\"nvme0n1\"} 1000.0")
          .contains("node_disk_read_bytes_total{device=\"nvme0n1\"} 8.192E7")
          .contains("node_disk_read_time_seconds_total{device=\"nvme0n1\"} 0.3")
          .contains("node_disk_io_time_weighted_seconds_total{device=\"nvme0n1\"} 0.9")
          .contains("node_disk_io_now{device=\"nvme0n1\"} 1.0")
          .contains("node_disk_flush_requests_total{device=\"sda\"} 20.0")
          .contains("node_disk_discarded_sectors_total{device=\"sda\"} 18.0")
          .doesNotContain("device=\"vda1\"")
          .doesNotContain("device=\"nvme0n1p1\"")
          .doesNotContain("device=\"loop0\"")
          .doesNotContain("node_disk_discards_completed_total{device=\"nvme0n1\"}");
      assertThat(text)
          .contains(
              "node_disk_info{device=\"vda\",major=\"254\",minor=\"0\",model=\"QEMU_HARDDISK\","
                  + "path=\"virtio-pci-0000:00:05.0\",revision=\"2.5+\",serial=\"vda-serial\","
                  + "wwn=\"0x5000c500a1b2c3d4\"} 1")
          .contains("# TYPE node_disk_info gauge");
    }

    @Test
    void excludeIsConfigurable() throws Exception {
      String text =
          scrape(new DiskstatsCollector(paths(), Pattern.compile("^(vda|zram0|loop\\d+)$")));
      assertThat(text).contains("device=\"vda1\"").doesNotContain("device=\"vda\"");
    }
  }

  @Test
  void netdevCountersUnderNodeExporterNames() throws Exception {
    String text = scrape(new NetdevCollector(paths()));
    for (String name :
        List.of(
            NetdevCollector.RECEIVE_BYTES,
            NetdevCollector.TRANSMIT_BYTES,
            NetdevCollector.RECEIVE_PACKETS,
            NetdevCollector.TRANSMIT_PACKETS,
            NetdevCollector.RECEIVE_ERRS,
            NetdevCollector.TRANSMIT_ERRS,
            NetdevCollector.RECEIVE_DROP,
            NetdevCollector.TRANSMIT_DROP)) {
      assertThat(text)
          .contains("# TYPE " + name + " counter")
          .contains(name + "{device=\"eth0\"}")
          .contains(name + "{device=\"lo\"}");
    }
    assertThat(text)
        .contains("node_network_transmit_colls_total{device=\"eth0\"}")
        .contains("node_network_receive_nohandler_total{device=\"eth0\"} 0.0");
  }

  @Test
  void netclassUpAndInfo() throws Exception {
    String text = scrape(new NetclassCollector(paths()));
    assertThat(text)
        .contains("# TYPE node_network_info gauge")
        .contains(
            "node_network_info{address=\"02:fc:00:00:00:01\",broadcast=\"ff:ff:ff:ff:ff:ff\","
                + "device=\"eth0\",duplex=\"unknown\",ifalias=\"\",operstate=\"up\"} 1")
        .contains("duplex=\"\",ifalias=\"\",operstate=\"unknown\"")
        .contains("node_network_up{device=\"eth0\"} 1.0")
        .contains("node_network_up{device=\"lo\"} 0.0")
        .contains("node_network_up{device=\"ifb0\"} 0.0")
        .contains("node_network_carrier{device=\"eth0\"} 1.0")
        .doesNotContain("node_network_carrier{device=\"ifb0\"}")
        .contains("node_network_mtu_bytes{device=\"lo\"} 65536.0")
        .doesNotContain("bonding_masters");
  }

  @Test
  void hwmonTemperaturesWithNodeExporterChipNames() throws Exception {
    String text = scrape(new HwmonCollector(paths()));
    assertThat(text)
        .contains("node_hwmon_temp_celsius{chip=\"platform_coretemp_0\",sensor=\"temp1\"} 45.0")
        .contains("node_hwmon_temp_celsius{chip=\"platform_coretemp_0\",sensor=\"temp2\"} 43.0")
        .contains("node_hwmon_temp_max_celsius{chip=\"platform_coretemp_0\",sensor=\"temp1\"} 80.0")
        .contains(
            "node_hwmon_temp_crit_celsius{chip=\"platform_coretemp_0\",sensor=\"temp1\"} 100.0")
        .contains("node_hwmon_temp_celsius{chip=\"acpitz\",sensor=\"temp1\"} 27.8")
        .contains("node_hwmon_chip_names{chip=\"platform_coretemp_0\",chip_name=\"coretemp\"} 1.0")
        .contains(
            "node_hwmon_sensor_label{chip=\"platform_coretemp_0\",label=\"Package id 0\","
                + "sensor=\"temp1\"} 1.0");
  }

  @Test
  void noHwmonIsNoData(@TempDir Path dir) throws Exception {
    assertThat(scrape(new HwmonCollector(new HostPaths(dir, dir, dir)))).isEmpty();
  }

  @Test
  void hwmonThatAppearsLaterIsRead(@TempDir Path dir) throws Exception {
    // The check for /sys/class/hwmon is made on every scrape, not once: a driver loaded later
    // (modprobe coretemp) shows up on the next scrape of the same collector.
    Files.createDirectories(dir.resolve("class"));
    HwmonCollector c = new HwmonCollector(new HostPaths(dir, dir, dir));
    assertThat(scrape(c)).isEmpty();
    Files.createSymbolicLink(dir.resolve("class/hwmon"), Fixtures.ROOT.resolve("sys/class/hwmon"));
    assertThat(scrape(c))
        .contains("node_hwmon_temp_celsius{chip=\"platform_coretemp_0\",sensor=\"temp1\"} 45.0");
  }

  @Test
  void osReleaseUnderRootfs() throws Exception {
    String text = scrape(new OsCollector(paths()));
    assertThat(text)
        .contains("# TYPE node_os_info gauge")
        .contains("id=\"debian\"")
        .contains("pretty_name=\"Debian GNU/Linux 12 (bookworm)\"")
        .contains("node_os_version{id=\"debian\",id_like=\"\",name=\"Debian GNU/Linux\"} 12.0");
  }

  @Test
  void osReleaseQuoting() {
    assertThat(
            OsCollector.parse(
                List.of("# comment", "NAME=\"Ubuntu\"", "ID=ubuntu", "VERSION_ID='22.04'", "X")))
        .containsEntry("NAME", "Ubuntu")
        .containsEntry("ID", "ubuntu")
        .containsEntry("VERSION_ID", "22.04")
        .hasSize(3);
  }

  @Test
  void unameInfo() throws Exception {
    String text =
        scrape(
            new UnameCollector(
                () -> new String[] {"Linux", "gpu-node-1", "6.1.0", "#1 SMP", "x86_64", "(none)"}));
    assertThat(text)
        .contains(
            "node_uname_info{domainname=\"(none)\",machine=\"x86_64\",nodename=\"gpu-node-1\","
                + "release=\"6.1.0\",sysname=\"Linux\",version=\"#1 SMP\"} 1");
  }

  @Test
  void unameOfThisHostThroughLibc() throws Exception {
    String text = scrape(new UnameCollector());
    assertThat(text).contains("sysname=\"Linux\"").contains("machine=\"");
  }

  @Test
  void timeAndClocksource() throws Exception {
    java.time.Clock clock =
        java.time.Clock.fixed(
            java.time.Instant.ofEpochMilli(1_700_000_000_250L), java.time.ZoneOffset.UTC);
    String text = scrape(new TimeCollector(paths(), clock));
    assertThat(text)
        .contains("node_time_seconds 1.70000000025E9")
        .contains("node_time_zone_offset_seconds{time_zone=\"UTC\"} 0.0")
        .contains("node_time_clocksource_current_info{clocksource=\"tsc\",device=\"0\"} 1")
        .contains("node_time_clocksource_available_info{clocksource=\"kvm-clock\",device=\"0\"} 1");
  }

  /** The zone's short name is remembered per daylight-saving state, so it follows the switch. */
  @Test
  void timeZoneNameFollowsDaylightSavingTime() throws Exception {
    java.time.ZoneId berlin = java.time.ZoneId.of("Europe/Berlin");
    java.util.concurrent.atomic.AtomicReference<java.time.Instant> now =
        new java.util.concurrent.atomic.AtomicReference<>(
            java.time.Instant.parse("2026-01-15T12:00:00Z"));
    java.time.Clock clock =
        new java.time.Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return berlin;
          }

          @Override
          public java.time.Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
          }

          @Override
          public java.time.Instant instant() {
            return now.get();
          }
        };
    TimeCollector time = new TimeCollector(paths(), clock);
    assertThat(scrape(time)).contains("node_time_zone_offset_seconds{time_zone=\"CET\"} 3600.0");
    now.set(java.time.Instant.parse("2026-07-15T12:00:00Z"));
    assertThat(scrape(time)).contains("node_time_zone_offset_seconds{time_zone=\"CEST\"} 7200.0");
    now.set(java.time.Instant.parse("2026-12-15T12:00:00Z"));
    assertThat(scrape(time)).contains("node_time_zone_offset_seconds{time_zone=\"CET\"} 3600.0");
  }

  /** The value of an unlabelled series in a text exposition. */
  static double value(String text, String name) {
    return text.lines()
        .filter(l -> l.startsWith(name + " "))
        .map(l -> Double.parseDouble(l.substring(name.length() + 1).strip()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " not in\n" + text));
  }
}
