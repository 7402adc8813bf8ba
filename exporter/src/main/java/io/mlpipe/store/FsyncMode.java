package io.mlpipe.store;

/**
 * When the WAL is flushed to disk, from {@code --storage.fsync}.
 *
 * <ul>
 *   <li>{@code always}: every commit is fsynced before its writes are acknowledged; commits form as
 *       requests arrive (concurrent requests share one fsync).
 *   <li>{@code batch}: as always, but a commit waits for more requests to share its fsync while
 *       they keep coming (up to 2 ms, ending after 0.2 ms without one): fewer fsyncs under
 *       concurrency, at most 2 ms more latency.
 *   <li>{@code never}: written to the OS, not fsynced: survives a crash of the agent, not of the
 *       machine.
 * </ul>
 */
public enum FsyncMode {
  always,
  batch,
  never
}
