package io.mlpipe.pipeline;

import static io.mlpipe.pipeline.PipelineMetrics.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlpipe.config.PipelineConfig;
import io.mlpipe.config.PipelinesConfig;
import io.mlpipe.config.StageConfig;
import io.mlpipe.store.Family;
import io.mlpipe.store.Group;
import io.mlpipe.store.GroupKey;
import io.mlpipe.store.LabelSet;
import io.mlpipe.store.MetricType;
import io.mlpipe.store.Series;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The derivation into records straight from store groups (PipelineStatusTest goes through the
 * events API), and the records' JSON: the shape {@code GET /api/v1/pipelines} sends.
 */
class PipelineViewTest {

  private static final double NOW = 1_700_000_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Family gauge(String name, Series.Value... series) {
    Map<LabelSet, Series> m = new LinkedHashMap<>();
    for (Series.Value s : series) {
      m.put(s.labels(), s);
    }
    return new Family(name, MetricType.GAUGE, "", m);
  }

  private static Series.Value v(double value, String... labels) {
    return new Series.Value(LabelSet.of(labels), value);
  }

  private static Group group(String source, LabelSet key, Family... families) {
    Map<String, Family> m = new LinkedHashMap<>();
    for (Family f : families) {
      m.put(f.name(), f);
    }
    return new Group(new GroupKey(source, key), m, 0, 0, 0, 0);
  }

  private static PipelinesConfig config() {
    Map<String, StageConfig> stages = new LinkedHashMap<>();
    stages.put("ingest", new StageConfig("ingest", Duration.ofMinutes(10), null));
    stages.put("train", new StageConfig("train", Duration.ofSeconds(30), Duration.ofHours(1)));
    PipelineConfig churn =
        new PipelineConfig(
            "churn", "growth", "ana", stages, Map.of("customers", 0.05), 0.3, Map.of());
    return new PipelinesConfig(false, Map.of("churn", churn));
  }

  /** A stalled ingest with bad records and missing values, drift, a model and a pushed group. */
  private static List<Group> groups() {
    return List.of(
        group(
            GroupKey.EVENTS,
            LabelSet.of("pipeline", "churn", "stage", "ingest"),
            gauge(STAGE_RUNNING, v(1)),
            gauge(STAGE_LAST_START, v(NOW - 500)),
            gauge(STAGE_HEARTBEAT, v(NOW - 400)),
            gauge(STAGE_PROGRESS, v(0.5)),
            gauge(
                STAGE_RECORDS,
                v(98, "outcome", "processed"),
                v(2, "outcome", "invalid"),
                v(0, "outcome", "corrupt")),
            gauge(DATA_MISSING, v(0.08, "dataset", "customers"), v(0.02, "dataset", "orders"))),
        group(
            GroupKey.EVENTS,
            LabelSet.of("pipeline", "churn"),
            gauge(DATA_DRIFT, v(0.25, "feature", "age"), v(0.35, "feature", "income")),
            gauge(
                MODEL_METRIC,
                v(0.9, "model", "xgb", "role", "candidate", "metric", "auc"),
                v(0.8, "model", "xgb", "role", "production", "metric", "auc")),
            gauge(
                MODEL_INFO,
                v(1, "model", "xgb", "role", "production", "version", "v1"),
                v(1, "model", "xgb", "role", "candidate", "version", "v2")),
            gauge(
                MODEL_METRIC_VERSION,
                v(NOW - 10, "model", "xgb", "role", "candidate", "metric", "auc", "version", "v2")),
            gauge(TRAINING_LOSS, v(Double.NaN, "model", "xgb", "split", "validation"))),
        new Group(
            new GroupKey(GroupKey.PUSH, LabelSet.of("job", "trainer", "pipeline", "churn")),
            Map.of("loss", gauge("loss", v(0.3))),
            NOW - 5,
            NOW - 60,
            0,
            0),
        // A run's own group: never a stage of its own.
        group(
            GroupKey.EVENTS,
            LabelSet.of("pipeline", "churn", "stage", "train", "run_id", "r1"),
            gauge(STAGE_RUNNING, v(1))));
  }

  @Test
  void derivesHealthAndProblemsWithTheConfiguredThresholds() {
    Map<String, PipelineView> all = PipelineStatus.all(groups(), config(), NOW);
    PipelineView p = all.get("churn");
    assertThat(p.declared()).isTrue();
    assertThat(p.team()).isEqualTo("growth");
    assertThat(p.status()).isEqualTo(Health.stalled);
    assertThat(p.stages().keySet()).containsExactly("ingest", "train");

    StageView ingest = p.stages().get("ingest");
    assertThat(ingest.status()).isEqualTo(StageView.RunState.running);
    assertThat(ingest.health()).isEqualTo(Health.stalled);
    assertThat(ingest.heartbeatAgeSeconds()).isEqualTo(400.0);
    assertThat(ingest.durationSeconds()).isEqualTo(500.0);
    assertThat(ingest.overSla()).isFalse();
    assertThat(ingest.records()).isEqualTo(new StageView.Records(0.0, null, 2.0, 98.0));
    // customers by the configured 0.05, orders by the default 0.1.
    assertThat(ingest.missingValuesMaxRatio())
        .containsExactly(entry("customers", 0.05), entry("orders", 0.1));
    assertThat(ingest.problems())
        .containsExactly(
            "stalled: no heartbeat for 400 s",
            "2.0 % invalid or corrupt records",
            "8.0 % missing values in customers (max 5.0 %)");

    StageView train = p.stages().get("train");
    assertThat(train.health()).isEqualTo(Health.unknown);
    assertThat(train.slaSeconds()).isEqualTo(30.0);
    assertThat(train.expectedIntervalSeconds()).isEqualTo(3600.0);
    assertThat(train.runs()).isNull();

    assertThat(p.driftThreshold()).isEqualTo(0.3);
    assertThat(p.problems())
        .containsExactly(
            "churn/ingest: stalled: no heartbeat for 400 s",
            "churn/ingest: 2.0 % invalid or corrupt records",
            "churn/ingest: 8.0 % missing values in customers (max 5.0 %)",
            "churn: feature income drifted (0.3500 > 0.3000)",
            "churn: training loss xgb:validation is NaN");
    ModelView xgb = p.models().get("xgb");
    assertThat(xgb.candidate().version()).isEqualTo("v2");
    assertThat(xgb.candidate().metrics().get("auc")).isEqualTo(new ModelView.Metric(0.9, "v2"));
    assertThat(xgb.production().metrics().get("auc")).isEqualTo(new ModelView.Metric(0.8, null));
    assertThat(p.pushed()).hasSize(1);
    assertThat(p.pushed().get(0).failedLast()).isFalse();
  }

  @Test
  void theJsonIsSnakeCaseWithoutNullsAndReadsBackToTheSameRecords() throws Exception {
    PipelineView p = PipelineStatus.all(groups(), config(), NOW).get("churn");
    JsonNode json = JSON.valueToTree(p);
    assertThat(json.path("status").asText()).isEqualTo("stalled");
    assertThat(json.path("drift_threshold").asDouble()).isEqualTo(0.3);
    JsonNode ingest = json.path("stages").path("ingest");
    assertThat(ingest.path("heartbeat_age_seconds").asDouble()).isEqualTo(400.0);
    assertThat(ingest.path("missing_values_max_ratio").path("customers").asDouble())
        .isEqualTo(0.05);
    assertThat(ingest.path("records").toString())
        .isEqualTo("{\"corrupt\":0.0,\"invalid\":2.0,\"processed\":98.0}");
    // Absent values are left out, not null.
    assertThat(ingest.has("last_error")).isFalse();
    assertThat(json.path("stages").path("train").has("runs")).isFalse();
    assertThat(json.path("models").path("xgb").path("production").path("metrics").path("auc"))
        .hasToString("{\"value\":0.8}");
    assertThat(json.path("pushed").path(0).path("grouping_key").toString())
        .isEqualTo("{\"job\":\"trainer\",\"pipeline\":\"churn\"}");
    assertThat(json.path("pushed").path(0).has("failed_last")).isFalse();
    assertThat(JSON.readValue(JSON.writeValueAsString(p), PipelineView.class)).isEqualTo(p);
  }
}
