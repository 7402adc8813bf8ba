package io.mlpipe.collector;

import static io.mlpipe.collector.Fixtures.paths;
import static io.mlpipe.collector.Fixtures.scrape;
import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.testing.Wait;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class FilesystemCollectorTest {

  private static final FilesystemCollector.Stats STATS =
      new FilesystemCollector.Stats(1000.0, 600.0, 500.0, 100.0, 90.0);

  private static FilesystemCollector collector(FilesystemCollector.StatFs statFs) {
    return new FilesystemCollector(paths(), FilesystemCollector.Settings.defaults(), statFs);
  }

  @Test
  void nodeExporterDefaultExcludesAndLabels() throws Exception {
    String text = scrape(collector(p -> STATS));
    assertThat(text)
        .contains(
            "node_filesystem_size_bytes{device=\"/dev/vda\",fstype=\"ext4\",mountpoint=\"/\"} 1000.0")
        .contains(
            "node_filesystem_free_bytes{device=\"/dev/vda\",fstype=\"ext4\",mountpoint=\"/\"} 600.0")
        .contains(
            "node_filesystem_avail_bytes{device=\"/dev/vda\",fstype=\"ext4\",mountpoint=\"/\"} 500.0")
        .contains(
            "node_filesystem_files{device=\"/dev/vda\",fstype=\"ext4\",mountpoint=\"/\"} 100.0")
        .contains(
            "node_filesystem_files_free{device=\"/dev/vda\",fstype=\"ext4\",mountpoint=\"/\"} 90.0")
        .contains(
            "node_filesystem_readonly{device=\"/dev/vda\",fstype=\"ext4\",mountpoint=\"/\"} 0.0")
        .contains(
            "node_filesystem_device_error{device=\"/dev/vda\",fstype=\"ext4\",mountpoint=\"/\"} 0.0")
        .contains("mountpoint=\"/run\"")
        .contains(
            "node_filesystem_readonly{device=\"/dev/vdc1\",fstype=\"ext4\",mountpoint=\"/srv/read only\"} 1.0")
        .contains("mountpoint=\"/mnt/nfs\"")
        .contains("mountpoint=\"/data\"")
        .doesNotContain("mountpoint=\"/proc\"")
        .doesNotContain("mountpoint=\"/sys\"")
        .doesNotContain("mountpoint=\"/dev")
        .doesNotContain("/run/credentials")
        .doesNotContain("/var/lib/docker")
        .doesNotContain("iso9660")
        .doesNotContain("cgroup");
    // /data is mounted twice: one series.
    assertThat(
            text.lines()
                .filter(l -> l.startsWith("node_filesystem_size_bytes{") && l.contains("/data")))
        .hasSize(1);
  }

  @Test
  void excludesAreConfigurable() throws Exception {
    FilesystemCollector c =
        new FilesystemCollector(
            paths(),
            new FilesystemCollector.Settings(
                Pattern.compile("^/(run|data)($|/)"),
                Pattern.compile("^nfs4$"),
                Duration.ofSeconds(1)),
            p -> STATS);
    String text = scrape(c);
    assertThat(text)
        .doesNotContain("mountpoint=\"/run\"")
        .doesNotContain("mountpoint=\"/data\"")
        .doesNotContain("/mnt/nfs")
        .contains("mountpoint=\"/proc\"")
        .contains("fstype=\"iso9660\"");
  }

  @Test
  void aFailingStatfsIsADeviceErrorOnly() throws Exception {
    String text =
        scrape(
            collector(
                p -> {
                  if (p.toString().endsWith("/data")) {
                    throw new IOException("permission denied");
                  }
                  return STATS;
                }));
    assertThat(text)
        .contains(
            "node_filesystem_device_error{device=\"/dev/vdb1\",fstype=\"ext4\",mountpoint=\"/data\"} 1.0")
        .doesNotContain("node_filesystem_size_bytes{device=\"/dev/vdb1\"");
  }

  @Test
  void aHungStatfsNeverBlocksTheScrape() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger nfsCalls = new AtomicInteger();
    FilesystemCollector c =
        new FilesystemCollector(
            paths(),
            new FilesystemCollector.Settings(
                Pattern.compile(FilesystemCollector.DEFAULT_MOUNT_POINTS_EXCLUDE),
                Pattern.compile(FilesystemCollector.DEFAULT_FS_TYPES_EXCLUDE),
                Duration.ofMillis(300)),
            p -> {
              if (p.toString().endsWith("/mnt/nfs")) {
                nfsCalls.incrementAndGet();
                release.await(); // a hard NFS mount whose server is gone
              }
              return STATS;
            });
    try {
      String nfsError =
          "node_filesystem_device_error{device=\"nfs.example.com:/export\",fstype=\"nfs4\",mountpoint=\"/mnt/nfs\"} 1.0";
      long t0 = System.nanoTime();
      String first = scrape(c);
      assertThat((System.nanoTime() - t0) / 1e6).isLessThan(2000);
      assertThat(first)
          .contains(nfsError)
          .doesNotContain("node_filesystem_size_bytes{device=\"nfs.example.com:/export\"")
          .contains(
              "node_filesystem_size_bytes{device=\"/dev/vda\",fstype=\"ext4\",mountpoint=\"/\"} 1000.0");

      // Later scrapes skip the stuck mount at once instead of waiting again.
      t0 = System.nanoTime();
      String second = scrape(c);
      assertThat((System.nanoTime() - t0) / 1e6).isLessThan(250);
      assertThat(second).contains(nfsError);
      assertThat(nfsCalls).hasValue(1);

      // Once the statfs returns, the mount is monitored again.
      release.countDown();
      Wait.until("the hung statfs returns", Duration.ofSeconds(10), () -> !c.hasHungStatfs());
      String third = scrape(c);
      assertThat(third)
          .contains(
              "node_filesystem_device_error{device=\"nfs.example.com:/export\",fstype=\"nfs4\",mountpoint=\"/mnt/nfs\"} 0.0")
          .contains("node_filesystem_size_bytes{device=\"nfs.example.com:/export\"");
      assertThat(nfsCalls).hasValue(2);
    } finally {
      release.countDown();
      c.close();
    }
  }

  @Test
  void rootfsPrefixIsStrippedFromMountPoints() {
    HostPaths p = new HostPaths(Path.of("/host/proc"), Path.of("/host/sys"), Path.of("/host"));
    assertThat(p.stripRootfs("/host")).isEqualTo("/");
    assertThat(p.stripRootfs("/host/data")).isEqualTo("/data");
    assertThat(p.stripRootfs("/hostile")).isEqualTo("/hostile");
    assertThat(p.root("/data")).isEqualTo(Path.of("/host/data"));
    assertThat(HostPaths.defaults().stripRootfs("/data")).isEqualTo("/data");
  }

  @Test
  void realStatfsAgreesWithJava() throws Exception {
    FilesystemCollector.Stats s = NativeCalls.statfs(Path.of("/"));
    java.nio.file.FileStore store = java.nio.file.Files.getFileStore(Path.of("/"));
    assertThat(s.size()).isEqualTo((double) store.getTotalSpace());
    assertThat(s.files()).isPositive();
  }
}
