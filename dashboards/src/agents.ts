// mlpipe agents (mlpipe-agents): the agents themselves: up, versions, collectors, ingest,
// rejections, stored series, WAL, auth, config reloads and the JVM.
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import { THRESHOLD_LINE, UID, UNIT, finish, newDashboard, panel, queryVariable, rate, row, sel, thresholds, problemThresholds, countOrZero } from './common.js';
import { instantTable, series } from './helpers.js';

const A = 'instance=~"$instance"';
/** The agents' scrape job: mlpipe's convention, as MlpipeAgentDown (the one place a job is named). */
const UP = sel('up', 'job=~"mlpipe.*"', A);

const INSTANCE = queryVariable('instance', 'label_values(mlpipe_exporter_build_info{cluster=~"$cluster"}, instance)', {
  label: 'Agent',
  description: 'Agents (scrape targets exposing mlpipe_exporter_build_info).',
  multi: true,
  includeAll: true,
  allValue: '.*',
});

function bigNumber(title: string, description: string, expr: string, t: dashboard.ThresholdsConfigBuilder): stat.PanelBuilder {
  return panel(new stat.PanelBuilder(), { title, description, unit: UNIT.count, w: 6, h: 4, queries: [{ expr, instant: true }], thresholds: t }).colorMode(
    common.BigValueColorMode.Background,
  );
}

export function agents(): dashboard.Dashboard {
  const d = newDashboard({
    uid: UID.agents,
    title: 'mlpipe / Agents',
    description: 'The mlpipe agents: up, versions, collectors, ingest, rejections, stored series, WAL, authentication, config reloads and the JVM.',
    variables: [INSTANCE],
  })
    .withRow(
      row('Fleet')
        .withPanel(bigNumber('Agents up', 'Agents Prometheus scraped successfully at the last scrape (up of the mlpipe* jobs).', `sum(${UP}) or vector(0)`, thresholds()))
        .withPanel(bigNumber('Agents down', 'Agents Prometheus could not scrape (up == 0); MlpipeAgentDown fires after 5 minutes.', countOrZero(`${UP} == 0`), problemThresholds()))
        .withPanel(
          bigNumber(
            'Versions running',
            'Distinct agent versions in the fleet (mlpipe_exporter_build_info); more than one is skew during a rollout.',
            `count(count by (version) (${sel('mlpipe_exporter_build_info', A)}))`,
            thresholds(2),
          ),
        )
        .withPanel(
          bigNumber(
            'Config reload failing',
            'Agents whose last config reload failed (mlpipe_exporter_config_last_reload_successful == 0); they keep the previous config.',
            countOrZero(`${sel('mlpipe_exporter_config_last_reload_successful', A)} == 0`),
            problemThresholds(),
          ),
        )
        .withPanel(
          instantTable({
            title: 'Versions',
            description: 'Agents per version, revision and Java version (mlpipe_exporter_build_info).',
            unit: UNIT.count,
            queries: [{ expr: `count by (version, revision, java_version) (${sel('mlpipe_exporter_build_info', A)})` }],
            columns: ['agents'],
          }),
        )
        .withPanel(
          series({
            title: 'Config reloads',
            description: 'Time of the last successful config reload per agent (mlpipe_exporter_config_last_reload_success_timestamp_seconds).',
            unit: UNIT.timestamp,
            queries: [{ expr: `max by (instance) (${sel('mlpipe_exporter_config_last_reload_success_timestamp_seconds', A)})`, legend: '{{instance}}' }],
          }),
        ),
    )
    .withRow(
      row('Collectors')
        .withPanel(
          series({
            title: 'Collector duration',
            description: 'How long each collector took at the last scrape (mlpipe_exporter_collector_duration_seconds).',
            unit: UNIT.seconds,
            queries: [{ expr: `max by (instance, collector) (${sel('mlpipe_exporter_collector_duration_seconds', A)})`, legend: '{{instance}} {{collector}}' }],
          }),
        )
        .withPanel(
          series({
            title: 'Collector failures',
            description: 'Agents whose last scrape of each collector failed (1 - mlpipe_exporter_collector_success, summed); MlpipeCollectorFailing fires when a collector fails half the time for 10 minutes.',
            unit: UNIT.count,
            queries: [{ expr: `sum by (collector) (1 - ${sel('mlpipe_exporter_collector_success', A)})`, legend: '{{collector}}' }],
          }).thresholds(problemThresholds()),
        ),
    )
    .withRow(
      row('Ingest and storage')
        .withPanel(
          series({
            title: 'Requests by handler and code',
            description: 'Requests per second per API (handler) and status code, scrapes of /metrics left out (mlpipe_exporter_http_requests_total).',
            unit: UNIT.requestsPerSecond,
            w: 8,
            queries: [{ expr: `sum by (handler, code) (${rate(sel('mlpipe_exporter_http_requests_total', A, 'handler!="/metrics"'))})`, legend: '{{handler}} {{code}}' }],
          }),
        )
        .withPanel(
          series({
            title: 'Rejected writes by reason',
            description: 'Writes refused whole for going over a limit, per limit (mlpipe_exporter_series_rejected_total); a sustained rate fires MlpipeIngestRejections.',
            unit: UNIT.perSecond,
            w: 8,
            queries: [{ expr: `sum by (reason) (${rate(sel('mlpipe_exporter_series_rejected_total', A))})`, legend: '{{reason}}' }],
          }),
        )
        .withPanel(
          series({
            title: 'Authentication failures',
            description: 'Failed authentications per second by reason (mlpipe_exporter_auth_failures_total); over 0.5/s fires MlpipeAuthFailuresBurst.',
            unit: UNIT.perSecond,
            w: 8,
            queries: [{ expr: `sum by (reason) (${rate(sel('mlpipe_exporter_auth_failures_total', A))})`, legend: '{{reason}}' }],
          }),
        )
        .withPanel(
          series({
            title: 'Stored series against the limit',
            description:
              'Series each agent holds by source (mlpipe_exporter_series: push = Pushgateway API, events = pipeline model) against limits.max_series_total (mlpipe_exporter_series_limit, all sources together); a write that would go over it is refused whole.',
            unit: UNIT.count,
            w: 8,
            queries: [
              { expr: `max by (instance, source) (${sel('mlpipe_exporter_series', A)})`, legend: '{{instance}} {{source}}' },
              { expr: `max by (instance) (${sel('mlpipe_exporter_series_limit', A)})`, legend: '{{instance}} limit' },
            ],
          }).overrideByRegexp('.* limit', THRESHOLD_LINE),
        )
        .withPanel(
          series({
            title: 'Stored groups',
            description:
              'Groups each agent holds by source (mlpipe_exporter_groups); the number of groups has no limit of its own, only their series do. Groups expiring by TTL per second on the right axis (mlpipe_exporter_groups_expired_total).',
            unit: UNIT.count,
            w: 8,
            queries: [
              { expr: `max by (instance, source) (${sel('mlpipe_exporter_groups', A)})`, legend: '{{instance}} {{source}}' },
              { expr: `max by (instance) (${rate(sel('mlpipe_exporter_groups_expired_total', A))})`, legend: '{{instance}} groups expired/s' },
            ],
          }).overrideByRegexp('.* expired/s', [
            { id: 'unit', value: UNIT.perSecond },
            { id: 'custom.axisPlacement', value: 'right' },
          ]),
        )
        .withPanel(
          series({
            title: 'Largest group against the per-group limit',
            description:
              'Series in each agent\'s largest group (mlpipe_exporter_group_series_max) against limits.max_series_per_group (mlpipe_exporter_group_series_limit); a push that would make one group larger is refused whole.',
            unit: UNIT.count,
            w: 8,
            queries: [
              { expr: `max by (instance) (${sel('mlpipe_exporter_group_series_max', A)})`, legend: '{{instance}} largest group' },
              { expr: `max by (instance) (${sel('mlpipe_exporter_group_series_limit', A)})`, legend: '{{instance}} limit' },
            ],
          }).overrideByRegexp('.* limit', THRESHOLD_LINE),
        )
        .withPanel(
          series({
            title: 'WAL fsync latency',
            description: 'p99 and p50 of the write-ahead log\'s fsync (mlpipe_exporter_wal_fsync_duration_seconds): every acknowledged write waits for it with --storage.fsync=always or batch.',
            unit: UNIT.seconds,
            w: 12,
            queries: [
              { expr: `histogram_quantile(0.99, sum by (instance, le) (${rate(sel('mlpipe_exporter_wal_fsync_duration_seconds_bucket', A))}))`, legend: '{{instance}} p99' },
              { expr: `histogram_quantile(0.5, sum by (instance, le) (${rate(sel('mlpipe_exporter_wal_fsync_duration_seconds_bucket', A))}))`, legend: '{{instance}} p50' },
            ],
          }),
        )
        .withPanel(
          series({
            title: 'WAL size',
            description:
              'Bytes of write-ahead log segments on disk per agent (mlpipe_exporter_wal_size_bytes); a snapshot, every 20,000 writes or 5 minutes, drops the segments it covers, so steady growth means snapshots fail (see the agent log). Segment files on the right axis (mlpipe_exporter_wal_segments).',
            unit: UNIT.bytes,
            w: 12,
            queries: [
              { expr: `max by (instance) (${sel('mlpipe_exporter_wal_size_bytes', A)})`, legend: '{{instance}} size' },
              { expr: `max by (instance) (${sel('mlpipe_exporter_wal_segments', A)})`, legend: '{{instance}} segments' },
            ],
          }).overrideByRegexp('.* segments', [
            { id: 'unit', value: UNIT.count },
            { id: 'custom.axisPlacement', value: 'right' },
          ]),
        ),
    )
    .withRow(
      row('JVM')
        .withPanel(
          series({
            title: 'JVM heap',
            description: 'Heap used and its maximum per agent (jvm_memory_used_bytes, jvm_memory_max_bytes, area heap).',
            unit: UNIT.bytes,
            queries: [
              { expr: `max by (instance) (${sel('jvm_memory_used_bytes', A, 'area="heap"')})`, legend: '{{instance}} used' },
              { expr: `max by (instance) (${sel('jvm_memory_max_bytes', A, 'area="heap"')})`, legend: '{{instance}} max' },
            ],
          }),
        )
        .withPanel(
          series({
            title: 'Time in GC',
            description: 'Share of time each agent spent in garbage collection, per collector (jvm_gc_collection_seconds).',
            unit: UNIT.ratio,
            queries: [{ expr: `sum by (instance, gc) (${rate(sel('jvm_gc_collection_seconds_sum', A))})`, legend: '{{instance}} {{gc}}' }],
          }),
        ),
    );
  return finish(d);
}
