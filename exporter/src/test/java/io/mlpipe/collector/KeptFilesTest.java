package io.mlpipe.collector;

import static io.mlpipe.collector.Fixtures.scrape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Descriptors kept open between scrapes: values stay current, the count stays flat, and those of an
 * interface that went away are closed. The fixture trees are regular files, read by pread from 0
 * exactly like procfs and sysfs files; the descriptors are counted in /proc/self/fd.
 */
class KeptFilesTest {

  @Test
  void keptDescriptorReadsTheCurrentContent(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("stat");
    Files.writeString(file, "ctxt 1\n");
    try (KeptFiles kept = new KeptFiles(4)) {
      assertThat(kept.text(file)).isEqualTo("ctxt 1\n");
      assertThat(openUnder(dir)).isEqualTo(1);
      // Written in place (same inode), longer and then shorter: each read sees exactly the file.
      Files.writeString(file, "ctxt 123456\nprocesses 7\n");
      assertThat(kept.text(file)).isEqualTo("ctxt 123456\nprocesses 7\n");
      Files.writeString(file, "ctxt 2\n");
      assertThat(kept.text(file)).isEqualTo("ctxt 2\n");
      assertThat(openUnder(dir)).isEqualTo(1);
    }
    assertThat(openUnder(dir)).isZero();
  }

  @Test
  void boundedAndMissingFilesAreNotKept(@TempDir Path dir) throws Exception {
    try (KeptFiles kept = new KeptFiles(2)) {
      for (int i = 0; i < 5; i++) {
        Path f = dir.resolve("f" + i);
        Files.writeString(f, "v" + i);
        assertThat(kept.read(f)).isEqualTo("v" + i);
      }
      assertThat(kept.size()).isEqualTo(2);
      assertThat(openUnder(dir)).isEqualTo(2);
      assertThat(kept.readOptional(dir.resolve("missing"))).isEmpty();
      assertThatThrownBy(() -> kept.text(dir.resolve("missing")))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("missing");
      // A file that appears later is read.
      Files.writeString(dir.resolve("missing"), "here");
      assertThat(kept.read(dir.resolve("missing"))).isEqualTo("here");
    }
    assertThat(openUnder(dir)).isZero();
  }

  @Test
  void netclassKeepsOneDescriptorPerAttributeAndClosesThoseOfAGoneInterface(@TempDir Path dir)
      throws Exception {
    Path net = dir.resolve("class/net");
    copyTree(Fixtures.ROOT.resolve("sys/class/net"), net);
    NetclassCollector c = new NetclassCollector(new HostPaths(dir, dir, dir));
    try (c) {
      String first = scrape(c);
      assertThat(first).contains("node_network_mtu_bytes{device=\"eth0\"} 1400.0");
      int afterFirst = openUnder(dir);
      assertThat(afterFirst).isPositive().isEqualTo(c.keptFiles());
      assertThat(openUnder(net.resolve("eth0"))).isPositive();
      for (int i = 0; i < 50; i++) {
        scrape(c);
      }
      assertThat(openUnder(dir)).isEqualTo(afterFirst);

      // Values stay current: the attribute changed in place is read anew.
      Files.writeString(net.resolve("eth0/mtu"), "9000\n");
      assertThat(scrape(c)).contains("node_network_mtu_bytes{device=\"eth0\"} 9000.0");

      // The interface goes away: its descriptors are closed on the next scrape.
      deleteTree(net.resolve("eth0"));
      String after = scrape(c);
      assertThat(after).doesNotContain("device=\"eth0\"").contains("device=\"lo\"");
      assertThat(openUnder(net.resolve("eth0"))).isZero();
      assertThat(openUnder(dir)).isLessThan(afterFirst).isEqualTo(c.keptFiles());
    }
    assertThat(openUnder(dir)).isZero();
  }

  @Test
  void netdevClosesTheDescriptorsOfAGoneInterface(@TempDir Path dir) throws Exception {
    Path proc = dir.resolve("proc");
    Path sys = dir.resolve("sys");
    Files.createDirectories(proc.resolve("net"));
    Files.writeString(
        proc.resolve("net/dev"),
        "Inter-|   Receive |  Transmit\n face |bytes packets|bytes packets\n"
            + "  eth0: 10 1 0 0 0 0 0 0 20 2 0 0 0 0 0 0\n"
            + "  eth1: 30 3 0 0 0 0 0 0 40 4 0 0 0 0 0 0\n");
    for (String dev : new String[] {"eth0", "eth1"}) {
      Files.createDirectories(sys.resolve("class/net/" + dev + "/statistics"));
      Files.writeString(sys.resolve("class/net/" + dev + "/statistics/rx_nohandler"), "0\n");
    }
    NetdevCollector c = new NetdevCollector(new HostPaths(proc, sys, dir));
    try (c) {
      assertThat(scrape(c)).contains("node_network_receive_bytes_total{device=\"eth1\"} 30.0");
      assertThat(openUnder(dir)).isEqualTo(3);
      Files.writeString(
          proc.resolve("net/dev"),
          "Inter-|   Receive |  Transmit\n face |bytes packets|bytes packets\n"
              + "  eth0: 11 1 0 0 0 0 0 0 20 2 0 0 0 0 0 0\n");
      assertThat(scrape(c))
          .contains("node_network_receive_bytes_total{device=\"eth0\"} 11.0")
          .doesNotContain("eth1");
      assertThat(openUnder(sys.resolve("class/net/eth1"))).isZero();
      assertThat(openUnder(dir)).isEqualTo(2);
    }
    assertThat(openUnder(dir)).isZero();
  }

  /**
   * This process's open descriptors on files under {@code dir}, which may be gone (the link of a
   * descriptor on a deleted file still names it, with " (deleted)" after it).
   */
  static int openUnder(Path dir) throws IOException {
    Path base = dir.toAbsolutePath();
    while (!Files.exists(base)) {
      base = base.getParent();
    }
    String prefix = base.toRealPath().resolve(base.relativize(dir.toAbsolutePath())) + "/";
    int n = 0;
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          if (Files.readSymbolicLink(fd).toString().startsWith(prefix)) {
            n++;
          }
        } catch (IOException e) {
          // closed meanwhile (the listing's own descriptor)
        }
      }
    }
    return n;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      all.forEach(
          p -> {
            try {
              Path target = to.resolve(from.relativize(p).toString());
              if (Files.isDirectory(p)) {
                Files.createDirectories(target);
              } else {
                Files.copy(p, target);
              }
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
