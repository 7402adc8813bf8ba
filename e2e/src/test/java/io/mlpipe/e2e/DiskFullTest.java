package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.testing.AgentProcess;
import io.mlpipe.testing.Http;
import io.mlpipe.testing.Wait;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage that fills up or turns read-only. Full: the agent's store on a 2 MiB tmpfs that a test
 * file then fills. Read-only: an ext4 image (loop device, {@code errors=remount-ro}) on which the
 * kernel is made to see a filesystem error, as a failing disk would, so that it remounts read-only
 * under the running agent. Writes must get 503 (never a 2xx for something not on disk) while reads
 * go on, with a log line and {@code mlpipe_exporter_storage_writable 0}; once space returns, writes
 * are accepted again, and after a read-only fs is repaired every acknowledged write is there.
 * Mounting needs root, as CI and scripts/test.sh run: without it the tests fail, they never skip.
 */
class DiskFullTest {

  @TempDir Path dir;
  private Path mount;
  private boolean mounted;

  @AfterEach
  void unmount() throws Exception {
    if (mounted) {
      new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor();
    }
  }

  /** Runs a command that must succeed (mount, mkfs, ...), with its output in the failure. */
  private static void sh(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("%s: %s", String.join(" ", command), out).isZero();
  }

  private static String body(int series) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < series; i++) {
      b.append("payload{i=\"")
          .append(i)
          .append("\",pad=\"")
          .append("x".repeat(100))
          .append("\"} 1\n");
    }
    return b.toString();
  }

  private static String events(int n) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",")
          .append("{\"type\":\"records\",\"pipeline\":\"disk\",\"stage\":\"stage-")
          .append(i)
          .append("\",\"processed\":1}");
    }
    return b.append("]").toString();
  }

  private static int push(AgentProcess agent, String job, String body) {
    return Http.send(
            "PUT",
            agent.url() + "/metrics/job/" + job,
            Map.of(),
            body.getBytes(StandardCharsets.UTF_8))
        .status();
  }

  /**
   * Pushes new groups of {@code series} series until one gets 503, allowing nothing but 200 before;
   * adds the accepted jobs to {@code acknowledged} and returns the refused one.
   */
  private static String pushUntilRefused(
      AgentProcess agent, int series, List<String> acknowledged) {
    for (int job = 0; job < 50; job++) {
      int status = push(agent, "during-" + job, body(series));
      assertThat(status).isIn(200, 503);
      if (status == 503) {
        return "during-" + job;
      }
      acknowledged.add("during-" + job);
    }
    throw new AssertionError("50 writes to unwritable storage, none refused");
  }

  /** While writes are refused: reads answer, with {@code kept}'s data and not {@code refused}'s. */
  private static void assertReadsGoOn(AgentProcess agent, String kept, String refused) {
    Http.Response metrics = Http.get(agent.url() + "/metrics");
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("mlpipe_exporter_storage_writable 0")
        .contains("job=\"" + kept + "\"")
        .doesNotContain("job=\"" + refused + "\"");
    assertThat(Http.get(agent.url() + "/api/v1/metrics").status()).isEqualTo(200);
    assertThat(agent.process().log()).contains("refuses writes");
  }

  @Test
  void fullDiskAnswers503KeepsReadsAndRecovers() throws Exception {
    mount = dir.resolve("tmpfs");
    Files.createDirectories(mount);
    int rc =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount.toString())
            .redirectErrorStream(true)
            .start()
            .waitFor();
    // scripts/test.sh runs as root in CI; a run that cannot mount must fail, not skip.
    assertThat(rc).as("mount -t tmpfs (needs root, as CI and scripts/test.sh run)").isZero();
    mounted = true;

    try (AgentProcess agent =
        AgentProcess.start(
            dir.resolve("agent"),
            "--storage.path=" + mount.resolve("data"),
            "--storage.fsync=always")) {
      assertThat(push(agent, "before", body(5))).isEqualTo(200);

      Path filler = mount.resolve("filler");
      try (OutputStream out = Files.newOutputStream(filler)) {
        byte[] block = new byte[4096];
        while (true) {
          out.write(block);
        }
      } catch (IOException full) {
        // the disk is full now
      }
      String refusedJob = pushUntilRefused(agent, 50, new ArrayList<>());
      Http.Response again =
          Http.send(
              "POST",
              agent.url() + "/api/v1/events",
              Map.of("Content-Type", "application/json"),
              events(60).getBytes(StandardCharsets.UTF_8));
      assertThat(again.status()).isEqualTo(503);
      assertThat(again.header("Retry-After")).isNotNull();

      assertReadsGoOn(agent, "before", refusedJob);

      Files.delete(filler);
      Wait.until(
          "writes accepted again",
          Duration.ofSeconds(20),
          () -> push(agent, "after", body(5)) == 200);
      assertThat(Http.get(agent.url() + "/metrics").body())
          .contains("mlpipe_exporter_storage_writable 1")
          .contains("job=\"after\"");
      assertThat(agent.process().log()).contains("accepts writes again");
    }
  }

  @Test
  void readOnlyFilesystemAnswers503KeepsReadsAndLosesNoAcknowledgedWrite() throws Exception {
    Path image = dir.resolve("ext4.img");
    mount = dir.resolve("ext4");
    Files.createDirectories(mount);
    sh("truncate", "-s", "32M", image.toString());
    sh("mkfs.ext4", "-q", "-F", image.toString());
    sh("mount", "-o", "loop,errors=remount-ro", image.toString(), mount.toString());
    mounted = true;
    List<String> acknowledged = new ArrayList<>();
    String refused;
    try (AgentProcess agent =
        AgentProcess.start(
            dir.resolve("agent"),
            "--storage.path=" + mount.resolve("data"),
            "--storage.fsync=always")) {
      for (int i = 0; i < 5; i++) {
        assertThat(push(agent, "before-" + i, body(5))).isEqualTo(200);
        acknowledged.add("before-" + i);
      }
      // What ext4 does on an I/O error with errors=remount-ro: read-only at once, under open files.
      String device =
          Files.readString(Path.of("/proc/self/mountinfo"))
              .lines()
              .filter(l -> l.split(" ")[4].equals(mount.toString()))
              .map(l -> l.substring(l.indexOf(" - ") + 3).split(" ")[1])
              .findFirst()
              .orElseThrow();
      Files.writeString(
          Path.of("/sys/fs/ext4", Path.of(device).getFileName().toString(), "trigger_fs_error"),
          "1");

      refused = pushUntilRefused(agent, 5, acknowledged);
      assertReadsGoOn(agent, "before-0", refused);
      assertThat(agent.process().log()).contains("Read-only file system");
    }

    // The operator's repair: unmount, fsck, mount; the agent comes back with every 2xx write.
    sh("umount", mount.toString());
    mounted = false;
    Process fsck = new ProcessBuilder("e2fsck", "-fy", image.toString()).start();
    fsck.getInputStream().readAllBytes();
    assertThat(fsck.waitFor()).as("e2fsck: 0 clean, 1 errors corrected").isLessThanOrEqualTo(1);
    sh("mount", "-o", "loop", image.toString(), mount.toString());
    mounted = true;
    try (AgentProcess agent =
        AgentProcess.start(dir.resolve("agent-after"), "--storage.path=" + mount.resolve("data"))) {
      String metrics = Http.get(agent.url() + "/metrics").body();
      for (String job : acknowledged) {
        assertThat(metrics).as("acknowledged push %s", job).contains("job=\"" + job + "\"");
      }
      assertThat(metrics).doesNotContain("job=\"" + refused + "\"");
      assertThat(push(agent, "after", body(5))).isEqualTo(200);
    }
  }
}
