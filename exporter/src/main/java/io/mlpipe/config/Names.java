package io.mlpipe.config;

/** Checks for the names users give to pipelines, stages and other label values. */
public final class Names {

  /** Longest label value accepted from configuration or ingest by default. */
  public static final int MAX_LABEL_VALUE_LENGTH = 256;

  private Names() {}

  /** Why {@code value} is not a usable name, or null when it is. */
  public static String labelValueProblem(String value) {
    if (value.isEmpty()) {
      return "must not be empty";
    }
    if (value.length() > MAX_LABEL_VALUE_LENGTH) {
      return "must be at most " + MAX_LABEL_VALUE_LENGTH + " characters, got " + value.length();
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        return "must not contain control characters (found U+%04X at position %d)"
            .formatted((int) c, i + 1);
      }
    }
    return null;
  }
}
