package io.mlpipe.ingest;

/** Input that cannot be accepted: answered with a 4xx and this message, nothing stored. */
public class BadRequestException extends Exception {

  /** {@link #reason()} of a well-formed push refused for carrying timestamps. */
  public static final String TIMESTAMP = "timestamp";

  private final int status;
  private final String reason;

  public BadRequestException(String message) {
    this(400, "invalid", message);
  }

  public BadRequestException(int status, String reason, String message) {
    super(message);
    this.status = status;
    this.reason = reason;
  }

  public int status() {
    return status;
  }

  /** Short reason for counting, e.g. {@code max_labels_per_series}. */
  public String reason() {
    return reason;
  }
}
