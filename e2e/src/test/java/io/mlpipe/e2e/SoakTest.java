package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.testing.AgentProcess;
import io.mlpipe.testing.Http;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded soak of the packaged agent: pushes, event batches and scrapes from localhost for {@code
 * -Dmlpipe.soak.seconds} (45 by default; {@code scripts/bench/soak.sh} runs it longer), while an
 * attacker pushes ever-new label values. Legitimate traffic must see no error, stable latency and
 * flat heap and RSS; the attack must be refused at the limits (413 per group, 429 agent-wide)
 * without disturbing the others.
 */
class SoakTest {

  private static final Pattern HEAP =
      Pattern.compile("^jvm_memory_used_bytes\\{area=\"heap\"} (\\S+)$", Pattern.MULTILINE);

  private static final Pattern HEAP_COMMITTED =
      Pattern.compile("^jvm_memory_committed_bytes\\{area=\"heap\"} (\\S+)$", Pattern.MULTILINE);

  @TempDir Path dir;

  private record Window(
      long rssKb, double heapBytes, double heapCommittedBytes, double p99Millis, long requests) {

    /** RSS less the Java heap's committed size: what grows when native memory leaks. */
    double nonHeapKb() {
      return rssKb - heapCommittedBytes / 1024;
    }
  }

  @Test
  void mixedLoadStaysHealthyWhileACardinalityAttackIsRefused() throws Exception {
    int seconds = Integer.getInteger("mlpipe.soak.seconds", 45);
    Path config = dir.resolve("mlpipe.yml");
    Files.writeString(
        config,
        """
        limits:
          max_series_per_group: 500
          max_series_total: 20000
        """);
    try (AgentProcess agent =
        AgentProcess.start(
            dir.resolve("agent"),
            "--config.file=" + config,
            "--storage.path=" + dir.resolve("data"),
            "--storage.fsync=batch")) {
      String url = agent.url();
      long pid = agent.process().pid();
      // warm up: every legitimate group and series exists before the attack starts
      for (int g = 0; g < 50; g++) {
        assertThat(push(url, "soak-" + g, 20, 0)).isEqualTo(200);
      }
      assertThat(events(url, 0)).isEqualTo(202);

      AtomicBoolean stop = new AtomicBoolean();
      ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
      Map<Integer, AtomicLong> attackStatus = new ConcurrentHashMap<>();
      List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
      AtomicLong legit = new AtomicLong();
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        int worker = w;
        threads.add(
            loop(
                stop,
                i -> {
                  long t0 = System.nanoTime();
                  int s = push(url, "soak-" + ((i * 2 + worker) % 50), 20, i);
                  latencies.add(System.nanoTime() - t0);
                  legit.incrementAndGet();
                  if (s != 200) {
                    errors.add("push " + s);
                  }
                }));
      }
      threads.add(
          loop(
              stop,
              i -> {
                long t0 = System.nanoTime();
                int s = events(url, i);
                latencies.add(System.nanoTime() - t0);
                legit.incrementAndGet();
                if (s != 202) {
                  errors.add("events " + s);
                }
              }));
      threads.add(
          loop(
              stop,
              i -> {
                long t0 = System.nanoTime();
                Http.Response r = Http.get(url + "/metrics");
                latencies.add(System.nanoTime() - t0);
                legit.incrementAndGet();
                if (r.status() != 200) {
                  errors.add("scrape " + r.status());
                }
                sleep(100);
              }));
      AtomicLong attackGroup = new AtomicLong();
      threads.add(
          loop(
              stop,
              i -> {
                // ever-new label values: first one group too big for max_series_per_group,
                // then ever-new groups until max_series_total
                boolean oneGroup = i <= 20;
                String job = "attack-" + (oneGroup ? 0 : attackGroup.incrementAndGet());
                StringBuilder b = new StringBuilder();
                for (int k = 0; k < (oneGroup ? 600 : 100); k++) {
                  b.append("evil{user_id=\"").append(i).append('-').append(k).append("\"} 1\n");
                }
                int s =
                    Http.send(
                            "PUT",
                            url + "/metrics/job/" + job,
                            Map.of(),
                            b.toString().getBytes(StandardCharsets.UTF_8))
                        .status();
                attackStatus.computeIfAbsent(s, k -> new AtomicLong()).incrementAndGet();
                sleep(20);
              }));

      List<Window> windows = new ArrayList<>();
      long end = System.currentTimeMillis() + seconds * 1000L;
      while (System.currentTimeMillis() < end) {
        Thread.sleep(Math.min(5000, Math.max(1, end - System.currentTimeMillis())));
        long[] lat = drain(latencies);
        String metrics = Http.get(url + "/metrics").body();
        windows.add(
            new Window(
                rssKb(pid),
                value(HEAP, metrics),
                value(HEAP_COMMITTED, metrics),
                lat.length == 0 ? 0 : percentile(lat, 0.99),
                lat.length));
      }
      stop.set(true);
      for (Thread t : threads) {
        t.join(30_000);
      }
      windows.forEach(w -> System.out.println("soak window: " + w));
      System.out.printf(
          "soak: %d s, %d legitimate requests, attack statuses %s, RSS %d kB -> %d kB%n",
          seconds,
          legit.get(),
          attackStatus,
          windows.get(windows.size() / 3).rssKb(),
          windows.get(windows.size() - 1).rssKb());

      assertThat(errors).as("errors seen by legitimate clients").isEmpty();
      assertThat(attackStatus.keySet()).as("the attack hit both limits").contains(413, 429);
      assertThat(attackStatus.getOrDefault(200, new AtomicLong()).get()).isLessThan(250);
      // latency stable: the last windows' p99 not far above the early ones'
      Window early = windows.get(1);
      Window late = windows.get(windows.size() - 1);
      assertThat(late.p99Millis()).isLessThan(Math.max(3 * early.p99Millis(), 100));
      // memory flat once the attack has filled the store (the first third): what RSS holds besides
      // the Java heap grows < 25%. The heap's committed size is left out: G1 grows it towards -Xmx
      // when the allocation rate rises, whenever in the run that happens (one run went from 177 to
      // 274 MB RSS in one window with 47 MB of heap in use); the heap itself is checked below.
      Window settled = windows.get(windows.size() / 3);
      assertThat(late.nonHeapKb()).isLessThan(settled.nonHeapKb() * 1.25);
      double heapPeakEarly =
          windows.subList(0, 2).stream().mapToDouble(Window::heapBytes).max().orElse(0);
      assertThat(late.heapBytes()).isLessThan(Math.max(2 * heapPeakEarly, 200e6));
      // the agent is still healthy and readable
      assertThat(Http.get(url + "/metrics").body()).contains("job=\"soak-49\"");
    }
  }

  private interface Step {
    void run(long i);
  }

  private static Thread loop(AtomicBoolean stop, Step step) {
    Thread t =
        new Thread(
            () -> {
              for (long i = 1; !stop.get(); i++) {
                step.run(i);
              }
            },
            "soak");
    t.start();
    return t;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int push(String url, String job, int series, long value) {
    StringBuilder b = new StringBuilder("# TYPE soak_value gauge\n");
    for (int i = 0; i < series; i++) {
      b.append("soak_value{i=\"").append(i).append("\"} ").append(value).append('\n');
    }
    return Http.send(
            "PUT",
            url + "/metrics/job/" + job,
            Map.of(),
            b.toString().getBytes(StandardCharsets.UTF_8))
        .status();
  }

  private static int events(String url, long i) {
    String body =
        ("[{\"type\":\"records\",\"pipeline\":\"soak\",\"stage\":\"ingest\",\"processed\":%d},"
                + "{\"type\":\"heartbeat\",\"pipeline\":\"soak\",\"stage\":\"train\",\"progress\":0.5},"
                + "{\"type\":\"stage_finished\",\"pipeline\":\"soak\",\"stage\":\"train\",\"status\":\"success\",\"duration_seconds\":%d}]")
            .formatted(i % 100, i % 60);
    return Http.post(url + "/api/v1/events", "application/json", body).status();
  }

  private static long[] drain(ConcurrentLinkedQueue<Long> q) {
    List<Long> out = new ArrayList<>();
    Long v;
    while ((v = q.poll()) != null) {
      out.add(v);
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  private static double percentile(long[] nanos, double p) {
    Arrays.sort(nanos);
    return nanos[Math.min(nanos.length - 1, (int) Math.ceil(p * nanos.length) - 1)] / 1e6;
  }

  private static long rssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
    } catch (Exception e) {
      return -1;
    }
    return -1;
  }

  private static double value(Pattern family, String metrics) {
    Matcher m = family.matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }
}
