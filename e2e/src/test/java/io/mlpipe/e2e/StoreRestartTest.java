package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.testing.AgentProcess;
import io.mlpipe.testing.Http;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The packaged agent stopped (SIGTERM) or killed (SIGKILL) and restarted on the same storage. */
class StoreRestartTest {

  private static final int CLIENTS = 4;
  private static final int PUSHES_PER_CLIENT = 300;
  private static final int GROUPS_PER_CLIENT = 50;

  @TempDir Path dir;

  private static int put(String base, String path, String body) {
    return Http.send(
            "PUT",
            base + path,
            Map.of("Content-Type", "text/plain; version=0.0.4"),
            body.getBytes(StandardCharsets.UTF_8))
        .status();
  }

  private static List<String> pushTimes(String base) {
    return Http.get(base + "/metrics")
        .body()
        .lines()
        .filter(l -> l.startsWith("push_time_seconds{"))
        .sorted()
        .toList();
  }

  @Test
  void cleanStopKeepsEveryGroup() throws Exception {
    Path agentDir = dir.resolve("agent");
    ExposedSeries before;
    List<String> pushTimesBefore;
    try (AgentProcess agent = AgentProcess.start(agentDir)) {
      assertThat(
              put(
                  agent.url(),
                  "/metrics/job/train/instance/gpu1",
                  "# TYPE steps_total counter\nsteps_total 1234\n# TYPE loss gauge\nloss 0.5\n"))
          .isEqualTo(200);
      assertThat(
              put(
                  agent.url(),
                  "/metrics/job@base64/YS9i",
                  "# TYPE lat histogram\nlat_bucket{le=\"1\"} 2\nlat_bucket{le=\"+Inf\"} 3\n"
                      + "lat_sum 4\nlat_count 3\n"
                      + "# TYPE q summary\nq{quantile=\"0.5\"} 1\nq_sum 2\nq_count 3\n"))
          .isEqualTo(200);
      assertThat(put(agent.url(), "/metrics/job/empty", "")).isEqualTo(200);
      assertThat(put(agent.url(), "/metrics/job/failed", "d 1\nd 2\n")).isEqualTo(400);
      before = ExposedSeries.scrape(agent.url());
      pushTimesBefore = pushTimes(agent.url());

      agent.process().signal("TERM");
      assertThat(agent.process().waitFor(30)).isIn(0, 143);
    }
    try (AgentProcess agent = AgentProcess.start(agentDir)) {
      ExposedSeries after = ExposedSeries.scrape(agent.url());
      assertThat(after.series()).isEqualTo(before.series());
      assertThat(after.types()).isEqualTo(before.types());
      assertThat(after.series())
          .containsEntry("steps_total{instance=\"gpu1\",job=\"train\"}", "1234.0")
          .containsEntry("push_failure_time_seconds{instance=\"\",job=\"failed\"}", "set");
      assertThat(pushTimes(agent.url())).isEqualTo(pushTimesBefore);
      assertThat(agent.process().log()).contains("store recovered from");
    }
  }

  /**
   * Four clients push a burst to distinct groups; the agent is SIGKILLed right after an
   * acknowledgement, with other pushes still in flight. After the restart every group shows at
   * least its last acknowledged value (a push in flight at the kill may or may not have made it).
   */
  @ParameterizedTest(name = "--storage.fsync={0}")
  @ValueSource(strings = {"always", "batch"})
  void everyAcknowledgedPushSurvivesSigkill(String fsync) throws Exception {
    Path agentDir = dir.resolve("agent-" + fsync);
    Map<String, Integer> acked = new ConcurrentHashMap<>();
    Map<String, Integer> sent = new ConcurrentHashMap<>();
    AtomicInteger ackCount = new AtomicInteger();
    int killAfter = CLIENTS * PUSHES_PER_CLIENT * 3 / 4;
    CountDownLatch killNow = new CountDownLatch(1);
    AgentProcess agent = AgentProcess.start(agentDir, "--storage.fsync=" + fsync);
    String base = agent.url();
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    try {
      List<Future<?>> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        clients.add(
            pool.submit(
                () -> {
                  for (int seq = 1; seq <= PUSHES_PER_CLIENT; seq++) {
                    String group =
                        "/metrics/job/burst/client/c"
                            + client
                            + "/slot/s"
                            + seq % GROUPS_PER_CLIENT;
                    sent.put(group, seq);
                    int status;
                    try {
                      status = put(base, group, "burst_seq " + seq + "\n");
                    } catch (RuntimeException e) {
                      return; // the agent was killed under this request
                    }
                    if (status / 100 == 2) {
                      acked.put(group, seq);
                      if (ackCount.incrementAndGet() == killAfter) {
                        killNow.countDown();
                      }
                    }
                  }
                }));
      }
      assertThat(killNow.await(50, TimeUnit.SECONDS)).as("enough pushes acknowledged").isTrue();
      agent.process().kill();
      for (Future<?> f : clients) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
      agent.close();
    }
    assertThat(acked).hasSizeGreaterThan(CLIENTS * GROUPS_PER_CLIENT / 2);

    try (AgentProcess restarted = AgentProcess.start(agentDir, "--storage.fsync=" + fsync)) {
      Map<String, Double> exposed =
          Http.get(restarted.url() + "/metrics")
              .body()
              .lines()
              .filter(l -> l.startsWith("burst_seq{"))
              .collect(
                  Collectors.toMap(
                      l -> l.substring(0, l.indexOf('}') + 1),
                      l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))));
      List<String> lost = new ArrayList<>();
      acked.forEach(
          (group, seq) -> {
            String[] p = group.split("/");
            String series =
                "burst_seq{client=\""
                    + p[5]
                    + "\",instance=\"\",job=\"burst\",slot=\""
                    + p[7]
                    + "\"}";
            Double v = exposed.get(series);
            if (v == null || v < seq || v > sent.get(group)) {
              lost.add(
                  group
                      + ": acknowledged "
                      + seq
                      + ", sent up to "
                      + sent.get(group)
                      + ", exposed "
                      + v);
            }
          });
      assertThat(lost).as("acknowledged pushes lost by SIGKILL").isEmpty();
    }
  }
}
