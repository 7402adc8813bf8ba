package io.mlpipe.collector;

/** What collectors may read from the agent's settings when they are built. */
public record CollectorContext(HostPaths paths) {

  public static CollectorContext defaults() {
    return new CollectorContext(HostPaths.defaults());
  }
}
