package io.mlpipe.cli;

import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * java.util.logging's manager, except that the JVM's exit does not take the handlers away.
 *
 * <p>The stock manager resets itself (removes every handler) from its own shutdown hook, which runs
 * at the same time as ours: what the agent logged while it closed on SIGTERM ("shutting down", the
 * final snapshot) was lost whenever JUL's hook came first. Our handler writes to stderr and flushes
 * each record, so there is nothing that needs closing at exit; this manager flushes instead of
 * resetting then. A reset asked for by code (configuration) works as before. {@link Main} chooses
 * it before anything logs.
 */
public final class ExitSafeLogManager extends LogManager {

  /** The class of the thread the stock manager resets from at JVM exit. */
  private static final String EXIT_RESETTER = LogManager.class.getName() + "$Cleaner";

  /**
   * Makes this the manager, unless one was chosen already ({@code -Djava.util.logging.manager}).
   */
  static void install() {
    if (System.getProperty("java.util.logging.manager") == null) {
      System.setProperty("java.util.logging.manager", ExitSafeLogManager.class.getName());
    }
  }

  @Override
  public void reset() {
    if (Thread.currentThread().getClass().getName().equals(EXIT_RESETTER)) {
      for (Handler h : Logger.getLogger("").getHandlers()) {
        h.flush();
      }
      return;
    }
    super.reset();
  }
}
