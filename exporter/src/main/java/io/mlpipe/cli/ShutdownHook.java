package io.mlpipe.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shutdown hook of {@code serve} and {@code demo} (SIGTERM, SIGINT). It is registered before
 * anything starts, so a signal that comes while the agent starts (store recovery can take a while)
 * is not lost: the hook waits for the start to end, then closes what started (for serve the agent:
 * HTTP first, then the store's final snapshot; for demo the workload, its agent, its temporary
 * directory).
 *
 * <pre>{@code
 * ShutdownHook hook = new ShutdownHook(Duration.ofMinutes(1));
 * Runtime.getRuntime().addShutdownHook(hook.thread());
 * hook.started(Agent.start(options)); // or hook.startFailed()
 * hook.awaitStopped();
 * }</pre>
 */
final class ShutdownHook {

  private static final Logger log = LoggerFactory.getLogger(ShutdownHook.class);

  private final Duration startWait;
  private final CountDownLatch startEnded = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean ran = new AtomicBoolean();
  private final Thread thread = new Thread(this::run, "shutdown");
  private volatile AutoCloseable running;

  /** {@code startWait}: how long a signal during start-up waits for the start to end. */
  ShutdownHook(Duration startWait) {
    this.startWait = startWait;
  }

  /** The thread to register with {@link Runtime#addShutdownHook}. */
  Thread thread() {
    return thread;
  }

  /** What started (the agent; the demo): a signal now (or one that came meanwhile) closes it. */
  void started(AutoCloseable whatStarted) {
    running = whatStarted;
    startEnded.countDown();
  }

  /** The start failed (and closed what it had opened): nothing is left to close. */
  void startFailed() {
    startEnded.countDown();
  }

  /** Waits until the hook has run. */
  void awaitStopped() throws InterruptedException {
    stopped.await();
  }

  /** Waits at most {@code timeout} for the hook to run; true if it has. */
  boolean awaitStopped(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Closes now, on the calling thread (demo's {@code --duration} ran out). The registered thread
   * may still run at JVM exit: whichever comes second waits for the first to end, so the JVM does
   * not halt in the middle of the close and nothing is closed twice.
   */
  void stopNow() {
    run();
  }

  private void run() {
    if (!ran.compareAndSet(false, true)) {
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    try {
      if (!startEnded.await(startWait.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("still starting after {} s; exiting without closing", startWait.toSeconds());
      }
      AutoCloseable r = running;
      if (r != null) {
        log.info("shutting down");
        long t0 = System.nanoTime();
        r.close();
        log.info("shut down in {} ms", (System.nanoTime() - t0) / 1_000_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.error("error during shutdown", e);
    } finally {
      stopped.countDown();
    }
  }
}
