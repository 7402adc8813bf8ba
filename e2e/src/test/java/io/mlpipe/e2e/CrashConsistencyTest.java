package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.testing.AgentProcess;
import io.mlpipe.testing.Http;
import io.mlpipe.testing.Wait;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash consistency: concurrent clients push (Pushgateway API) and post event batches to the
 * packaged agent with {@code --storage.fsync=always} while it is SIGKILLed at a random moment, over
 * several rounds. After every restart each write that got a 2xx must be there with its value, and
 * no write that failed may be half-applied: an events batch bumps two counters, both or neither.
 */
class CrashConsistencyTest {

  private static final int ROUNDS = 5;
  private static final int PUSHERS = 3;
  private static final int POSTERS = 2;
  private static final Pattern PUSHED =
      Pattern.compile("^crash_value\\{[^}]*client=\"(\\d+)\"[^}]*seq=\"(\\d+)\"[^}]*} (\\S+)$");
  private static final Pattern RECORDS =
      Pattern.compile(
          "^mlpipe_stage_records_total\\{outcome=\"processed\",pipeline=\"crash-(\\d+)\",stage=\"([ab])\"} (\\S+)$");

  @TempDir Path dir;

  /** Everything acknowledged so far (client -> seqs), and the events bookkeeping per poster. */
  private final Map<Integer, Set<Long>> ackedPushes = new ConcurrentHashMap<>();

  private final long[] ackedBatches = new long[POSTERS];
  private final long[] attemptedBatches = new long[POSTERS];

  @Test
  void everyAcknowledgedWriteSurvivesSigkillAndNoFailedWriteIsHalfApplied() throws Exception {
    Random random = new Random(42);
    long checkedPushes = 0;
    for (int round = 0; round < ROUNDS; round++) {
      AgentProcess agent =
          AgentProcess.start(
              dir.resolve("agent"),
              "--storage.path=" + dir.resolve("data"),
              "--storage.fsync=always",
              "--no-collector.filesystem",
              "--no-collector.gpu");
      checkedPushes = verify(agent.url());
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> clients = new ArrayList<>();
      AtomicLong seqs = new AtomicLong(round * 1_000_000L);
      AtomicLong ackedThisRound = new AtomicLong();
      for (int c = 0; c < PUSHERS; c++) {
        int client = c;
        clients.add(
            started(
                () -> {
                  while (!stop.get()) {
                    long seq = seqs.incrementAndGet();
                    String body = "crash_value " + seq + "\n";
                    try {
                      Http.Response r =
                          Http.send(
                              "PUT",
                              agent.url() + "/metrics/job/crash/client/" + client + "/seq/" + seq,
                              Map.of(),
                              body.getBytes(StandardCharsets.UTF_8));
                      if (r.status() == 200) {
                        ackedPushes
                            .computeIfAbsent(client, k -> ConcurrentHashMap.newKeySet())
                            .add(seq);
                        ackedThisRound.incrementAndGet();
                      }
                    } catch (RuntimeException e) {
                      return; // killed
                    }
                  }
                }));
      }
      for (int p = 0; p < POSTERS; p++) {
        int poster = p;
        clients.add(
            started(
                () -> {
                  while (!stop.get()) {
                    String batch =
                        ("[{\"type\":\"records\",\"pipeline\":\"crash-%d\",\"stage\":\"a\",\"processed\":1},"
                                + "{\"type\":\"records\",\"pipeline\":\"crash-%d\",\"stage\":\"b\",\"processed\":1}]")
                            .formatted(poster, poster);
                    synchronized (ackedBatches) {
                      attemptedBatches[poster]++;
                    }
                    try {
                      Http.Response r =
                          Http.post(agent.url() + "/api/v1/events", "application/json", batch);
                      if (r.status() == 202) {
                        synchronized (ackedBatches) {
                          ackedBatches[poster]++;
                        }
                        ackedThisRound.incrementAndGet();
                      }
                    } catch (RuntimeException e) {
                      return; // killed
                    }
                  }
                }));
      }
      // A random amount of acknowledged work rather than a random time, so that a loaded machine
      // still kills mid-stream with writes behind it (a time window acknowledged none under load).
      long target = 20 + random.nextInt(200);
      Wait.until(
          "round " + round + ": " + target + " acknowledged writes",
          Duration.ofSeconds(60),
          () -> ackedThisRound.get() >= target);
      agent.process().kill(); // SIGKILL while writes are in flight
      stop.set(true);
      for (Thread t : clients) {
        t.join(30_000);
      }
    }
    AgentProcess last =
        AgentProcess.start(
            dir.resolve("agent"),
            "--storage.path=" + dir.resolve("data"),
            "--no-collector.filesystem",
            "--no-collector.gpu");
    try {
      checkedPushes = verify(last.url());
    } finally {
      last.close();
    }
    System.out.printf(
        "crash consistency: %d rounds, %d acknowledged pushes and %d acknowledged event batches checked%n",
        ROUNDS, checkedPushes, ackedBatches[0] + ackedBatches[1]);
    assertThat(checkedPushes).isGreaterThan(ROUNDS * 10L);
  }

  private static Thread started(Runnable r) {
    Thread t = new Thread(r, "crash-client");
    t.start();
    return t;
  }

  /** Checks the recovered state against what was acknowledged; returns the pushes checked. */
  private long verify(String url) {
    String metrics = Http.get(url + "/metrics").body();
    Map<Integer, Map<Long, Double>> pushed = new HashMap<>();
    Map<String, Double> records = new HashMap<>();
    for (String line : metrics.split("\n")) {
      Matcher m = PUSHED.matcher(line);
      if (m.matches()) {
        pushed
            .computeIfAbsent(Integer.parseInt(m.group(1)), k -> new HashMap<>())
            .put(Long.parseLong(m.group(2)), Double.parseDouble(m.group(3)));
      }
      Matcher r = RECORDS.matcher(line);
      if (r.matches()) {
        records.put(r.group(1) + r.group(2), Double.parseDouble(r.group(3)));
      }
    }
    long checked = 0;
    for (Map.Entry<Integer, Set<Long>> e : ackedPushes.entrySet()) {
      Map<Long, Double> present = pushed.getOrDefault(e.getKey(), Map.of());
      for (long seq : e.getValue()) {
        assertThat(present.get(seq))
            .as("acknowledged push client=%d seq=%d", e.getKey(), seq)
            .isEqualTo((double) seq);
        checked++;
      }
    }
    // every pushed value is the one its path says: nothing torn or mixed up
    pushed.forEach(
        (client, values) ->
            values.forEach((seq, v) -> assertThat(v).as("seq %d", seq).isEqualTo((double) seq)));
    synchronized (ackedBatches) {
      for (int p = 0; p < POSTERS; p++) {
        double a = records.getOrDefault(p + "a", 0.0);
        double b = records.getOrDefault(p + "b", 0.0);
        assertThat(a)
            .as("batches of poster %d applied to both counters or neither", p)
            .isEqualTo(b);
        assertThat(a)
            .as("acknowledged batches of poster %d present", p)
            .isGreaterThanOrEqualTo(ackedBatches[p]);
        assertThat(a)
            .as("no batch of poster %d applied twice", p)
            .isLessThanOrEqualTo(attemptedBatches[p]);
      }
    }
    return checked;
  }
}
