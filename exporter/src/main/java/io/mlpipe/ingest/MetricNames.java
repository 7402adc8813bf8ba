package io.mlpipe.ingest;

/** Prometheus' (legacy, 0.0.4) rules for metric and label names. */
public final class MetricNames {

  private MetricNames() {}

  /**
   * The agent's own namespace: the pipeline model's families ({@code mlpipe_stage_running}, ...),
   * the agent's health ({@code mlpipe_exporter_*}) and its collectors' ({@code mlpipe_gpu_*}). No
   * writer may store a name in it, so no pusher can forge a stage's state. A prefix rather than a
   * list of what a scrape shows: checked on every push without collecting anything.
   */
  public static final String AGENT_NAMESPACE = "mlpipe_";

  /** Whether {@code name} (in any of its forms: _total, _bucket, ...) is the agent's own. */
  public static boolean isAgentNamespace(String name) {
    return name.startsWith(AGENT_NAMESPACE);
  }

  public static boolean isValidMetricName(String name) {
    return matches(name, true);
  }

  /** Valid and not reserved ({@code __} prefix is Prometheus' own). */
  public static boolean isValidLabelName(String name) {
    return !name.startsWith("__") && matches(name, false);
  }

  // [a-zA-Z_:][a-zA-Z0-9_:]* for metrics; the same without ':' for labels.
  private static boolean matches(String name, boolean colon) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || c == '_'
              || (colon && c == ':')
              || (i > 0 && c >= '0' && c <= '9');
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
