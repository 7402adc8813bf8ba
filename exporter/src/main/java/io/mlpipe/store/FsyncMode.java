package io.mlpipe.store;

/**
 * When the WAL is flushed to disk, from {@code --storage.fsync}.
 *
 * <ul>
 *   <li>{@code always}: every commit is fsynced before its writes are acknowledged; commits form as
 *       requests arrive (concurrent requests share one fsync).
 *   <li>{@code batch}: as always, but a commit waits up to 2 ms for more requests to share its
 *       fsync: more throughput under concurrency, a little more latency.
 *   <li>{@code never}: written to the OS, not fsynced: survives a crash of the agent, not of the
 *       machine.
 * </ul>
 */
public enum FsyncMode {
  always,
  batch,
  never
}
