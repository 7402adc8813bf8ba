package io.mlpipe.testing;

import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/** Prints the log tails of every process still tracked when a test fails. */
public final class LogsOnFailure implements TestWatcher {

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    for (ManagedProcess p : ManagedProcess.LIVE) {
      System.err.printf(
          "----- %s (pid %d) log tail, %s -----%n%s%n",
          p.name(), p.pid(), p.logFile(), p.logTail(60));
    }
  }

  @Override
  public void testDisabled(ExtensionContext context, Optional<String> reason) {
    throw new AssertionError("tests must not be disabled: " + context.getDisplayName());
  }
}
