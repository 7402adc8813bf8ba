// Shared pieces of every mlpipe dashboard: the datasource and common variables, the unit and
// threshold conventions, the names of the recording rules in rules/recording.yml, the panel
// helpers and the links between dashboards. Dashboards import from here; nothing here knows
// about a particular dashboard.
import * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';

// ---------------------------------------------------------------------------------------------
// Datasource and variables

/** Every query goes through the `$datasource` variable; no dashboard names a datasource uid. */
export const DATASOURCE: dashboard.DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

/** The label matcher every selector carries, so one Grafana can look at many clusters. */
export const CLUSTER = 'cluster=~"$cluster"';

export function datasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder('datasource')
    .label('Data source')
    .type('prometheus')
    .description('The Prometheus that scrapes the mlpipe agents and evaluates rules/*.yml.');
}

export interface QueryVariableOptions {
  label: string;
  description: string;
  multi?: boolean;
  /** Adds "All"; with a custom all value when given (e.g. '.*'), else the listed values. */
  includeAll?: boolean;
  allValue?: string;
  hidden?: boolean;
}

/** A variable filled from `label_values(...)`, refreshed when the time range changes. */
export function queryVariable(
  name: string,
  query: string,
  o: QueryVariableOptions,
): dashboard.QueryVariableBuilder {
  let v = new dashboard.QueryVariableBuilder(name)
    .label(o.label)
    .description(o.description)
    .datasource(DATASOURCE)
    .query({ qryType: 1, query, refId: 'PrometheusVariableQueryEditor-VariableQuery' })
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(o.multi ?? false)
    .includeAll(o.includeAll ?? false);
  if (o.allValue !== undefined) {
    v = v.allValue(o.allValue);
  }
  if (o.hidden) {
    v = v.hide(dashboard.VariableHide.HideVariable);
  }
  return v;
}

/**
 * `$cluster`: multi, All by default. All is `.*`, which also matches series without a cluster
 * label, so a single Prometheus without external labels works unchanged.
 */
export function clusterVariable(): dashboard.QueryVariableBuilder {
  return queryVariable('cluster', 'label_values(up, cluster)', {
    label: 'Cluster',
    description:
      'The cluster label Prometheus or its remote storage adds; All also matches series without one.',
    multi: true,
    includeAll: true,
    allValue: '.*',
  }).current({ selected: true, text: ['All'], value: ['$__all'] });
}

// ---------------------------------------------------------------------------------------------
// Units and thresholds (Grafana unit ids). Ratios are stored 0..1 and shown as percent.

export const UNIT = {
  ratio: 'percentunit',
  percent: 'percent', // 0..100, like DCGM_FI_DEV_GPU_UTIL
  seconds: 's',
  timestamp: 'dateTimeFromNow',
  bytes: 'bytes',
  bytesPerSecond: 'Bps',
  perSecond: 'ops',
  requestsPerSecond: 'reqps',
  count: 'short',
  bool: 'bool_yes_no',
  celsius: 'celsius',
  watts: 'watt',
  megahertz: 'rotmhz',
  cpuCores: 'short',
  none: 'none',
  samplesPerSecond: 'suffix: samples/s',
} as const;

/** Field overrides that draw a threshold or limit series as a dashed red line. */
export const THRESHOLD_LINE = [
  { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
  { id: 'color', value: { mode: 'fixed', fixedColor: 'red' } },
];

export const COLOR = { ok: 'green', warn: 'orange', bad: 'red', info: 'blue', idle: 'text' };

/** Thresholds: green below `warn`, orange from `warn`, red from `bad` (omit what you don't need). */
export function thresholds(warn?: number, bad?: number): dashboard.ThresholdsConfigBuilder {
  const steps: dashboard.Threshold[] = [{ value: null, color: COLOR.ok }];
  if (warn !== undefined) steps.push({ value: warn, color: COLOR.warn });
  if (bad !== undefined) steps.push({ value: bad, color: COLOR.bad });
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps);
}

/** Thresholds for counts of problems: green at 0, red from 1. */
export const problemThresholds = (): dashboard.ThresholdsConfigBuilder => thresholds(undefined, 1);

/** Thresholds where low is bad (success ratios, free space): red below `bad`, orange below `warn`. */
export function lowIsBad(bad: number, warn: number): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps([
      { value: null, color: COLOR.bad },
      { value: bad, color: COLOR.warn },
      { value: warn, color: COLOR.ok },
    ]);
}

// ---------------------------------------------------------------------------------------------
// Recording rules the dashboards read: names only, the expressions live in rules/recording.yml.

export const RULE = {
  pipelineInfo: 'pipeline:mlpipe_pipeline_info:max',
  successRatio1h: 'pipeline_stage:mlpipe_stage_runs:success_ratio_1h',
  successRatio1d: 'pipeline_stage:mlpipe_stage_runs:success_ratio_1d',
  finishedRuns1d: 'pipeline_stage:mlpipe_stage_runs_finished:increase1d',
  durationP50: 'pipeline_stage:mlpipe_stage_duration_seconds:p50_1d',
  durationP90: 'pipeline_stage:mlpipe_stage_duration_seconds:p90_1d',
  durationP99: 'pipeline_stage:mlpipe_stage_duration_seconds:p99_1d',
  missingValuesMax: 'pipeline_dataset:mlpipe_data_missing_values_max_ratio:effective',
  driftThreshold: 'pipeline:mlpipe_data_drift_threshold:effective',
  dataMaxAge: 'pipeline_dataset:mlpipe_data_max_age_seconds:effective',
  modelTolerance: 'pipeline_metric:mlpipe_model_metric_tolerance:effective',
  modelRegression: 'pipeline_model_metric:mlpipe_model_metric:regression',
  nodeNumCpu: 'instance:node_num_cpu:sum',
  nodeCpuUtilisation: 'instance:node_cpu_utilisation:rate5m',
  nodeLoadPerCpu: 'instance:node_load1_per_cpu:ratio',
  nodeMemoryUtilisation: 'instance:node_memory_utilisation:ratio',
  diskIoTime: 'instance_device:node_disk_io_time_seconds:rate5m',
  diskIoTimeWeighted: 'instance_device:node_disk_io_time_weighted_seconds:rate5m',
  networkReceive: 'instance:node_network_receive_bytes_excluding_lo:rate5m',
  networkTransmit: 'instance:node_network_transmit_bytes_excluding_lo:rate5m',
  teamHosts: 'team:mlpipe_hosts:count',
  teamCpu: 'team:node_cpu_utilisation:avg',
  teamMemory: 'team:node_memory_utilisation:avg',
  teamGpu: 'team:DCGM_FI_DEV_GPU_UTIL:avg',
  teamStageCpu: 'team:mlpipe_stage_cpu_seconds:rate5m',
} as const;

// ---------------------------------------------------------------------------------------------
// PromQL helpers

/**
 * Recording rules kept one per pipeline across the fleet (the team join and the configured
 * thresholds, rules/recording.yml): they have no cluster label, so a cluster matcher would drop
 * them whenever one cluster is selected.
 */
const FLEET_WIDE: ReadonlySet<string> = new Set([
  RULE.pipelineInfo,
  RULE.missingValuesMax,
  RULE.driftThreshold,
  RULE.dataMaxAge,
  RULE.modelTolerance,
]);

/** `metric{cluster=~"$cluster", <matchers>}` (without the cluster matcher on fleet-wide rules). */
export function sel(metric: string, ...matchers: string[]): string {
  const all = FLEET_WIDE.has(metric) ? matchers : [CLUSTER, ...matchers];
  return `${metric}{${all.join(', ')}}`;
}

/** `rate(selector[$__rate_interval])`: the window Grafana sizes to the scrape interval. */
export function rate(selector: string): string {
  return `rate(${selector}[$__rate_interval])`;
}

/** `increase(selector[$__rate_interval])`. */
export function increase(selector: string): string {
  return `increase(${selector}[$__rate_interval])`;
}

/** A count that shows 0 instead of "No data" when nothing matches. */
export function countOrZero(expr: string): string {
  return `count(${expr}) or vector(0)`;
}

export interface Query {
  expr: string;
  legend?: string;
  /** Instant query in table format (tables, stats of "now"). */
  table?: boolean;
  instant?: boolean;
  /** Histogram buckets for a heatmap panel (sorted by `le`). */
  heatmap?: boolean;
}

export function target(q: Query): prometheus.DataqueryBuilder {
  let t = new prometheus.DataqueryBuilder().datasource(DATASOURCE).expr(q.expr);
  if (q.legend !== undefined) t = t.legendFormat(q.legend);
  if (q.table) t = t.instant().format(prometheus.PromQueryFormat.Table);
  else if (q.instant) t = t.instant();
  else if (q.heatmap) t = t.range().format(prometheus.PromQueryFormat.Heatmap);
  else t = t.range();
  return t;
}

// ---------------------------------------------------------------------------------------------
// Panels

/** What every panel builder of the SDK offers; lets one helper fill in the shared fields. */
interface PanelLike<T> extends cog.Builder<dashboard.Panel> {
  title(title: string): T;
  description(description: string): T;
  unit(unit: string): T;
  height(h: number): T;
  span(w: number): T;
  withTarget(target: cog.Builder<cog.Dataquery>): T;
  thresholds(thresholds: cog.Builder<dashboard.ThresholdsConfig>): T;
  dataLinks(links: cog.Builder<dashboard.DashboardLink>[]): T;
}

export interface PanelOptions {
  title: string;
  description: string;
  unit: string;
  queries: Query[];
  /** Grid width (of 24) and height. */
  w: number;
  h: number;
  thresholds?: dashboard.ThresholdsConfigBuilder;
  links?: dashboard.DashboardLinkBuilder[];
}

export function panel<T extends PanelLike<T>>(b: T, o: PanelOptions): T {
  let p = b.title(o.title).description(o.description).unit(o.unit).span(o.w).height(o.h);
  for (const q of o.queries) p = p.withTarget(target(q));
  if (o.thresholds) p = p.thresholds(o.thresholds);
  if (o.links) p = p.dataLinks(o.links);
  return p;
}

// ---------------------------------------------------------------------------------------------
// Links between dashboards. Every URL is relative to Grafana's root and carries the time range
// and the datasource and cluster variables.

export const UID = {
  overview: 'mlpipe-overview',
  pipelines: 'mlpipe-pipelines',
  data: 'mlpipe-data',
  models: 'mlpipe-models',
  nodes: 'mlpipe-nodes',
  gpus: 'mlpipe-gpus',
  agents: 'mlpipe-agents',
} as const;

export type Uid = (typeof UID)[keyof typeof UID];

const TITLES: Record<Uid, string> = {
  'mlpipe-overview': 'Overview',
  'mlpipe-pipelines': 'Pipeline',
  'mlpipe-data': 'Data',
  'mlpipe-models': 'Models',
  'mlpipe-nodes': 'Nodes',
  'mlpipe-gpus': 'GPUs',
  'mlpipe-agents': 'Agents',
};

/**
 * A data link to another dashboard, with `vars` taken from the clicked row's fields (tables:
 * `{pipeline: 'pipeline'}` -> `var-pipeline=${__data.fields["pipeline"]}`) or, with `from:
 * 'series'`, from the clicked series' labels (`${__field.labels.pipeline}`).
 */
export function dataLink(
  uid: Uid,
  title: string,
  vars: Record<string, string>,
  from: 'row' | 'series' = 'row',
): dashboard.DashboardLinkBuilder {
  const params = Object.entries(vars).map(([name, field]) =>
    from === 'row'
      ? `var-${name}=\${__data.fields["${field}"]:percentencode}`
      : `var-${name}=\${__field.labels.${field}:percentencode}`,
  );
  params.push('${datasource:queryparam}', '${cluster:queryparam}', '${__url_time_range}');
  return new dashboard.DashboardLinkBuilder(title).url(`/d/${uid}?${params.join('&')}`);
}

/** Links in every dashboard's header to the other six, keeping the time range and variables. */
function headerLinks(self: Uid): dashboard.DashboardLinkBuilder[] {
  return (Object.values(UID) as Uid[])
    .filter((u) => u !== self)
    .map((u) =>
      new dashboard.DashboardLinkBuilder(TITLES[u])
        .type(dashboard.DashboardLinkType.Link)
        .url(`/d/${u}`)
        .icon('dashboard')
        .tooltip(`mlpipe ${TITLES[u]} dashboard`)
        .includeVars(true)
        .keepTime(true),
    );
}

// ---------------------------------------------------------------------------------------------
// Dashboards

export interface DashboardOptions {
  uid: Uid;
  title: string;
  description: string;
  /** Variables after `$datasource` and `$cluster`. */
  variables: dashboard.QueryVariableBuilder[];
  time?: string;
}

export function newDashboard(o: DashboardOptions): dashboard.DashboardBuilder {
  let d = new dashboard.DashboardBuilder(o.title)
    .uid(o.uid)
    .description(o.description)
    .tags(['mlpipe'])
    .editable()
    .timezone('browser')
    .time({ from: o.time ?? 'now-6h', to: 'now' })
    .refresh('1m')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .withVariable(datasourceVariable())
    .withVariable(clusterVariable());
  for (const v of o.variables) d = d.withVariable(v);
  for (const l of headerLinks(o.uid)) d = d.link(l);
  return d;
}

/** A row (section header) that is never collapsed, so every panel stays on the top level. */
export function row(title: string): dashboard.RowBuilder {
  return new dashboard.RowBuilder(title).collapsed(false);
}

/**
 * Builds the dashboard JSON and settles what the builders leave open: the panels of open rows
 * follow their row on the top level (Grafana's layout for an expanded row; the SDK nests them),
 * panel ids are numbered in order (1, 2, ...) and query refIds lettered (A, B, ...), so the
 * output is the same from run to run.
 */
export function finish(d: dashboard.DashboardBuilder): dashboard.Dashboard {
  const out = d.build();
  const flat: (dashboard.Panel | dashboard.RowPanel)[] = [];
  for (const p of out.panels ?? []) {
    flat.push(p);
    if (p.type === 'row') {
      const r = p as dashboard.RowPanel;
      flat.push(...r.panels);
      r.panels = [];
    }
  }
  let id = 1;
  for (const p of flat) {
    p.id = id++;
    if (p.type !== 'row') {
      ((p as dashboard.Panel).targets ?? []).forEach((t, i) => {
        (t as prometheus.dataquery).refId = String.fromCharCode(65 + i);
      });
    }
  }
  out.panels = flat;
  return out;
}
