package io.mlpipe.cli;

import org.slf4j.LoggerFactory;

/** SIGHUP handling through the JDK's (unsupported but universally present) signal API. */
final class Signals {

  private Signals() {}

  @SuppressWarnings("restriction")
  static void onHangup(Runnable action) {
    try {
      sun.misc.Signal.handle(
          new sun.misc.Signal("HUP"), sig -> new Thread(action, "sighup-reload").start());
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      LoggerFactory.getLogger(Signals.class)
          .warn("SIGHUP reload not available on this platform: {}", e.getMessage());
    }
  }
}
