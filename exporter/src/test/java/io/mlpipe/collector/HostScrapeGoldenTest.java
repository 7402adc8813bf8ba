package io.mlpipe.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every host collector over the fixture host, as one scrape, compared with a golden file (rewrite
 * it with {@code -Dgolden.update=true}) that also goes through {@code promtool check metrics}.
 */
class HostScrapeGoldenTest {

  static final Path GOLDEN = Fixtures.ROOT.resolve("golden/host-scrape.prom");

  static Map<String, Collector> hostCollectors() {
    HostPaths p = Fixtures.paths();
    Map<String, Collector> c = new java.util.LinkedHashMap<>();
    c.put("conntrack", new ConntrackCollector(p));
    c.put("cpu", new CpuCollector(p));
    c.put("diskstats", new DiskstatsCollector(p));
    c.put("filefd", new FilefdCollector(p));
    c.put(
        "filesystem",
        new FilesystemCollector(
            p,
            FilesystemCollector.Settings.defaults(),
            path ->
                path.toString().endsWith("/mnt/nfs")
                    ? fail()
                    : new FilesystemCollector.Stats(
                        2.70553174016e11, 2.46396977152e11, 2.3373e11, 1.6777216e7, 1.636992e7)));
    c.put("hwmon", new HwmonCollector(p));
    c.put("loadavg", new LoadavgCollector(p));
    c.put("meminfo", new MeminfoCollector(p));
    c.put("netclass", new NetclassCollector(p));
    c.put("netdev", new NetdevCollector(p));
    c.put(
        "netstat",
        new NetstatCollector(p, java.util.regex.Pattern.compile(NetstatCollector.DEFAULT_FIELDS)));
    c.put("os", new OsCollector(p));
    c.put("pressure", new PressureCollector(p));
    c.put("sockstat", new SockstatCollector(p, 4096));
    c.put("stat", new StatCollector(p));
    c.put(
        "time",
        new TimeCollector(p, Clock.fixed(Instant.ofEpochSecond(1_795_546_063L), ZoneOffset.UTC)));
    c.put("timex", new TimexCollector(() -> java.util.Optional.of(TimexCollectorTest.MICRO)));
    c.put(
        "uname",
        new UnameCollector(
            () ->
                new String[] {
                  "Linux", "vm", "6.18.44-fc-v782", "#1 SMP PREEMPT_DYNAMIC @0", "x86_64", "(none)"
                }));
    c.put("vmstat", new VmstatCollector(p));
    return c;
  }

  private static FilesystemCollector.Stats fail() throws java.io.IOException {
    throw new java.io.IOException("stale file handle");
  }

  @Test
  void wholeScrapeMatchesTheGoldenFileAndPassesPromtool() throws Exception {
    List<MetricSnapshot> all = new ArrayList<>();
    for (Collector c : hostCollectors().values()) {
      c.collect().forEach(all::add);
      c.close();
    }
    all.sort(Comparator.comparing(s -> s.getMetadata().getPrometheusName()));
    String text = Fixtures.text(new MetricSnapshots(all));
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(GOLDEN.getParent());
      Files.writeString(GOLDEN, text);
    }
    assertThat(text)
        .as("rerun with -Dgolden.update=true after an intended change, then review the diff")
        .isEqualTo(Files.readString(GOLDEN));
    assertThat(Fixtures.promtoolProblems(text)).isEmpty();
  }
}
