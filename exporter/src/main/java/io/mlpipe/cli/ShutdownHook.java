package io.mlpipe.cli;

import io.mlpipe.Agent;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code serve}'s shutdown hook (SIGTERM, SIGINT). It is registered before the agent starts, so a
 * signal that comes while the agent starts (store recovery can take a while) is not lost: the hook
 * waits for the start to end, then closes the agent (HTTP first, then the store's final snapshot).
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
  private final Thread thread = new Thread(this::run, "shutdown");
  private volatile Agent agent;

  /** {@code startWait}: how long a signal during start-up waits for the start to end. */
  ShutdownHook(Duration startWait) {
    this.startWait = startWait;
  }

  /** The thread to register with {@link Runtime#addShutdownHook}. */
  Thread thread() {
    return thread;
  }

  /** The agent has started: a signal now (or one that came meanwhile) closes it. */
  void started(Agent a) {
    agent = a;
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

  private void run() {
    try {
      if (!startEnded.await(startWait.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("still starting after {} s; exiting without closing", startWait.toSeconds());
      }
      Agent running = agent;
      if (running != null) {
        log.info("shutting down");
        running.close();
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
