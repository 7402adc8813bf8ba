package io.mlpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RunCommandTest {

  @Test
  void waitingForTheCommandKeepsAnInterruptForTheCaller() throws Exception {
    Process child = new ProcessBuilder("sh", "-c", "exit 3").start();
    Thread.currentThread().interrupt();
    try {
      assertThat(RunCommand.waitUninterruptibly(child)).isEqualTo(3);
      assertThat(Thread.currentThread().isInterrupted()).as("interrupt flag restored").isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
