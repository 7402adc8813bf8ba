// ML pipelines overview (mlpipe-overview): what is wrong now, every stage's state over time, and
// fleet use per team. Everything links down to the pipeline dashboard.
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import {
  COLOR,
  RULE,
  UID,
  UNIT,
  countOrZero,
  dataLink,
  finish,
  newDashboard,
  panel,
  problemThresholds,
  queryVariable,
  row,
  sel,
  thresholds,
} from './common.js';
import { STALL_SECONDS, failingStages, slaBreached, stalledStages } from './pipeline-state.js';

const P = 'pipeline=~"$pipeline"';

const TEAM = queryVariable('team', 'label_values(mlpipe_pipeline_info{cluster=~"$cluster"}, team)', {
  label: 'Team',
  description: 'Teams from mlpipe_pipeline_info (the agents\' config).',
  multi: true,
  includeAll: true,
  allValue: '.*',
});

// All is the list of the team's pipelines (no custom all value), so $team filters through it.
const PIPELINE = queryVariable(
  'pipeline',
  'label_values(mlpipe_pipeline_info{cluster=~"$cluster", team=~"$team"}, pipeline)',
  {
    label: 'Pipeline',
    description: 'Pipelines declared in an agent config, of the selected teams.',
    multi: true,
    includeAll: true,
  },
);

function count(title: string, description: string, expr: string): stat.PanelBuilder {
  return panel(new stat.PanelBuilder(), {
    title,
    description,
    unit: UNIT.count,
    w: 3,
    h: 4,
    queries: [{ expr, instant: true }],
    thresholds: problemThresholds(),
  }).colorMode(common.BigValueColorMode.Background);
}

function problemTable(
  title: string,
  description: string,
  unit: string,
  expr: string,
  vars: Record<string, string>,
): table.PanelBuilder {
  return panel(new table.PanelBuilder(), {
    title,
    description,
    unit,
    w: 12,
    h: 8,
    queries: [{ expr, table: true }],
    links: [dataLink(UID.pipelines, 'Open the pipeline dashboard', vars)],
  })
    .withTransformation({ id: 'organize', options: { excludeByName: { Time: true } } })
    .noValue('Nothing wrong');
}

const missingOverThreshold = `max by (pipeline, dataset) (${sel('mlpipe_data_missing_values_ratio', P)}) > on (pipeline, dataset) max by (pipeline, dataset) (${sel(RULE.missingValuesMax, P)})`;
const driftOverThreshold = `max by (pipeline, feature) (${sel('mlpipe_data_drift_score', P)}) > on (pipeline) group_left () max by (pipeline) (${sel(RULE.driftThreshold, P)})`;
const regressed = `max by (pipeline, model, metric) (${sel(RULE.modelRegression, P)}) > on (pipeline, metric) group_left () max by (pipeline, metric) (${sel(RULE.modelTolerance, P)})`;

// 0 ok, 1 running, 2 failed (last failure newer than last success): first match wins.
const stageState = `
  (${failingStages(P)}) * 0 + 2
or
  (max by (pipeline, stage) (${sel('mlpipe_stage_running', P)}) > 0) * 0 + 1
or
  max by (pipeline, stage) (${sel('mlpipe_stage_running', P)}) * 0`.trim();

function teamUsage(title: string, description: string, rule: string, unit: string): timeseries.PanelBuilder {
  return panel(new timeseries.PanelBuilder(), {
    title,
    description,
    unit,
    w: 8,
    h: 8,
    queries: [{ expr: `max by (team) (${sel(rule, 'team=~"$team"')})`, legend: '{{team}}' }],
  });
}

export function overview(): dashboard.Dashboard {
  const d = newDashboard({
    uid: UID.overview,
    title: 'mlpipe / ML pipelines overview',
    description:
      'Every ML pipeline at a glance: what is wrong now, the state of every stage over time, and fleet use per team.',
    variables: [TEAM, PIPELINE],
  })
    .withRow(
      row('Now')
        .withPanel(
          count(
            'Pipelines',
            'Pipelines with at least one stage known to the agents.',
            countOrZero(`count by (pipeline) (${sel('mlpipe_stage_running', P)})`),
          ).thresholds(thresholds()),
        )
        .withPanel(
          count(
            'Stages running',
            'Runs in progress now (mlpipe_stage_running), all stages.',
            `sum(${sel('mlpipe_stage_running', P)}) or vector(0)`,
          ).thresholds(thresholds()).colorMode(common.BigValueColorMode.Value),
        )
        .withPanel(
          count(
            'Stages failing',
            'Stages whose last run failed (last failure newer than last success), as MlpipeStageFailed.',
            countOrZero(failingStages(P)),
          ),
        )
        .withPanel(
          count(
            'Stalled',
            `Running stages without a heartbeat for over ${STALL_SECONDS} s, as MlpipeStageStalled.`,
            countOrZero(stalledStages(P)),
          ),
        )
        .withPanel(
          count(
            'SLA breached',
            'Running stages that have been running longer than their SLA (mlpipe_stage_sla_seconds), as MlpipeStageSlaBreached.',
            countOrZero(slaBreached(P)),
          ),
        )
        .withPanel(
          count(
            'Data-quality problems',
            'Datasets over their missing-values threshold plus features over their drift threshold (effective thresholds from rules/recording.yml).',
            `(${countOrZero(missingOverThreshold)}) + (${countOrZero(driftOverThreshold)})`,
          ),
        )
        .withPanel(
          count(
            'Models regressed',
            'Candidate model metrics worse than production by more than the tolerance, as MlpipeModelRegressed.',
            countOrZero(regressed),
          ),
        )
        .withPanel(
          count(
            'Firing alerts',
            'Alerts firing now in this Prometheus, by severity (every rule group, not only pipelines).',
            'count by (severity) (ALERTS{cluster=~"$cluster", alertstate="firing"})',
          )
            .noValue('0')
            .textMode(common.BigValueTextMode.ValueAndName),
        ),
    )
    .withRow(
      row('Every stage over time').withPanel(
        panel(new statetimeline.PanelBuilder(), {
          title: 'Stage status',
          description:
            'State of every stage of the selected pipelines over time: ok (last run succeeded or none yet), running, failed (last run failed).',
          unit: UNIT.none,
          w: 24,
          h: 10,
          queries: [{ expr: stageState, legend: '{{pipeline}} / {{stage}}' }],
          links: [dataLink(UID.pipelines, 'Open the pipeline dashboard', { pipeline: 'pipeline', stage: 'stage' }, 'series')],
        })
          .mappings([
            {
              type: dashboard.MappingType.ValueToText,
              options: {
                '0': { text: 'ok', color: COLOR.ok, index: 0 },
                '1': { text: 'running', color: COLOR.info, index: 1 },
                '2': { text: 'failed', color: COLOR.bad, index: 2 },
              },
            },
          ])
          .showValue(common.VisibilityMode.Never)
          .mergeValues(true),
      ),
    )
    .withRow(
      row('What is wrong now')
        .withPanel(
          problemTable(
            'Failed stages',
            'Stages whose last run failed, with the time of that failure. A row opens the pipeline dashboard.',
            UNIT.timestamp,
            `max by (pipeline, stage) (${sel('mlpipe_stage_last_failure_timestamp_seconds', P)}) and (${failingStages(P)})`,
            { pipeline: 'pipeline', stage: 'stage' },
          ),
        )
        .withPanel(
          problemTable(
            'Stalled or over SLA',
            `Running stages without a heartbeat for ${STALL_SECONDS} s or running longer than their SLA, with how long they have been running.`,
            UNIT.seconds,
            `time() - max by (pipeline, stage) (${sel('mlpipe_stage_last_start_timestamp_seconds', P)}) and (${stalledStages(P)} or ${slaBreached(P)})`,
            { pipeline: 'pipeline', stage: 'stage' },
          ),
        )
        .withPanel(
          problemTable(
            'Data over threshold',
            'Missing-value ratios per dataset and drift scores per feature that are over their thresholds.',
            UNIT.none,
            `${missingOverThreshold} or ${driftOverThreshold}`,
            { pipeline: 'pipeline' },
          ),
        )
        .withPanel(
          problemTable(
            'Firing pipeline alerts',
            'Alerts about the selected pipelines firing now; a row opens the pipeline dashboard on the alert\'s pipeline and stage.',
            UNIT.none,
            `max by (alertname, severity, pipeline, stage) (ALERTS{cluster=~"$cluster", alertstate="firing", ${P}})`,
            { pipeline: 'pipeline', stage: 'stage' },
          ),
        ),
    )
    .withRow(
      row('Fleet use per team')
        .withPanel(
          teamUsage(
            'CPU use per team',
            'Average CPU utilisation of the hosts that ran the team\'s stages (team:node_cpu_utilisation:avg).',
            RULE.teamCpu,
            UNIT.ratio,
          ).min(0).max(1),
        )
        .withPanel(
          teamUsage(
            'Memory use per team',
            'Average memory utilisation of the hosts that ran the team\'s stages (team:node_memory_utilisation:avg).',
            RULE.teamMemory,
            UNIT.ratio,
          ).min(0).max(1),
        )
        .withPanel(
          teamUsage(
            'GPU use per team',
            'Average GPU utilisation (0-100 %) of the hosts that ran the team\'s stages (team:DCGM_FI_DEV_GPU_UTIL:avg).',
            RULE.teamGpu,
            UNIT.percent,
          ).min(0).max(100),
        )
        .withPanel(
          teamUsage(
            'Hosts per team',
            'Hosts that ran a stage of the team\'s pipelines (team:mlpipe_hosts:count); a shared host counts for each team.',
            RULE.teamHosts,
            UNIT.count,
          ).span(12),
        )
        .withPanel(
          teamUsage(
            'CPU of wrapped runs per team',
            'CPU cores used by commands wrapped with `mlpipe run`, per team (team:mlpipe_stage_cpu_seconds:rate5m).',
            RULE.teamStageCpu,
            UNIT.cpuCores,
          ).span(12),
        ),
    );
  return finish(d);
}
