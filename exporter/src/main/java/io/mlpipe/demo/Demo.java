package io.mlpipe.demo;

import io.mlpipe.client.AgentClient;
import io.mlpipe.demo.Workload.MetricSpec;
import io.mlpipe.demo.Workload.PipelineSpec;
import io.mlpipe.demo.Workload.StageSpec;
import io.mlpipe.event.Event;
import io.mlpipe.event.EventJson;
import io.mlpipe.event.Payload;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The simulated ML workload: drives the {@link Workload} pipelines through an agent's public HTTP
 * APIs, with the {@link Fault}s asked for. One thread per pipeline, one for the simulated GPUs, one
 * for the auth-failures fault.
 *
 * <p>Time: every event carries the real wall-clock time (never one in the future); what is
 * compressed by {@code --speed} is durations and intervals. A pipeline whose cadence is C simulated
 * seconds starts a run every C / scale real seconds and a stage of D simulated seconds takes D /
 * scale real seconds, where scale is {@code --speed} capped per pipeline (see {@link
 * Workload#timeScale}); the config the demo writes divides SLAs and expected intervals by the same
 * scale. The one threshold that is not in the config, the stall alert's fixed 300 s heartbeat age,
 * is met by re-reporting a hung stage's last heartbeat further in the past at {@code scale - 1}
 * seconds per second, so its age grows at the simulated rate.
 *
 * <pre>{@code
 * try (Demo demo = Demo.start(new Demo.Options(URI.create("http://127.0.0.1:9478"), 60, 1,
 *     List.of(Fault.parse("drift")), null, System.out::println))) {
 *   Thread.sleep(60_000);
 * }
 * }</pre>
 */
public final class Demo implements AutoCloseable {

  /**
   * @param agent base URL of the agent
   * @param speed simulated seconds per real second (capped per pipeline)
   * @param seed seed of every random choice
   * @param bearerToken sent with every request, or null
   * @param log progress lines
   */
  public record Options(
      URI agent,
      double speed,
      long seed,
      List<Fault> faults,
      String bearerToken,
      Consumer<String> log) {}

  /** The host whose simulated GPUs the gpu-idle fault leaves idle. */
  static final String IDLE_HOST = "gpu-node-3";

  static final String WRONG_TOKEN = "mlpipe-demo-wrong-token";

  private enum Outcome {
    SUCCESS,
    FAILURE,
    STOPPED
  }

  private final Options options;
  private final AgentClient client;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final long startNanos = System.nanoTime();
  private final long startMillis = System.currentTimeMillis();
  private final List<Thread> threads = new ArrayList<>();
  private final Map<String, AtomicInteger> trainingOn = new ConcurrentHashMap<>();
  private volatile boolean stopped;

  private Demo(Options options) {
    this.options = options;
    this.client =
        new AgentClient(
            options.agent().toString(),
            options.bearerToken(),
            Duration.ofSeconds(5),
            Duration.ofSeconds(10));
  }

  /** Starts the workload in background threads; {@link #close()} stops it. */
  public static Demo start(Options options) {
    if (!(options.speed() >= 1)) {
      throw new IllegalArgumentException("speed must be at least 1, got " + options.speed());
    }
    Demo demo = new Demo(options);
    int i = 0;
    for (PipelineSpec p : Workload.PIPELINES) {
      Runner r = demo.new Runner(p, i++);
      demo.thread("mlpipe-demo-" + p.name(), r::loop);
    }
    demo.thread("mlpipe-demo-gpus", demo::gpuLoop);
    if (options.faults().stream().anyMatch(f -> f.kind() == FaultKind.AUTH_FAILURES)) {
      demo.thread("mlpipe-demo-auth", demo::authLoop);
    }
    for (Fault f : options.faults()) {
      options.log().accept("demo: fault " + f + " -> " + f.kind().alert());
    }
    return demo;
  }

  private void thread(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  /** Requests sent to the agent so far, and how many of them failed. */
  public long requestsSent() {
    return sent.get();
  }

  public long requestsFailed() {
    return failed.get();
  }

  /** Posts events (one request); logs (a few of) the failures and goes on. */
  private void post(List<Event> events) {
    if (!events.isEmpty()) {
      logFailure("POST /api/v1/events", client.postEvents(EventJson.ndjson(events)));
    }
  }

  /** Replaces a pushed group (Pushgateway API) with {@code text} in the text format. */
  private void push(String groupPath, String text) {
    logFailure("PUT /metrics/job/" + groupPath, client.push("PUT", groupPath, text));
  }

  private void logFailure(String request, AgentClient.Reply r) {
    sent.incrementAndGet();
    if (r.outcome() == AgentClient.Outcome.ACCEPTED || Thread.currentThread().isInterrupted()) {
      return;
    }
    String message =
        request
            + (r.status() > 0
                ? " -> " + r.status() + " " + r.body().strip()
                : " failed: " + r.body());
    long n = failed.incrementAndGet();
    if (n <= 5 || Long.bitCount(n) == 1) {
      options.log().accept("demo: " + message + " (" + n + " failed requests so far)");
    }
  }

  /** When {@code f} strikes, by the wall clock: the demo's start plus the fault's after. */
  public Instant strikesAt(Fault f) {
    return Instant.ofEpochMilli(startMillis).plus(f.after());
  }

  private double elapsedSeconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private boolean active(FaultKind kind, String pipeline, String stage) {
    double elapsed = elapsedSeconds();
    for (Fault f : options.faults()) {
      if (f.kind() == kind
          && (pipeline == null || f.hits(pipeline, stage))
          && elapsed >= f.after().toMillis() / 1000.0) {
        return true;
      }
    }
    return false;
  }

  private static double now() {
    return System.currentTimeMillis() / 1000.0;
  }

  /** Sleeps {@code seconds} of real time; false when the demo stopped meanwhile. */
  private boolean sleep(double seconds) {
    long until = System.nanoTime() + (long) (seconds * 1e9);
    while (!stopped) {
      long left = until - System.nanoTime();
      if (left <= 0) {
        return true;
      }
      try {
        Thread.sleep(Math.min(left / 1_000_000 + 1, 500));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  /** One pipeline's scheduler and its runs; confined to its thread. */
  private final class Runner {
    private final PipelineSpec p;
    private final int index;
    private final double scale;
    private final Random rnd;
    private int run;
    private final Map<String, Double> production = new LinkedHashMap<>();
    private String productionVersion = "v0";
    private final Map<String, Double> candidate = new LinkedHashMap<>();
    private String candidateVersion;

    Runner(PipelineSpec p, int index) {
      this.p = p;
      this.index = index;
      this.scale = Workload.timeScale(p, options.speed());
      this.rnd = new Random(options.seed() * 1_000_003L + index);
      p.metrics().forEach(m -> production.put(m.name(), m.start()));
    }

    void loop() {
      double cadence = p.cadenceSeconds() / scale;
      long next = System.nanoTime() + (long) (index * 0.3e9);
      while (!stopped) {
        if (!sleep((next - System.nanoTime()) / 1e9)) {
          return;
        }
        if (run > 0 && active(FaultKind.MISSED_SCHEDULE, p.name(), null)) {
          if (run == 1 || rnd.nextInt(20) == 0) {
            options.log().accept("demo: " + p.name() + ": scheduled run skipped (missed-schedule)");
          }
        } else {
          runOnce();
        }
        next += (long) (cadence * (1 + 0.02 * (rnd.nextDouble() - 0.5)) * 1e9);
        next = Math.max(next, System.nanoTime());
      }
    }

    private void runOnce() {
      run++;
      String runId = String.format(Locale.ROOT, "%s-r%05d", p.name(), run);
      Outcome outcome = Outcome.SUCCESS;
      String last = "";
      for (StageSpec s : p.stages()) {
        last = s.name();
        outcome = stage(s, runId);
        if (outcome != Outcome.SUCCESS) {
          break;
        }
      }
      if (outcome == Outcome.FAILURE || !p.name().equals("fraud") || run % 20 == 1) {
        options
            .log()
            .accept(
                "demo: "
                    + p.name()
                    + " run "
                    + runId
                    + (outcome == Outcome.FAILURE
                        ? " failed in stage " + last
                        : outcome == Outcome.STOPPED ? " stopped" : " succeeded")
                    + (p.name().equals("fraud") && outcome == Outcome.SUCCESS
                        ? " (fraud runs are logged every 20th)"
                        : ""));
      }
    }

    private String host(StageSpec s) {
      if (!s.gpu()) {
        return Workload.CPU_HOSTS.get(rnd.nextInt(Workload.CPU_HOSTS.size()));
      }
      if (active(FaultKind.GPU_IDLE, p.name(), s.name())) {
        return IDLE_HOST;
      }
      List<String> hosts = new ArrayList<>(Workload.GPU_HOSTS);
      if (active(FaultKind.GPU_IDLE, null, null)) {
        hosts.remove(IDLE_HOST);
      }
      return hosts.get(rnd.nextInt(hosts.size()));
    }

    private Event event(Payload payload, String stage, String host, String runId) {
      return new Event(p.name(), stage, round(now(), 3), host, runId, null, payload);
    }

    private boolean fault(FaultKind kind, String stage) {
      return active(kind, p.name(), stage);
    }

    private Outcome stage(StageSpec s, String runId) {
      String host = host(s);
      double sim = s.meanSeconds() * clamp(1 + 0.08 * rnd.nextGaussian(), 0.75, 1.25);
      if (fault(FaultKind.SLA_BREACH, s.name())) {
        sim = 3 * s.slaSeconds();
      }
      double real = sim / scale;
      boolean failing = fault(FaultKind.STAGE_FAILURE, s.name());
      boolean diverging = s.gpu() && fault(FaultKind.TRAINING_DIVERGED, s.name());
      long t0 = System.nanoTime();
      post(List.of(event(new Payload.StageStarted(), s.name(), host, runId)));
      if (s.gpu()) {
        trainingOn.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
      }
      try {
        if (fault(FaultKind.STAGE_STALLED, s.name())) {
          return hang(s, host, runId, t0);
        }
        int steps =
            s.gpu()
                ? Math.max(p.epochs(), (int) Math.min(60, Math.ceil(sim / 60)))
                : (int) clamp(Math.ceil(sim / 60), 1, 30);
        int failAt = failing ? Math.max(1, (int) Math.round(steps * 0.6)) : Integer.MAX_VALUE;
        int epoch = 0;
        double loss = Double.NaN;
        String error = null;
        for (int i = 1; i <= steps; i++) {
          if (!sleep(real / steps)) {
            finish(s, host, runId, t0, "cancelled", "demo stopped");
            return Outcome.STOPPED;
          }
          List<Event> batch = new ArrayList<>();
          batch.add(
              event(new Payload.Heartbeat(round((double) i / steps, 3)), s.name(), host, runId));
          int e = (int) Math.ceil((double) i * p.epochs() / steps);
          if (s.gpu() && e > epoch) {
            epoch = e;
            loss = loss(epoch, diverging, loss);
            batch.add(training(epoch, loss));
            if (Double.isNaN(loss)) {
              error = "demo fault training-diverged: loss is NaN at epoch " + epoch;
            }
          }
          if (i >= failAt) {
            error = "demo fault stage-failure: RuntimeError: simulated crash in " + s.name();
          }
          post(batch);
          if (error != null) {
            finish(s, host, runId, t0, "failure", error);
            return Outcome.FAILURE;
          }
        }
        post(results(s, host, runId));
        finish(s, host, runId, t0, "success", null, real);
        return Outcome.SUCCESS;
      } finally {
        if (s.gpu()) {
          trainingOn.get(host).decrementAndGet();
        }
      }
    }

    /** stage-stalled: the run stays running; its last heartbeat recedes at the time scale. */
    private Outcome hang(StageSpec s, String host, String runId, long t0) {
      options
          .log()
          .accept(
              "demo: " + p.name() + "/" + s.name() + " run " + runId + " hangs (stage-stalled)");
      double hangStart = now();
      double lastAge = -1;
      while (sleep(1)) {
        double age = (now() - hangStart) * scale;
        if (age - lastAge < 1) {
          continue;
        }
        lastAge = age;
        Event hb = event(new Payload.Heartbeat(0.35), s.name(), host, runId);
        post(List.of(hb.withTime(round(now() - age, 3))));
      }
      finish(s, host, runId, t0, "cancelled", "demo stopped");
      return Outcome.STOPPED;
    }

    private void finish(
        StageSpec s, String host, String runId, long t0, String status, String error) {
      finish(s, host, runId, t0, status, error, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * @param elapsed the duration reported: for a success the planned one (sim / scale), so that
     *     HTTP latency on a busy machine never pushes a healthy short stage over its scaled SLA
     */
    private void finish(
        StageSpec s,
        String host,
        String runId,
        long t0,
        String status,
        String error,
        double elapsed) {
      Payload.Status st = Payload.Status.valueOf(status);
      Payload.StageFinished f =
          new Payload.StageFinished(
              st,
              round(elapsed, 3),
              st == Payload.Status.success ? 0.0 : st == Payload.Status.failure ? 1.0 : 143.0,
              error,
              round(elapsed * (s.gpu() ? 12 : 3) * (0.6 + 0.3 * rnd.nextDouble()), 3),
              (double) Math.round((s.gpu() ? 22e9 : 4e9) * (0.8 + 0.4 * rnd.nextDouble())));
      post(List.of(event(f, s.name(), host, runId)));
    }

    /** Warm-started training: the loss starts at most 1.5x its floor, so it never doubles. */
    private double loss(int epoch, boolean diverging, double previous) {
      int nanEpoch = Math.min(p.epochs(), Math.max(4, (int) Math.ceil(0.6 * p.epochs())));
      if (diverging && epoch >= nanEpoch) {
        return Double.NaN;
      }
      if (diverging && epoch > 2) {
        return previous * 1.8;
      }
      double curve = 1 + 0.5 * Math.exp(-3.0 * epoch / p.epochs());
      return p.finalLoss() * curve * (1 + 0.015 * rnd.nextGaussian());
    }

    private Event training(int epoch, double loss) {
      Map<String, Double> l = new LinkedHashMap<>();
      l.put("train", round(loss, 5));
      l.put("validation", round(loss * (1.06 + 0.01 * rnd.nextDouble()), 5));
      return event(
          new Payload.Training(
              p.model(),
              (double) epoch,
              l,
              round(p.samplesPerSecond() * (1 + 0.04 * rnd.nextGaussian()), 1)),
          null,
          null,
          null);
    }

    /** What a successful stage reports before it finishes. */
    private List<Event> results(StageSpec s, String host, String runId) {
      List<Event> out = new ArrayList<>();
      String stage = s.name();
      double n = Math.round(p.records() * (1 + 0.05 * rnd.nextGaussian()));
      boolean corrupt = fault(FaultKind.CORRUPT_RECORDS, stage);
      if (stage.equals("ingest") || stage.equals("features") || corrupt) {
        boolean first = stage.equals("ingest");
        Payload.Records r =
            new Payload.Records(
                first ? n : Math.round(n * 0.996),
                (double)
                    Math.round(
                        n * (corrupt ? 0.015 : first ? 0.0005 + 0.001 * rnd.nextDouble() : 0)),
                (double) Math.round(n * (corrupt ? 0.03 : first ? 0.0002 * rnd.nextDouble() : 0)),
                (double) Math.round(n * (0.002 + 0.004 * rnd.nextDouble())));
        out.add(event(r, stage, host, runId));
      }
      boolean missing = fault(FaultKind.MISSING_VALUES, stage);
      if (stage.equals("ingest") || missing) {
        double ratio =
            round(
                missing
                    ? Math.min(1, 0.3 + 0.02 * rnd.nextGaussian())
                    : p.maxMissingRatio() * (0.1 + 0.3 * rnd.nextDouble()),
                5);
        double lag = p.cadenceSeconds() * (0.02 + 0.08 * rnd.nextDouble()) / scale;
        out.add(
            event(
                new Payload.DataQuality(p.dataset(), ratio, null, round(now() - lag, 3)),
                stage,
                host,
                runId));
      }
      boolean drift = fault(FaultKind.DRIFT, stage);
      if (stage.equals("features") || drift) {
        for (int i = 0; i < p.features().size(); i++) {
          double ratio =
              drift && i == 0 ? 1.8 + 0.4 * rnd.nextDouble() : 0.1 + 0.35 * rnd.nextDouble();
          Payload.Drift d =
              new Payload.Drift(p.features().get(i), round(p.driftThreshold() * ratio, 4));
          out.add(event(d, stage, host, runId));
        }
      }
      if (stage.equals("evaluate")) {
        evaluate(stage, host, runId, out);
      }
      if (stage.equals("deploy")) {
        deploy(stage, host, runId, out);
      }
      return out;
    }

    private void evaluate(String stage, String host, String runId, List<Event> out) {
      boolean regress = fault(FaultKind.MODEL_REGRESSION, stage);
      candidateVersion = "v" + run;
      for (MetricSpec m : p.metrics()) {
        double prod = production.get(m.name());
        double value;
        if (regress) {
          value = prod + (m.higherIsBetter() ? -4 : 4) * m.tol();
        } else {
          // Mean-reverting towards the target, never worse than 0.4 tolerances.
          double delta = 0.15 * (m.target() - prod) + 0.15 * m.tol() * rnd.nextGaussian();
          value = prod + delta;
          double floor = 0.4 * m.tol();
          value =
              m.higherIsBetter() ? Math.max(value, prod - floor) : Math.min(value, prod + floor);
        }
        candidate.put(m.name(), value);
        out.add(modelMetric(stage, host, runId, m.name(), candidateVersion, value, "candidate"));
        out.add(modelMetric(stage, host, runId, m.name(), productionVersion, prod, "production"));
      }
    }

    private void deploy(String stage, String host, String runId, List<Event> out) {
      if (candidateVersion == null) {
        return;
      }
      boolean better = true;
      for (MetricSpec m : p.metrics()) {
        double c = candidate.get(m.name());
        double prod = production.get(m.name());
        if (m.higherIsBetter() ? c < prod : c > prod) {
          better = false;
        }
      }
      if (!better) {
        return;
      }
      productionVersion = candidateVersion;
      production.putAll(candidate);
      for (MetricSpec m : p.metrics()) {
        out.add(
            modelMetric(
                stage,
                host,
                runId,
                m.name(),
                productionVersion,
                production.get(m.name()),
                "production"));
      }
    }

    private Event modelMetric(
        String stage,
        String host,
        String runId,
        String metric,
        String version,
        double value,
        String role) {
      return event(
          new Payload.ModelMetric(
              p.model(), version, metric, round(value, 5), Payload.Role.valueOf(role)),
          stage,
          host,
          runId);
    }
  }

  /** Simulated dcgm-exporter series for the GPU hosts, labelled simulated="true". */
  private void gpuLoop() {
    Random rnd = new Random(options.seed() * 7919L + 17);
    while (sleep(0)) {
      boolean idleFault = active(FaultKind.GPU_IDLE, null, null);
      for (String host : Workload.GPU_HOSTS) {
        StringBuilder text = new StringBuilder();
        text.append(
                "# HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %). Simulated by mlpipe demo.\n")
            .append("# TYPE DCGM_FI_DEV_GPU_UTIL gauge\n");
        boolean idle = idleFault && host.equals(IDLE_HOST);
        AtomicInteger training = trainingOn.get(host);
        boolean busy = training != null && training.get() > 0;
        for (int gpu = 0; gpu < 2; gpu++) {
          double util =
              idle
                  ? 2 * rnd.nextDouble()
                  : busy ? 82 + 15 * rnd.nextDouble() : 22 + 18 * rnd.nextDouble();
          text.append("DCGM_FI_DEV_GPU_UTIL{gpu=\"")
              .append(gpu)
              .append("\",UUID=\"GPU-")
              .append(UUID.nameUUIDFromBytes((host + "/" + gpu).getBytes(StandardCharsets.UTF_8)))
              .append("\",device=\"nvidia")
              .append(gpu)
              .append("\",modelName=\"NVIDIA A100-SXM4-80GB\",Hostname=\"")
              .append(host)
              .append("\",simulated=\"true\"} ")
              .append(Math.round(util))
              .append('\n');
        }
        push("mlpipe-demo-gpu/instance/" + host, text.toString());
      }
      if (!sleep(2)) {
        return;
      }
    }
  }

  /**
   * auth-failures: pushes with a wrong bearer token, 10 per second, so that the 5-minute rate the
   * rule watches passes its 0.5/s within about 15 s, as a credential-guessing client would.
   */
  private void authLoop() {
    AgentClient wrongToken = client.withToken(WRONG_TOKEN);
    boolean reported = false;
    while (sleep(0.1)) {
      if (!active(FaultKind.AUTH_FAILURES, null, null)) {
        continue;
      }
      // Its refusal is the point: counted as sent, never as failed.
      AgentClient.Reply r =
          wrongToken.push("PUT", "mlpipe-demo-auth", "demo_auth_probe{simulated=\"true\"} 1\n");
      sent.incrementAndGet();
      if (!reported) {
        reported = true;
        options
            .log()
            .accept(
                "demo: auth-failures: a push with a wrong bearer token "
                    + (r.status() > 0 ? "got HTTP " + r.status() : "failed: " + r.body())
                    + (r.outcome() == AgentClient.Outcome.ACCEPTED
                        ? " (the agent has no push tokens, so nothing counts as an auth failure)"
                        : ""));
      }
    }
  }

  private static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  private static double round(double v, int digits) {
    if (!Double.isFinite(v)) {
      return v;
    }
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  /** Stops every thread; stages in progress are reported as cancelled. */
  @Override
  public void close() throws InterruptedException {
    stopped = true;
    for (Thread t : threads) {
      t.join(15_000);
    }
  }
}
