// Pipeline (mlpipe-pipelines): one pipeline, its stages' runs, durations against the SLA, data
// volumes, training, resources and the hosts that ran it. Alerts and model promotions are
// annotations.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import * as common from '@grafana/grafana-foundation-sdk/common';
import {
  DATASOURCE,
  RULE,
  UID,
  UNIT,
  dataLink,
  finish,
  increase,
  lowIsBad,
  newDashboard,
  panel,
  queryVariable,
  rate,
  row,
  sel,
} from './common.js';
import { STALL_SECONDS } from './pipeline-state.js';

const ONE = 'pipeline="$pipeline"';
const P = `${ONE}, stage=~"$stage"`;

const PIPELINE = queryVariable(
  'pipeline',
  'label_values(mlpipe_stage_last_start_timestamp_seconds{cluster=~"$cluster"}, pipeline)',
  { label: 'Pipeline', description: 'Every pipeline with a stage that started at least once.' },
);

const STAGE = queryVariable(
  'stage',
  'label_values(mlpipe_stage_last_start_timestamp_seconds{cluster=~"$cluster", pipeline="$pipeline"}, stage)',
  {
    label: 'Stage',
    description: 'Stages of the pipeline.',
    multi: true,
    includeAll: true,
    allValue: '.*',
  },
);

function series(
  title: string,
  description: string,
  unit: string,
  queries: { expr: string; legend: string }[],
  w = 12,
): timeseries.PanelBuilder {
  return panel(new timeseries.PanelBuilder(), { title, description, unit, w, h: 8, queries });
}

/** One column per query in the per-stage table, named and with its own unit. */
const STAGE_COLUMNS: { name: string; unit: string; expr: string }[] = [
  { name: 'last start', unit: UNIT.timestamp, expr: 'mlpipe_stage_last_start_timestamp_seconds' },
  { name: 'last success', unit: UNIT.timestamp, expr: 'mlpipe_stage_last_success_timestamp_seconds' },
  { name: 'last failure', unit: UNIT.timestamp, expr: 'mlpipe_stage_last_failure_timestamp_seconds' },
  { name: 'heartbeat age', unit: UNIT.seconds, expr: 'mlpipe_stage_heartbeat_timestamp_seconds' },
  { name: 'progress', unit: UNIT.ratio, expr: 'mlpipe_stage_progress_ratio' },
  { name: 'running', unit: UNIT.count, expr: 'mlpipe_stage_running' },
];

function stageTable(): table.PanelBuilder {
  let t = panel(new table.PanelBuilder(), {
    title: 'Stages now',
    description: `Per stage: last start, success and failure, heartbeat age (stalled after ${STALL_SECONDS} s while running), progress and runs in progress.`,
    unit: UNIT.timestamp,
    w: 24,
    h: 7,
    queries: STAGE_COLUMNS.map((c) => {
      const v = `max by (stage) (${sel(c.expr, P)})`;
      return { expr: c.name === 'heartbeat age' ? `time() - ${v}` : v, table: true };
    }),
  })
    .withTransformation({ id: 'merge', options: {} })
    .withTransformation({ id: 'organize', options: { excludeByName: { Time: true } } });
  STAGE_COLUMNS.forEach((c, i) => {
    t = t.overrideByName(`Value #${String.fromCharCode(65 + i)}`, [
      { id: 'displayName', value: c.name },
      { id: 'unit', value: c.unit },
    ]);
  });
  return t.overrideByName('progress', [
    { id: 'custom.cellOptions', value: { type: 'gauge', mode: 'basic' } },
    { id: 'max', value: 1 },
  ]);
}

export function pipelines(): dashboard.Dashboard {
  const d = newDashboard({
    uid: UID.pipelines,
    title: 'mlpipe / Pipeline',
    description:
      'One pipeline: run outcomes, durations against the SLA, stage state, records, training, resources and the hosts that ran it.',
    variables: [PIPELINE, STAGE],
  })
    .annotation(
      new dashboard.AnnotationQueryBuilder()
        .name('Alerts')
        .datasource(DATASOURCE)
        .enable(true)
        .iconColor('red')
        .expr(`max by (alertname, stage) (ALERTS{cluster=~"$cluster", alertstate="firing", ${ONE}})`),
    )
    .annotation(
      new dashboard.AnnotationQueryBuilder()
        .name('Model in production')
        .datasource(DATASOURCE)
        .enable(true)
        .iconColor('blue')
        .expr(`max by (model, version) (${sel('mlpipe_model_info', ONE, 'role="production"')})`),
    )
    .withRow(
      row('Runs')
        .withPanel(
          series(
            'Run outcomes',
            'Finished runs per stage and outcome (success, failure, cancelled) in each interval.',
            UNIT.count,
            [
              {
                expr: `sum by (stage, status) (${increase(sel('mlpipe_stage_runs_total', P))})`,
                legend: '{{stage}} {{status}}',
              },
            ],
          )
            .drawStyle(common.GraphDrawStyle.Bars)
            .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal))
            .overrideByRegexp('.*failure', [{ id: 'color', value: { mode: 'fixed', fixedColor: 'red' } }]),
        )
        .withPanel(
          series(
            'Success ratio',
            'Successful share of finished runs (cancelled runs excluded) over the last hour and day, from pipeline_stage:mlpipe_stage_runs:success_ratio_1h/_1d. MlpipeStageSuccessRatioLow fires under 90 % a day.',
            UNIT.ratio,
            [
              { expr: `max by (stage) (${sel(RULE.successRatio1h, P)})`, legend: '{{stage}} 1h' },
              { expr: `max by (stage) (${sel(RULE.successRatio1d, P)})`, legend: '{{stage}} 1d' },
            ],
          )
            .min(0)
            .max(1)
            .thresholds(lowIsBad(0.5, 0.9))
            .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed)),
        )
        .withPanel(
          panel(new heatmap.PanelBuilder(), {
            title: 'Duration distribution',
            description:
              'How long runs of the selected stages took, from the mlpipe_stage_duration_seconds histogram buckets (runs finished in each interval).',
            unit: UNIT.seconds,
            w: 12,
            h: 8,
            queries: [
              {
                expr: `sum by (le) (${increase(sel('mlpipe_stage_duration_seconds_bucket', P))})`,
                legend: '{{le}}',
                heatmap: true,
              },
            ],
          })
            .calculate(false)
            .yAxis(new heatmap.YAxisConfigBuilder().unit(UNIT.seconds))
            .color(new heatmap.HeatmapColorOptionsBuilder().scheme('Oranges').steps(64).exponent(0.5).mode(heatmap.HeatmapColorMode.Scheme))
            .cellGap(1),
        )
        .withPanel(
          series(
            'Duration p50 / p90 / p99 against the SLA',
            'Duration quantiles over the last day of runs (pipeline_stage:mlpipe_stage_duration_seconds:p50_1d, p90_1d, p99_1d) against each stage\'s SLA (mlpipe_stage_sla_seconds).',
            UNIT.seconds,
            [
              { expr: `max by (stage) (${sel(RULE.durationP50, P)})`, legend: '{{stage}} p50' },
              { expr: `max by (stage) (${sel(RULE.durationP90, P)})`, legend: '{{stage}} p90' },
              { expr: `max by (stage) (${sel(RULE.durationP99, P)})`, legend: '{{stage}} p99' },
              { expr: `max by (stage) (${sel('mlpipe_stage_sla_seconds', P)})`, legend: '{{stage}} SLA' },
            ],
          ).overrideByRegexp('.* SLA', [
            { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
            { id: 'color', value: { mode: 'fixed', fixedColor: 'red' } },
          ]),
        ),
    )
    .withRow(row('Stages').withPanel(stageTable()))
    .withRow(
      row('Records and training')
        .withPanel(
          series(
            'Records by outcome',
            'Records per second per stage and outcome: processed, invalid, corrupt, dropped (mlpipe_stage_records_total).',
            UNIT.perSecond,
            [
              {
                expr: `sum by (stage, outcome) (${rate(sel('mlpipe_stage_records_total', P))})`,
                legend: '{{stage}} {{outcome}}',
              },
            ],
            8,
          ),
        )
        .withPanel(
          series(
            'Training loss',
            'Training and validation loss per model (mlpipe_training_loss), as reported each epoch.',
            UNIT.none,
            [
              {
                expr: `max by (model, split) (${sel('mlpipe_training_loss', ONE)})`,
                legend: '{{model}} {{split}}',
              },
            ],
            8,
          ),
        )
        .withPanel(
          series(
            'Training throughput',
            'Samples per second per model while training (mlpipe_training_samples_per_second).',
            UNIT.samplesPerSecond,
            [
              {
                expr: `max by (model) (${sel('mlpipe_training_samples_per_second', ONE)})`,
                legend: '{{model}}',
              },
            ],
            8,
          ),
        ),
    )
    .withRow(
      row('Resources and hosts')
        .withPanel(
          series(
            'CPU of wrapped runs',
            'CPU cores used by the commands `mlpipe run` wrapped, per stage (mlpipe_stage_cpu_seconds_total).',
            UNIT.cpuCores,
            [{ expr: `sum by (stage) (${rate(sel('mlpipe_stage_cpu_seconds_total', P))})`, legend: '{{stage}}' }],
            8,
          ),
        )
        .withPanel(
          series(
            'Peak memory of wrapped runs',
            'Peak resident memory of the last wrapped run per stage (mlpipe_stage_memory_peak_bytes).',
            UNIT.bytes,
            [{ expr: `max by (stage) (${sel('mlpipe_stage_memory_peak_bytes', P)})`, legend: '{{stage}}' }],
            8,
          ),
        )
        .withPanel(
          panel(new table.PanelBuilder(), {
            title: 'Hosts that ran each stage',
            description:
              'Hosts of the runs the agents still hold (mlpipe_run_info, kept for its TTL), with how many runs each; a row opens the node dashboard of the host.',
            unit: UNIT.count,
            w: 8,
            h: 8,
            queries: [{ expr: `count by (stage, host) (${sel('mlpipe_run_info', P)})`, table: true }],
            links: [
              dataLink(UID.nodes, 'Open the node dashboard', { host: 'host' }),
              dataLink(UID.gpus, 'Open the GPU dashboard', { host: 'host' }),
            ],
          })
            .withTransformation({ id: 'organize', options: { excludeByName: { Time: true }, renameByName: { Value: 'runs' } } }),
        ),
    );
  return finish(d);
}

