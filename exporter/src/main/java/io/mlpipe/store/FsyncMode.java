package io.mlpipe.store;

/**
 * When the WAL is flushed to disk, from {@code --storage.fsync}.
 *
 * <ul>
 *   <li>{@code always}: every commit is fsynced before its writes are acknowledged; commits form as
 *       requests arrive (concurrent requests share one fsync).
 *   <li>{@code batch}: as always, but a commit waits for more requests to share its fsync while
 *       requests that will write are known to be on the way (announced as soon as the HTTP server
 *       hands them over, before auth and body), up to 2 ms: fewer fsyncs under concurrency, and a
 *       lone write does not wait. While the disk is slow (last fsync over 1 ms) it also waits until
 *       0.2 ms pass without an arrival, as one fsync shared by more requests is then worth more.
 *   <li>{@code never}: written to the OS, not fsynced: survives a crash of the agent, not of the
 *       machine.
 * </ul>
 */
public enum FsyncMode {
  always,
  batch,
  never
}
