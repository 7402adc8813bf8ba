package io.mlpipe.pipeline;

import static io.mlpipe.pipeline.PipelineMetrics.*;

import io.mlpipe.config.PipelineConfig;
import io.mlpipe.config.PipelinesConfig;
import io.mlpipe.config.StageConfig;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The thresholds declared in the config, as metrics: {@code mlpipe_pipeline_info}, SLAs, expected
 * intervals, data and model tolerances. One alert rule then serves every pipeline by comparing a
 * measurement with its threshold series. Read from the current config on every scrape, so a reload
 * shows at once.
 */
public final class ConfigMetrics implements Supplier<MetricSnapshots> {

  private final Supplier<PipelinesConfig> config;

  public ConfigMetrics(Supplier<PipelinesConfig> config) {
    this.config = config;
  }

  @Override
  public MetricSnapshots get() {
    PipelinesConfig cfg = config.get();
    Builder info =
        new Builder(PIPELINE_INFO, "Declared pipelines with their team and owner (value 1).");
    Builder sla = new Builder(STAGE_SLA, "Longest a run of the stage may take (config).");
    Builder interval =
        new Builder(
            STAGE_EXPECTED_INTERVAL,
            "A success of the stage is expected at least this often (config).");
    Builder missing =
        new Builder(
            DATA_MISSING_MAX, "Highest acceptable missing-values ratio of a dataset (config).");
    Builder drift =
        new Builder(
            DATA_DRIFT_THRESHOLD, "Drift score above which a feature has drifted (config).");
    Builder tolerance =
        new Builder(
            MODEL_METRIC_TOLERANCE,
            "Regression of a model metric allowed from production to candidate (config).");
    for (PipelineConfig p : cfg.declared().values()) {
      info.add(1, "pipeline", p.name(), "team", p.team(), "owner", p.owner());
      for (StageConfig s : p.stages().values()) {
        if (s.sla() != null) {
          sla.add(s.sla().toMillis() / 1000.0, "pipeline", p.name(), "stage", s.name());
        }
        if (s.expectedInterval() != null) {
          interval.add(
              s.expectedInterval().toMillis() / 1000.0, "pipeline", p.name(), "stage", s.name());
        }
      }
      p.missingValuesMaxRatio()
          .forEach((ds, v) -> missing.add(v, "pipeline", p.name(), "dataset", ds));
      if (p.driftThreshold() != null) {
        drift.add(p.driftThreshold(), "pipeline", p.name());
      }
      p.modelMetricTolerance()
          .forEach((m, v) -> tolerance.add(v, "pipeline", p.name(), "metric", m));
    }
    List<MetricSnapshot> out = new ArrayList<>();
    for (Builder b : List.of(info, sla, interval, missing, drift, tolerance)) {
      out.add(b.build());
    }
    return new MetricSnapshots(out);
  }

  private static final class Builder {
    private final GaugeSnapshot.Builder b;

    Builder(String name, String help) {
      b = GaugeSnapshot.builder().name(name).help(help);
    }

    void add(double value, String... labels) {
      b.dataPoint(
          GaugeSnapshot.GaugeDataPointSnapshot.builder()
              .labels(Labels.of(labels))
              .value(value)
              .build());
    }

    MetricSnapshot build() {
      return b.build();
    }
  }
}
