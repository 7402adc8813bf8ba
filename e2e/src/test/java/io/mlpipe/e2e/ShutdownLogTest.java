package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.testing.AgentProcess;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the packaged agent logs while it stops on SIGTERM reaches its log. java.util.logging's own
 * exit hook used to remove the handlers while ours was still closing the agent, so an operator saw
 * neither "shutting down" nor how long the close took.
 */
class ShutdownLogTest {

  @TempDir Path dir;

  @Test
  void aSigtermLeavesTheShutdownLinesInTheLog() throws Exception {
    AgentProcess agent = AgentProcess.start(dir, "--no-collector.gpu");
    agent.process().signal("TERM");
    agent.process().waitFor(30);

    assertThat(agent.process().log())
        .contains("msg=\"shutting down\"")
        .containsPattern("msg=\"shut down in \\d+ ms\"");
  }
}
