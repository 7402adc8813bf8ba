package io.mlpipe;

import io.mlpipe.config.IoErrors;
import java.io.IOException;

/**
 * The agent could not start because of its surroundings (a path it cannot write, a port in use),
 * not because of a bug: the CLI prints the message, naming the setting, and exits 1 without a stack
 * trace.
 */
public final class StartupException extends Exception {

  /** What could not be opened; the CLI names its flag. */
  public enum Part {
    LISTEN_ADDRESS,
    STORAGE,
    AUDIT_LOG
  }

  private final Part part;
  private final String value;

  public StartupException(Part part, String value, String what, IOException cause) {
    super(what + ": " + IoErrors.describe(cause), cause);
    this.part = part;
    this.value = value;
  }

  public Part part() {
    return part;
  }

  /** The setting's value, e.g. the path. */
  public String value() {
    return value;
  }
}
