package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.testing.AgentProcess;
import io.mlpipe.testing.Binaries;
import io.mlpipe.testing.Http;
import io.mlpipe.testing.Wait;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGHUP reloads the config file, and an agent that cannot receive it says so at start. */
class SighupTest {

  @TempDir Path dir;

  @Test
  void sighupReloadsTheConfigFile() throws Exception {
    Path config = dir.resolve("mlpipe.yml");
    Files.writeString(config, "pipelines:\n  declared:\n    churn: {team: growth}\n");
    try (AgentProcess agent = AgentProcess.start(dir.resolve("agent"), "--config.file=" + config)) {
      assertThat(agent.process().log()).doesNotContain("SIGHUP reload is off");
      Files.writeString(config, "pipelines:\n  declared:\n    churn: {team: risk}\n");
      agent.process().signal("HUP");
      Wait.until(
          "the reloaded team on the landing page",
          Duration.ofSeconds(20),
          () -> Http.get(agent.url() + "/").body().contains("team: risk"));
    }
  }

  @Test
  void underNohupTheAgentSaysSighupReloadIsOff() throws Exception {
    Path config = dir.resolve("mlpipe.yml");
    Files.writeString(config, "pipelines: {}\n");
    try (AgentProcess agent =
        AgentProcess.launchUnder(
            List.of(Binaries.require("nohup").toString()),
            dir.resolve("nohup"),
            "--config.file=" + config)) {
      agent.waitReady();
      assertThat(agent.process().log())
          .contains("SIGHUP reload is off: SIGHUP was ignored when the agent started (nohup?)");
      // the agent ignores SIGHUP (rather than dying of it) and reloads over HTTP instead
      agent.process().signal("HUP");
      assertThat(
              Http.send("POST", agent.url() + "/-/reload", java.util.Map.of(), new byte[0])
                  .status())
          .isEqualTo(200);
      assertThat(agent.process().isAlive()).isTrue();
    }
  }
}
