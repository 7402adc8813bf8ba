package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.testing.AgentProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/quickstart.sh, the README's run command, when its agent cannot bind: it stops with the
 * agent's own error and keeps the logs, instead of reporting success next to another process.
 */
class QuickstartTest {

  private static final Path ROOT =
      Path.of(System.getProperty("mlpipe.root", "..")).toAbsolutePath().normalize();

  @TempDir Path dir;

  @Test
  void aPortInUseStopsTheScriptWithTheAgentsErrorAndKeepsTheLogs() throws Exception {
    AgentProcess.jar(); // fresh, so the script does not rebuild
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Path out = dir.resolve("quickstart.out");
      ProcessBuilder pb =
          new ProcessBuilder("timeout", "120", "bash", "scripts/quickstart.sh")
              .directory(ROOT.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile());
      pb.environment().put("MLPIPE_PORT", Integer.toString(taken.getLocalPort()));
      pb.environment().put("PROMETHEUS_PORT", "1"); // never reached: the agent fails first
      pb.environment().put("ALERTMANAGER_PORT", "1");
      pb.environment().put("TMPDIR", dir.toString());
      Process p = pb.start();
      assertThat(p.waitFor(130, TimeUnit.SECONDS)).as("quickstart ended").isTrue();
      String said = Files.readString(out, StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(said).isEqualTo(1);
      assertThat(said)
          .contains("quickstart: agent exited while starting")
          .contains("cannot listen")
          .doesNotContain("mlpipe is running");
      Matcher kept = Pattern.compile("logs kept in (\\S+)").matcher(said);
      assertThat(kept.find()).as(said).isTrue();
      assertThat(Path.of(kept.group(1)).resolve("agent.log")).isNotEmptyFile();
    }
  }
}
