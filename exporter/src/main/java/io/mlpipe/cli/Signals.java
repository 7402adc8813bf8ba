package io.mlpipe.cli;

import org.slf4j.LoggerFactory;

/** SIGHUP handling through the JDK's (unsupported but universally present) signal API. */
final class Signals {

  private Signals() {}

  /**
   * Runs {@code action} on every SIGHUP. Returns false, and says so in the log, when it cannot: a
   * process started under {@code nohup} inherits SIGHUP as ignored, and the JVM refuses to take
   * over an ignored shutdown signal (the registration returns the old SIG_IGN and installs
   * nothing), so the agent would otherwise drop every SIGHUP without a word.
   */
  @SuppressWarnings("restriction")
  static boolean onHangup(Runnable action) {
    try {
      sun.misc.SignalHandler previous =
          sun.misc.Signal.handle(
              new sun.misc.Signal("HUP"), sig -> new Thread(action, "sighup-reload").start());
      if (previous == sun.misc.SignalHandler.SIG_IGN) {
        LoggerFactory.getLogger(Signals.class)
            .warn(
                "SIGHUP reload is off: SIGHUP was ignored when the agent started (nohup?);"
                    + " reload with POST /-/reload, or start it without nohup");
        return false;
      }
      return true;
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      LoggerFactory.getLogger(Signals.class)
          .warn("SIGHUP reload not available on this platform: {}", e.getMessage());
      return false;
    }
  }
}
