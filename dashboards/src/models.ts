// Models (mlpipe-models): model quality, candidate against production by version, which version
// holds each role over time, and regressions against the tolerance.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import { COLOR, RULE, UID, UNIT, finish, newDashboard, panel, queryVariable, row, sel, thresholds } from './common.js';
import { instantTable, series } from './helpers.js';

const P = 'pipeline=~"$pipeline"';
const M = `${P}, model=~"$model"`;
const all = { multi: true, includeAll: true, allValue: '.*' };

const PIPELINE = queryVariable('pipeline', 'label_values(mlpipe_model_info{cluster=~"$cluster"}, pipeline)', {
  label: 'Pipeline',
  description: 'Pipelines that report models.',
  ...all,
});
const MODEL = queryVariable('model', 'label_values(mlpipe_model_info{cluster=~"$cluster", pipeline=~"$pipeline"}, model)', {
  label: 'Model',
  description: 'Models of the selected pipelines.',
  ...all,
});

/** Each model metric with the version holding its role (one version per role and model). */
const metricByVersion = `max by (pipeline, model, metric, role, version) (${sel('mlpipe_model_metric', M)} * on (pipeline, model, role) group_left (version) topk by (pipeline, model, role) (1, ${sel('mlpipe_model_info', M)}))`;

export function models(): dashboard.Dashboard {
  const d = newDashboard({
    uid: UID.models,
    title: 'mlpipe / Models',
    description: 'Model quality: candidate against production by version, versions in each role over time, regressions against the tolerance.',
    variables: [PIPELINE, MODEL],
    time: 'now-24h',
  })
    .withRow(
      row('Quality')
        .withPanel(
          series({
            title: 'Model metrics',
            description: 'Evaluation metrics of the candidate and the production model (mlpipe_model_metric), per model and metric.',
            unit: UNIT.none,
            queries: [{ expr: `max by (model, metric, role) (${sel('mlpipe_model_metric', M)})`, legend: '{{model}} {{metric}} {{role}}' }],
          }).overrideByRegexp('.* production', [{ id: 'custom.lineWidth', value: 3 }]),
        )
        .withPanel(
          instantTable({
            title: 'Candidate against production by version',
            description: 'Each metric of the candidate and of the production model now, with the version holding each role (mlpipe_model_info).',
            unit: UNIT.none,
            queries: [{ expr: metricByVersion }],
            columns: ['value'],
          }),
        ),
    )
    .withRow(
      row('Versions and regressions')
        .withPanel(
          panel(new statetimeline.PanelBuilder(), {
            title: 'Versions in each role',
            description: 'Which version held the candidate and the production role of each model over time (mlpipe_model_info); a new production version is a promotion.',
            unit: UNIT.none,
            w: 12,
            h: 8,
            queries: [{ expr: `max by (model, role, version) (${sel('mlpipe_model_info', M)})`, legend: '{{model}} {{role}} {{version}}' }],
          })
            .mappings([
              { type: dashboard.MappingType.ValueToText, options: { '1': { text: 'holds the role', color: COLOR.info, index: 0 } } },
            ])
            .mergeValues(true),
        )
        .withPanel(
          series({
            title: 'Regression against the tolerance',
            description: 'How much worse the candidate is than production, in the metric\'s unit (pipeline_model_metric:mlpipe_model_metric:regression, positive = worse), against the allowed regression (pipeline_metric:mlpipe_model_metric_tolerance:effective, dashed). MlpipeModelRegressed fires above it.',
            unit: UNIT.none,
            queries: [
              { expr: `max by (pipeline, model, metric) (${sel(RULE.modelRegression, M)})`, legend: '{{model}} {{metric}}' },
              { expr: `max by (pipeline, metric) (${sel(RULE.modelTolerance, P)})`, legend: '{{pipeline}} {{metric}} tolerance' },
            ],
          })
            .thresholds(thresholds(undefined, 0))
            .overrideByRegexp('.* tolerance', [
              { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
              { id: 'color', value: { mode: 'fixed', fixedColor: 'red' } },
            ]),
        ),
    );
  return finish(d);
}
