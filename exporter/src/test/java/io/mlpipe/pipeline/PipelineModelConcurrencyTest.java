package io.mlpipe.pipeline;

import static io.mlpipe.pipeline.PipelineMetrics.MODEL_INFO;
import static io.mlpipe.pipeline.PipelineMetrics.RUN_INFO;
import static io.mlpipe.pipeline.PipelineMetrics.STAGE_DURATION;
import static io.mlpipe.pipeline.PipelineMetrics.STAGE_LAST_DURATION;
import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.config.LimitsConfig;
import io.mlpipe.config.PipelinesConfig;
import io.mlpipe.event.Event;
import io.mlpipe.event.Payload;
import io.mlpipe.store.DurableStore;
import io.mlpipe.store.Family;
import io.mlpipe.store.FsyncMode;
import io.mlpipe.store.Group;
import io.mlpipe.store.LabelSet;
import io.mlpipe.store.Mutation;
import io.mlpipe.store.Series;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decisions that depend on stored state (which model versions leave a role, how long a run took,
 * whether a run is known) are taken by the store's single writer in WAL order, so concurrent events
 * give the result of some serial order.
 */
class PipelineModelConcurrencyTest {

  @TempDir Path dir;
  private DurableStore store;
  private PipelineModel model;
  private ExecutorService pool;

  @BeforeEach
  void open() throws Exception {
    store =
        DurableStore.open(
            new DurableStore.Options(dir, FsyncMode.batch, LimitsConfig::defaults),
            new PrometheusRegistry());
    model = new PipelineModel(PipelinesConfig::defaults);
    pool = Executors.newFixedThreadPool(40);
  }

  @AfterEach
  void close() throws Exception {
    pool.shutdownNow();
    store.close();
  }

  /** Groups are stamped with the wall clock, so the TTL expiry does not take them mid-test. */
  private static long now() {
    return System.currentTimeMillis();
  }

  private static Event event(Payload payload, String stage, double t, String runId) {
    return new Event("churn", stage, t, "host-1", runId, null, payload);
  }

  private static Event promotion(String version) {
    return event(
        new Payload.ModelMetric("m", version, "auc", 0.9, Payload.Role.production),
        null,
        1000,
        null);
  }

  /** Runs {@code tasks} from many threads at once and waits for them all. */
  private void concurrently(List<List<Event>> requests) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (List<Event> events : requests) {
      done.add(
          pool.submit(
              () -> {
                go.await();
                for (Event e : events) {
                  store.write(model.mutations(List.of(e), System.currentTimeMillis()));
                }
                return null;
              }));
    }
    go.countDown();
    for (Future<?> f : done) {
      f.get();
    }
  }

  private Family family(String name, LabelSet groupLabels) {
    for (Group g : store.groups()) {
      if (g.key().labels().equals(groupLabels) && g.families().containsKey(name)) {
        return g.families().get(name);
      }
    }
    return null;
  }

  @Test
  void concurrentPromotionsLeaveExactlyOneVersionPerRole() throws Exception {
    for (int round = 0; round < 5; round++) {
      List<List<Event>> requests = new ArrayList<>();
      for (int v = 0; v < 40; v++) {
        requests.add(List.of(promotion("r" + round + "-v" + v)));
      }
      concurrently(requests);
      Family info = family(MODEL_INFO, LabelSet.of("pipeline", "churn"));
      assertThat(
              info.series().keySet().stream()
                  .filter(l -> "production".equals(l.get("role")))
                  .map(l -> l.get("version")))
          .as("versions in production after round %d", round)
          .hasSize(1);
    }
  }

  @Test
  void aFinishDecidedBeforeItsStartWasStoredStillGetsItsDuration() throws Exception {
    // The request thread of the finish translated its event while the start was still queued:
    // the store, which applies both in order, must find the start.
    List<Mutation> finish =
        model.mutations(
            List.of(
                event(
                    Payload.StageFinished.of(Payload.Status.success, null),
                    "train",
                    1060,
                    "run-1")),
            now());
    store.write(
        model.mutations(List.of(event(new Payload.StageStarted(), "train", 1000, "run-1")), now()));
    store.write(finish);
    LabelSet stage = LabelSet.of("pipeline", "churn", "stage", "train");
    Series.Histogram h = (Series.Histogram) family(STAGE_DURATION, stage).series().get(stage);
    assertThat(h.count()).isEqualTo(1);
    assertThat(h.sum()).isEqualTo(60);
    assertThat(((Series.Value) family(STAGE_LAST_DURATION, stage).series().get(stage)).value())
        .isEqualTo(60);
  }

  @Test
  void aFinishWithoutAStoredStartKeepsItsOwnHostAndARunKeepsTheHostItStartedOn() throws Exception {
    store.write(
        model.mutations(
            List.of(
                new Event(
                    "churn",
                    "train",
                    10.0,
                    "late-host",
                    "run-x",
                    null,
                    Payload.StageFinished.of(Payload.Status.failure, null))),
            now()));
    List<Mutation> finish =
        model.mutations(
            List.of(
                new Event(
                    "churn",
                    "train",
                    20.0,
                    "other-host",
                    "run-y",
                    null,
                    Payload.StageFinished.of(Payload.Status.success, null))),
            now());
    store.write(
        model.mutations(
            List.of(
                new Event(
                    "churn",
                    "train",
                    10.0,
                    "start-host",
                    "run-y",
                    null,
                    new Payload.StageStarted())),
            now()));
    store.write(finish);
    Family x =
        family(RUN_INFO, LabelSet.of("pipeline", "churn", "stage", "train", "run_id", "run-x"));
    assertThat(x.series().keySet()).extracting(l -> l.get("host")).containsExactly("late-host");
    Family y =
        family(RUN_INFO, LabelSet.of("pipeline", "churn", "stage", "train", "run_id", "run-y"));
    assertThat(y.series().keySet()).extracting(l -> l.get("host")).containsExactly("start-host");
  }

  @Test
  void concurrentRunsEachGetTheirDurationAndPromotionsStaySingle() throws Exception {
    List<List<Event>> requests = new ArrayList<>();
    int runs = 30;
    for (int i = 0; i < runs; i++) {
      String run = "run-" + i;
      requests.add(
          List.of(
              event(new Payload.StageStarted(), "train", 1000 + i, run),
              event(
                  Payload.StageFinished.of(Payload.Status.success, null),
                  "train",
                  1000 + 2 * i + 5,
                  run)));
      requests.add(List.of(promotion("v" + i)));
    }
    concurrently(requests);
    LabelSet stage = LabelSet.of("pipeline", "churn", "stage", "train");
    Series.Histogram h = (Series.Histogram) family(STAGE_DURATION, stage).series().get(stage);
    assertThat(h.count()).isEqualTo(runs);
    // Each run lasted i + 5 seconds: 5 + 6 + ... + 34.
    assertThat(h.sum()).isEqualTo(runs * 5 + runs * (runs - 1) / 2.0);
    Family info = family(MODEL_INFO, LabelSet.of("pipeline", "churn"));
    assertThat(info.series()).hasSize(1);
  }
}
