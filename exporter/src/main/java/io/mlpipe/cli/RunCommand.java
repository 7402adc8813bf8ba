package io.mlpipe.cli;

import io.mlpipe.client.AgentClient;
import io.mlpipe.event.Event;
import io.mlpipe.event.Payload;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mlpipe run --pipeline P --stage S -- CMD ARGS...}: runs a pipeline step and reports it
 * (stage_started, heartbeats, stage_finished with exit code, duration, CPU and peak memory of the
 * process tree). The command's exit code is ours; monitoring never changes what the step does.
 *
 * <p>Every wrapped command waits for what runs here before it starts and after it ends, so this
 * path has no lambdas or method references (nor have the classes it uses): the first one in a JVM
 * bootstraps invokedynamic (method handles, a class spun with ASM, none of it in the AppCDS
 * archive) and each further one spins its own class; anonymous and nested classes are archived.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {
      "Run a command as a pipeline stage and report it to the agent.",
      "Exits with the command's exit code (128+N when a signal N ended it). When the agent is"
          + " unreachable the command still runs and the events are spooled."
    })
final class RunCommand implements Callable<Integer> {

  @Option(names = "--pipeline", required = true, paramLabel = "NAME", description = "Pipeline.")
  String pipeline;

  @Option(names = "--stage", required = true, paramLabel = "NAME", description = "Stage.")
  String stage;

  @Option(
      converter = Converters.NonNegativeDuration.class,
      names = "--heartbeat",
      defaultValue = "15s", // RunArgs.DEFAULT_HEARTBEAT
      paramLabel = "DURATION",
      description =
          "Heartbeat interval while the command runs (see --heartbeat-when); 0 for none"
              + " (default: ${DEFAULT-VALUE}).")
  Duration heartbeat;

  /** When heartbeats are sent. */
  enum HeartbeatWhen {
    activity,
    always
  }

  @Option(
      names = "--heartbeat-when",
      defaultValue = "activity", // RunArgs.DEFAULT_HEARTBEAT_WHEN
      paramLabel = "WHEN",
      description =
          "activity: a heartbeat only when the command's process tree used CPU, wrote output or"
              + " wrote to stderr since the last one, so a hung command stops them and the stall"
              + " alert fires; always: every interval while it runs (default: ${DEFAULT-VALUE}).")
  HeartbeatWhen heartbeatWhen;

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description = "Run id (default: generated, like 20260102T030405Z-1a2b3c).")
  String runId;

  @Option(names = "--host", paramLabel = "NAME", description = "Host (default: the hostname).")
  String host;

  @Mixin AgentConnection agent;

  @Parameters(arity = "1..*", paramLabel = "CMD", description = "The command and its arguments.")
  List<String> command;

  /** A signal we received (and forwarded) while the command ran, or null. */
  private final AtomicReference<String> signalled = new AtomicReference<>();

  /** Made by the sender thread on first use, so the HTTP client starts while the command runs. */
  private Delivery delivery;

  /**
   * {@link #call()} as picocli's {@code execute} runs it, for a command {@link RunArgs} read: its
   * result is the exit code; an exception is printed with its stack trace and exits 1.
   */
  int callAsPicocliWould() {
    try {
      return call();
    } catch (Exception e) {
      e.printStackTrace(agent.err());
      agent.err().flush();
      return 1;
    }
  }

  @Override
  public Integer call() throws Exception {
    AtomicReference<Process> running = new AtomicReference<>();
    installSignalForwarding(running);
    PrintWriter err = agent.err();
    agent.timeout(); // a usage error before anything runs
    // A bad $MLPIPE_AGENT must not stop the pipeline: the command runs, unreported.
    String urlProblem = agent.urlProblem();
    if (urlProblem != null) {
      err.println("mlpipe: warning: " + urlProblem + "; running the command without reporting");
      err.flush();
    }
    Duration every = heartbeat;
    String run = runId != null ? runId : newRunId();
    String hostName = host != null ? host : hostname();
    ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(new Daemons());

    Path proc = Path.of("/proc");
    boolean procfs = ProcessTreeUsage.available(proc);
    long childTicksBefore = procfs ? ProcessTreeUsage.selfChildTicks(proc) : -1;
    double startTime = System.currentTimeMillis() / 1000.0;
    long startNanos = System.nanoTime();
    Event started = event(new Payload.StageStarted(), run, hostName, run + "/start", startTime);
    sender.execute(new Report(started, err));

    // stderr through us, byte for byte, keeping its tail for a failed run's error.
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.INHERIT)
            .redirectOutput(ProcessBuilder.Redirect.INHERIT)
            .redirectError(ProcessBuilder.Redirect.PIPE);
    pb.environment().put("MLPIPE_PIPELINE", pipeline);
    pb.environment().put("MLPIPE_STAGE", stage);
    pb.environment().put("MLPIPE_RUN_ID", run);
    pb.environment().put("MLPIPE_AGENT", agent.agentUrl());
    Process child;
    try {
      child = pb.start();
      running.set(child);
      if (signalled.get() != null) {
        forward(signalled.get(), child); // arrived while the command was starting
      }
    } catch (IOException e) {
      int code = Files.exists(Path.of(command.get(0))) ? 126 : 127;
      err.println("mlpipe: cannot run " + command.get(0) + ": " + e.getMessage());
      err.flush();
      Payload.StageFinished failed =
          new Payload.StageFinished(
              Payload.Status.failure,
              seconds(startNanos),
              (double) code,
              "cannot run " + command.get(0) + ": " + e.getMessage(),
              null,
              null);
      finish(sender, event(failed, run, hostName, run + "/finish", now()), err);
      return code;
    }
    StderrTail stderr = new StderrTail();
    Thread stderrCopier =
        new Thread(
            new Runnable() {
              @Override
              public void run() {
                stderr.copy(child.getErrorStream(), new FileOutputStream(FileDescriptor.err));
              }
            },
            "mlpipe-stderr");
    stderrCopier.setDaemon(true);
    stderrCopier.start();
    ProcessTreeUsage usage =
        procfs ? new ProcessTreeUsage(proc, child.pid(), childTicksBefore) : null;
    Thread sampler = null;
    if (usage != null) {
      usage.sample();
      sampler =
          new Thread(
              new Runnable() {
                @Override
                public void run() {
                  while (child.isAlive()) {
                    usage.sample();
                    try {
                      Thread.sleep(ProcessTreeUsage.INTERVAL_MILLIS);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                }
              },
              "mlpipe-sampler");
      sampler.setDaemon(true);
      sampler.start();
    }
    AtomicInteger beats = new AtomicInteger();
    Activity activity = new Activity(usage, stderr);
    boolean always = heartbeatWhen == HeartbeatWhen.always || usage == null;
    if (!every.isZero()) {
      sender.scheduleAtFixedRate(
          new Runnable() {
            @Override
            public void run() {
              if (child.isAlive() && (activity.since() || always)) {
                int n = beats.incrementAndGet();
                report(
                    event(new Payload.Heartbeat(null), run, hostName, run + "/hb/" + n, now()),
                    err);
              }
            }
          },
          every.toMillis(),
          every.toMillis(),
          TimeUnit.MILLISECONDS);
    }

    int code = waitUninterruptibly(child);
    double duration = seconds(startNanos);
    if (sampler != null) {
      sampler.interrupt();
    }
    // Until its stderr ends, boundedly: a daemon the command left behind may hold it open.
    stderrCopier.join(STDERR_DRAIN_MILLIS);
    Payload.Status status =
        code == 0
            ? Payload.Status.success
            : signalled.get() != null ? Payload.Status.cancelled : Payload.Status.failure;
    String error = null;
    if (status != Payload.Status.success) {
      String why = code > 128 && code < 128 + 65 ? "ended by signal " + (code - 128) : null;
      String text = errorText(why, stderr.text());
      error = text.isEmpty() ? null : text;
    }
    Payload.StageFinished finished =
        new Payload.StageFinished(
            status,
            duration,
            (double) code,
            error,
            usage == null ? null : usage.cpuSeconds(),
            usage == null || usage.peakBytes() <= 0 ? null : (double) usage.peakBytes());
    finish(sender, event(finished, run, hostName, run + "/finish", now()), err);
    return code;
  }

  /** How long the stderr copy may go on after the command ended. */
  static final long STDERR_DRAIN_MILLIS = 2000;

  /** The events API's limit on {@code error}. */
  static final int MAX_ERROR_CHARS = 4096;

  /** A failed run's error: what ended it (or null) and the tail of its stderr, within the limit. */
  static String errorText(String why, String tail) {
    String text = why == null ? tail : tail.isEmpty() ? why : why + "\n" + tail;
    if (text.length() <= MAX_ERROR_CHARS) {
      return text;
    }
    // The last lines matter most (a traceback ends with the exception): cut at the front.
    String cut = text.substring(text.length() - MAX_ERROR_CHARS);
    return Character.isLowSurrogate(cut.charAt(0)) ? cut.substring(1) : cut;
  }

  /**
   * Signs of life of the command since the last heartbeat: CPU time of its process tree, bytes its
   * tree wrote (stdout, files) and bytes it wrote to stderr. A command stuck on a lock or a dead
   * NFS mount shows none, so no heartbeat is sent and the stall alert can fire.
   */
  static final class Activity {
    private final ProcessTreeUsage usage;
    private final StderrTail stderr;
    private long[] last;

    Activity(ProcessTreeUsage usage, StderrTail stderr) {
      this.usage = usage;
      this.stderr = stderr;
      this.last = now();
    }

    private long[] now() {
      long[] tree = usage == null ? new long[2] : usage.activity();
      return new long[] {tree[0], tree[1], stderr.bytes()};
    }

    /** Whether anything moved since the last call (or since construction). */
    synchronized boolean since() {
      long[] current = now();
      boolean moved = !java.util.Arrays.equals(current, last);
      last = current;
      return moved;
    }
  }

  private Event event(Payload payload, String run, String hostName, String id, double time) {
    return new Event(pipeline, stage, time, hostName, run, id, payload);
  }

  /** The sender's thread: a daemon, so that it never holds the JVM (and the exit code) back. */
  private static final class Daemons implements ThreadFactory {
    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, "mlpipe-sender");
      t.setDaemon(true);
      return t;
    }
  }

  /** One event for the sender thread. */
  private final class Report implements Runnable {
    private final Event event;
    private final PrintWriter err;

    Report(Event event, PrintWriter err) {
      this.event = event;
      this.err = err;
    }

    @Override
    public void run() {
      report(event, err);
    }
  }

  /** Sends one event; runs on the sender thread only. */
  private void report(Event event, PrintWriter err) {
    if (agent.urlProblem() != null) {
      return;
    }
    if (delivery == null) {
      delivery = agent.delivery();
    }
    AgentClient.Reply r = delivery.deliver(List.of(event), event.type() != Event.Type.heartbeat);
    if (r.outcome() == AgentClient.Outcome.REFUSED) {
      err.println(
          "mlpipe: warning: the agent refused the "
              + event.type()
              + " event: "
              + String.join("; ", r.errors()));
      err.flush();
    }
  }

  private void finish(ScheduledExecutorService sender, Event finished, PrintWriter err)
      throws InterruptedException {
    sender.execute(new Report(finished, err));
    sender.shutdown();
    // Bounded: each delivery gives up after --timeout and spools.
    sender.awaitTermination(60, TimeUnit.SECONDS);
  }

  /** The command's exit code; an interrupt meanwhile is kept for the caller to see. */
  static int waitUninterruptibly(Process child) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return child.waitFor();
        } catch (InterruptedException e) {
          interrupted = true; // keep waiting: the command decides when it ends
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Forwards SIGINT and SIGTERM to the command. A SIGINT while we run in a terminal's foreground
   * process group came from Ctrl-C, which the terminal already sent to the command: not sent twice.
   */
  @SuppressWarnings("restriction")
  private void installSignalForwarding(AtomicReference<Process> running) {
    for (String name : List.of("INT", "TERM")) {
      try {
        sun.misc.Signal.handle(
            new sun.misc.Signal(name),
            new sun.misc.SignalHandler() {
              @Override
              public void handle(sun.misc.Signal sig) {
                signalled.set(name);
                Process child = running.get();
                if (child != null) {
                  forward(name, child);
                }
              }
            });
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        // no such signal here: nothing to forward
      }
    }
  }

  private static void forward(String name, Process child) {
    if (!child.isAlive() || (name.equals("INT") && inForegroundOfTerminal())) {
      return;
    }
    try {
      new ProcessBuilder("kill", "-s", name, Long.toString(child.pid()))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException e) {
      if (name.equals("TERM")) {
        child.destroy();
      }
    }
  }

  /** Whether our process group is the foreground group of a controlling terminal. */
  private static boolean inForegroundOfTerminal() {
    try {
      String s = Files.readString(Path.of("/proc/self/stat"));
      String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split("\\s+");
      // fields 5 (pgrp) and 8 (tpgid) are f[2] and f[5]
      return !f[5].equals("-1") && f[2].equals(f[5]);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Like 20260102T030405Z-1a2b3c: sortable, and unique enough per stage (no SecureRandom, no
   * formatter: both cost start-up time that every wrapped command would wait for).
   */
  static String newRunId() {
    java.time.LocalDateTime t =
        java.time.LocalDateTime.ofEpochSecond(System.currentTimeMillis() / 1000, 0, ZoneOffset.UTC);
    int[] parts = {t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond()};
    StringBuilder b = new StringBuilder().append(t.getYear());
    for (int i = 0; i < parts.length; i++) {
      if (i == 2) {
        b.append('T');
      }
      b.append(parts[i] < 10 ? "0" : "").append(parts[i]);
    }
    String hex = Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24) | (1 << 24));
    return b.append("Z-").append(hex, 1, 7).toString();
  }

  /** The kernel's hostname, as node_exporter's uname collector sees it. */
  static String hostname() {
    try {
      String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
      if (!h.isEmpty()) {
        return h;
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  private static double now() {
    return System.currentTimeMillis() / 1000.0;
  }

  private static double seconds(long startNanos) {
    return Math.round((System.nanoTime() - startNanos) / 1e6) / 1000.0;
  }
}
