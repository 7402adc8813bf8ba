// Data (mlpipe-data): data quality across pipelines for the people who own the data: missing
// values, corrupt records, schema violations, freshness and drift, each against its threshold.
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import { RULE, THRESHOLD_LINE, UID, UNIT, finish, increase, newDashboard, panel, queryVariable, rate, row, sel, thresholds } from './common.js';
import { series } from './helpers.js';

const P = 'pipeline=~"$pipeline"';
const DS = `${P}, dataset=~"$dataset"`;
const F = `${P}, feature=~"$feature"`;

const all = { multi: true, includeAll: true, allValue: '.*' };
const PIPELINE = queryVariable('pipeline', 'label_values(mlpipe_stage_last_start_timestamp_seconds{cluster=~"$cluster"}, pipeline)', {
  label: 'Pipeline',
  description: 'Pipelines with at least one stage run.',
  ...all,
});
const DATASET = queryVariable('dataset', 'label_values(mlpipe_data_newest_record_timestamp_seconds{cluster=~"$cluster", pipeline=~"$pipeline"}, dataset)', {
  label: 'Dataset',
  description: 'Datasets the pipelines report quality for.',
  ...all,
});
const FEATURE = queryVariable('feature', 'label_values(mlpipe_data_drift_score{cluster=~"$cluster", pipeline=~"$pipeline"}, feature)', {
  label: 'Feature',
  description: 'Features with a drift score.',
  ...all,
});

export function data(): dashboard.Dashboard {
  const d = newDashboard({
    uid: UID.data,
    title: 'mlpipe / Data',
    description: 'Data quality across pipelines: missing values, corrupt records, schema violations, freshness and drift against their thresholds.',
    variables: [PIPELINE, DATASET, FEATURE],
  })
    .withRow(
      row('Completeness and integrity')
        .withPanel(
          series({
            title: 'Missing values per dataset',
            description: 'Share of missing values per dataset (mlpipe_data_missing_values_ratio) against its threshold (pipeline_dataset:mlpipe_data_missing_values_max_ratio:effective, dashed); MlpipeDataMissingValuesHigh fires above it.',
            unit: UNIT.ratio,
            queries: [
              { expr: `max by (pipeline, dataset) (${sel('mlpipe_data_missing_values_ratio', DS)})`, legend: '{{pipeline}} / {{dataset}}' },
              { expr: `max by (pipeline, dataset) (${sel(RULE.missingValuesMax, DS)})`, legend: '{{pipeline}} / {{dataset}} threshold' },
            ],
          }).overrideByRegexp('.* threshold', THRESHOLD_LINE),
        )
        .withPanel(
          series({
            title: 'Invalid and corrupt records',
            description: 'Share of records that were invalid or corrupt per pipeline and stage (mlpipe_stage_records_total; dropped records are filtered on purpose and not counted). MlpipeDataCorruptRecordsHigh fires over 1 % in an hour.',
            unit: UNIT.ratio,
            queries: [
              {
                expr: `sum by (pipeline, stage) (${rate(sel('mlpipe_stage_records_total', P, 'outcome=~"invalid|corrupt"'))}) / sum by (pipeline, stage) (${rate(sel('mlpipe_stage_records_total', P))})`,
                legend: '{{pipeline}} / {{stage}}',
              },
            ],
          }).thresholds(thresholds(0.01)).thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed)),
        )
        .withPanel(
          series({
            title: 'Schema violations',
            description: 'Records that failed a schema check, per dataset and check, in each interval (mlpipe_data_schema_violations_total). Any violation fires MlpipeDataSchemaViolations.',
            unit: UNIT.count,
            queries: [
              { expr: `sum by (pipeline, dataset, check) (${increase(sel('mlpipe_data_schema_violations_total', DS))})`, legend: '{{pipeline}} / {{dataset}} {{check}}' },
            ],
          }),
        )
        .withPanel(
          series({
            title: 'Freshness',
            description: 'Age of the newest record per dataset (mlpipe_data_newest_record_timestamp_seconds) against the maximum age (pipeline_dataset:mlpipe_data_max_age_seconds:effective, dashed: twice the pipeline\'s shortest expected interval); MlpipeDataStale fires above it.',
            unit: UNIT.seconds,
            queries: [
              { expr: `time() - max by (pipeline, dataset) (${sel('mlpipe_data_newest_record_timestamp_seconds', DS)})`, legend: '{{pipeline}} / {{dataset}}' },
              { expr: `max by (pipeline, dataset) (${sel(RULE.dataMaxAge, DS)})`, legend: '{{pipeline}} / {{dataset}} max age' },
            ],
          }).overrideByRegexp('.* max age', THRESHOLD_LINE),
        ),
    )
    .withRow(
      row('Drift')
        .withPanel(
          panel(new heatmap.PanelBuilder(), {
            title: 'Drift per feature against the threshold',
            description: 'Drift score of each feature divided by its pipeline\'s threshold (pipeline:mlpipe_data_drift_threshold:effective): 100 % is the threshold, above it MlpipeDataDriftHigh fires. One row per feature.',
            unit: UNIT.ratio,
            w: 12,
            h: 10,
            queries: [
              {
                expr: `max by (pipeline, feature) (${sel('mlpipe_data_drift_score', F)}) / on (pipeline) group_left () max by (pipeline) (${sel(RULE.driftThreshold, P)})`,
                legend: '{{pipeline}} / {{feature}}',
              },
            ],
          })
            .calculate(false)
            .color(
              new heatmap.HeatmapColorOptionsBuilder()
                .mode(heatmap.HeatmapColorMode.Scheme)
                .scheme('RdYlGn')
                .reverse(true)
                .steps(64)
                .min(0)
                .max(1.5),
            )
            .yAxis(new heatmap.YAxisConfigBuilder().unit(UNIT.none))
            .cellGap(1),
        )
        .withPanel(
          series({
            title: 'Drift scores',
            description: 'Drift score per feature (mlpipe_data_drift_score) and each pipeline\'s threshold (dashed).',
            unit: UNIT.none,
            h: 10,
            queries: [
              { expr: `max by (pipeline, feature) (${sel('mlpipe_data_drift_score', F)})`, legend: '{{pipeline}} / {{feature}}' },
              { expr: `max by (pipeline) (${sel(RULE.driftThreshold, P)})`, legend: '{{pipeline}} threshold' },
            ],
          }).overrideByRegexp('.* threshold', THRESHOLD_LINE),
        ),
    );
  return finish(d);
}
