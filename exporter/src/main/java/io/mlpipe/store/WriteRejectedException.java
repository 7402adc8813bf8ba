package io.mlpipe.store;

/** A write the store refused; nothing of it was applied. */
public class WriteRejectedException extends Exception {

  /** Why: a limit (client should send less), a conflict (fix the data), or storage trouble. */
  public enum Kind {
    LIMIT,
    CONFLICT,
    UNAVAILABLE
  }

  private final Kind kind;
  private final String reason;

  public WriteRejectedException(Kind kind, String reason, String message) {
    super(message);
    this.kind = kind;
    this.reason = reason;
  }

  public Kind kind() {
    return kind;
  }

  /** Short machine-readable reason, e.g. {@code max_series_per_group}. */
  public String reason() {
    return reason;
  }
}
