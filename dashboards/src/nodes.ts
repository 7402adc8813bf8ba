// Nodes (mlpipe-nodes): one host's CPU, memory, pressure, disks, filesystems, network, file
// descriptors, conntrack and clock on node_exporter's names, and the stages that ran there.
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { RULE, UID, UNIT, dataLink, finish, lowIsBad, newDashboard, queryVariable, rate, row, sel, thresholds } from './common.js';
import { instantTable, series } from './helpers.js';

const I = 'instance=~"$instance"';

const HOST = queryVariable('host', 'label_values(node_uname_info{cluster=~"$cluster"}, nodename)', {
  label: 'Host',
  description: 'Host names (node_uname_info nodename; the host of mlpipe_run_info and DCGM\'s Hostname).',
  multi: true,
  includeAll: true,
  allValue: '.*',
});
// All is the list of the selected hosts' instances (no custom all value), so $host filters
// through it; alerts link here with var-instance.
const INSTANCE = queryVariable('instance', 'label_values(node_uname_info{cluster=~"$cluster", nodename=~"$host"}, instance)', {
  label: 'Instance',
  description: 'Scrape targets (agents) of the selected hosts.',
  multi: true,
  includeAll: true,
});

const byInstance = (expr: string): string => `max by (instance) (${expr})`;

export function nodes(): dashboard.Dashboard {
  const d = newDashboard({
    uid: UID.nodes,
    title: 'mlpipe / Nodes',
    description: 'Hosts that run ML work: CPU, memory, pressure, disks, filesystems, network, file descriptors, conntrack and clock (node_exporter names), and the stages that ran there.',
    variables: [HOST, INSTANCE],
  })
    .withRow(
      row('CPU and memory')
        .withPanel(
          series({
            title: 'CPU by mode',
            description: 'Share of all CPUs spent in each mode except idle (node_cpu_seconds_total over instance:node_num_cpu:sum).',
            unit: UNIT.ratio,
            w: 8,
            queries: [
              {
                expr: `sum by (instance, mode) (${rate(sel('node_cpu_seconds_total', I, 'mode!="idle"'))}) / on (instance) group_left () ${byInstance(sel(RULE.nodeNumCpu, I))}`,
                legend: '{{instance}} {{mode}}',
              },
            ],
          })
            .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal))
            .min(0)
            .max(1),
        )
        .withPanel(
          series({
            title: 'Load per CPU',
            description: '1-minute load per CPU (instance:node_load1_per_cpu:ratio); over 2 for 15 minutes fires NodeCpuSaturated.',
            unit: UNIT.none,
            w: 8,
            queries: [{ expr: byInstance(sel(RULE.nodeLoadPerCpu, I)), legend: '{{instance}}' }],
          }).thresholds(thresholds(1, 2)),
        )
        .withPanel(
          series({
            title: 'Memory utilisation',
            description: 'Memory in use, 1 - MemAvailable / MemTotal (instance:node_memory_utilisation:ratio); NodeMemoryPressure warns over 90 % and pages over 97 %.',
            unit: UNIT.ratio,
            w: 8,
            queries: [{ expr: byInstance(sel(RULE.nodeMemoryUtilisation, I)), legend: '{{instance}}' }],
          })
            .min(0)
            .max(1)
            .thresholds(thresholds(0.9, 0.97)),
        )
        .withPanel(
          series({
            title: 'Pressure (PSI)',
            description: 'Share of time tasks waited for CPU, memory or I/O (some) or all stalled (full), from /proc/pressure (node_pressure_*_seconds_total).',
            unit: UNIT.ratio,
            w: 24,
            queries: [
              { expr: `max by (instance) (${rate(sel('node_pressure_cpu_waiting_seconds_total', I))})`, legend: '{{instance}} cpu some' },
              { expr: `max by (instance) (${rate(sel('node_pressure_memory_waiting_seconds_total', I))})`, legend: '{{instance}} memory some' },
              { expr: `max by (instance) (${rate(sel('node_pressure_memory_stalled_seconds_total', I))})`, legend: '{{instance}} memory full' },
              { expr: `max by (instance) (${rate(sel('node_pressure_io_waiting_seconds_total', I))})`, legend: '{{instance}} io some' },
              { expr: `max by (instance) (${rate(sel('node_pressure_io_stalled_seconds_total', I))})`, legend: '{{instance}} io full' },
            ],
          }).min(0),
        ),
    )
    .withRow(
      row('Disks and filesystems')
        .withPanel(
          series({
            title: 'Disk throughput',
            description: 'Bytes read (negative) and written per second per disk (node_disk_read_bytes_total, node_disk_written_bytes_total).',
            unit: UNIT.bytesPerSecond,
            w: 8,
            queries: [
              { expr: `-sum by (instance, device) (${rate(sel('node_disk_read_bytes_total', I))})`, legend: '{{instance}} {{device}} read' },
              { expr: `sum by (instance, device) (${rate(sel('node_disk_written_bytes_total', I))})`, legend: '{{instance}} {{device}} written' },
            ],
          }),
        )
        .withPanel(
          series({
            title: 'Disk busy and queue',
            description: 'Share of time each disk was busy (instance_device:node_disk_io_time_seconds:rate5m) and its average queue (instance_device:node_disk_io_time_weighted_seconds:rate5m, right axis); a queue over 10 for 30 minutes fires NodeDiskIoSaturated.',
            unit: UNIT.ratio,
            w: 8,
            queries: [
              { expr: `max by (instance, device) (${sel(RULE.diskIoTime, I)})`, legend: '{{instance}} {{device}} busy' },
              { expr: `max by (instance, device) (${sel(RULE.diskIoTimeWeighted, I)})`, legend: '{{instance}} {{device}} queue' },
            ],
          }).overrideByRegexp('.* queue', [
            { id: 'unit', value: UNIT.none },
            { id: 'custom.axisPlacement', value: 'right' },
          ]),
        )
        .withPanel(
          series({
            title: 'Filesystem use',
            description: 'Share of each filesystem in use (1 - node_filesystem_avail_bytes / node_filesystem_size_bytes); NodeFilesystemAlmostFull fires under 5 % free.',
            unit: UNIT.ratio,
            w: 8,
            queries: [
              {
                expr: `1 - max by (instance, mountpoint) (${sel('node_filesystem_avail_bytes', I, 'fstype!=""')}) / max by (instance, mountpoint) (${sel('node_filesystem_size_bytes', I, 'fstype!=""')})`,
                legend: '{{instance}} {{mountpoint}}',
              },
            ],
          })
            .min(0)
            .max(1)
            .thresholds(thresholds(0.8, 0.95)),
        )
        .withPanel(
          instantTable({
            title: 'Filesystems: time to full',
            description: 'Free space now and the time until each filesystem is full if it keeps filling at the rate predict_linear sees over the last 6 hours (fixed window 6h: the window NodeFilesystemFillingUp uses). A year means it is not filling.',
            unit: UNIT.seconds,
            w: 24,
            h: 6,
            queries: [
              { expr: `max by (instance, mountpoint, device, fstype) (${sel('node_filesystem_avail_bytes', I, 'fstype!=""')})` },
              {
                expr: `clamp_max(max by (instance, mountpoint, device, fstype) (${sel('node_filesystem_avail_bytes', I, 'fstype!=""')}) / clamp_min(max by (instance, mountpoint, device, fstype) (${sel('node_filesystem_avail_bytes', I, 'fstype!=""')} - predict_linear(${sel('node_filesystem_avail_bytes', I, 'fstype!=""')}[6h], 3600)) / 3600, 1e-9), 31536000)`,
              },
            ],
            columns: ['free', 'time to full'],
          })
            .overrideByName('free', [{ id: 'unit', value: UNIT.bytes }])
            .overrideByName('time to full', [{ id: 'thresholds', value: lowIsBad(4 * 3600, 24 * 3600).build() }, { id: 'custom.cellOptions', value: { type: 'color-text' } }]),
        ),
    )
    .withRow(
      row('Network and kernel')
        .withPanel(
          series({
            title: 'Network traffic',
            description: 'Bytes received (negative) and transmitted per second on every interface but lo (instance:node_network_receive_bytes_excluding_lo:rate5m, ..._transmit_...).',
            unit: UNIT.bytesPerSecond,
            w: 8,
            queries: [
              { expr: `-${byInstance(sel(RULE.networkReceive, I))}`, legend: '{{instance}} received' },
              { expr: byInstance(sel(RULE.networkTransmit, I)), legend: '{{instance}} transmitted' },
            ],
          }),
        )
        .withPanel(
          series({
            title: 'Network errors',
            description: 'Receive and transmit errors per second per interface (node_network_*_errs_total); over 1 % of packets fires NodeNetworkErrors.',
            unit: UNIT.perSecond,
            w: 8,
            queries: [
              { expr: `sum by (instance, device) (${rate(sel('node_network_receive_errs_total', I))})`, legend: '{{instance}} {{device}} receive' },
              { expr: `sum by (instance, device) (${rate(sel('node_network_transmit_errs_total', I))})`, legend: '{{instance}} {{device}} transmit' },
            ],
          }),
        )
        .withPanel(
          series({
            title: 'File descriptors and conntrack',
            description: 'Kernel file handles allocated of the maximum (node_filefd_*; NodeFileDescriptorLimit over 70 %) and connection tracking entries of the limit (node_nf_conntrack_*; NodeConntrackTableFilling over 75 %).',
            unit: UNIT.ratio,
            w: 8,
            queries: [
              { expr: `${byInstance(sel('node_filefd_allocated', I))} / ${byInstance(sel('node_filefd_maximum', I))}`, legend: '{{instance}} file descriptors' },
              { expr: `${byInstance(sel('node_nf_conntrack_entries', I))} / ${byInstance(sel('node_nf_conntrack_entries_limit', I))}`, legend: '{{instance}} conntrack' },
            ],
          })
            .min(0)
            .thresholds(thresholds(0.7, 0.9)),
        )
        .withPanel(
          series({
            title: 'Clock',
            description: 'Offset of the clock from its NTP/PTP source (node_timex_offset_seconds; NodeClockSkewDetected over 50 ms) and from Prometheus\' clock (node_time_seconds against the scrape time; MlpipeClockSkew over 1 s).',
            unit: UNIT.seconds,
            queries: [
              { expr: byInstance(sel('node_timex_offset_seconds', I)), legend: '{{instance}} offset from NTP' },
              { expr: `max by (instance) (${sel('node_time_seconds', I)} - timestamp(${sel('node_time_seconds', I)}))`, legend: '{{instance}} offset from Prometheus' },
            ],
          }),
        )
        .withPanel(
          instantTable({
            title: 'Stages that ran on this host',
            description: 'Pipeline stages with runs on the selected hosts that the agents still hold (mlpipe_run_info, kept for its TTL), with the number of runs; a row opens the pipeline dashboard.',
            unit: UNIT.count,
            queries: [{ expr: `count by (host, pipeline, stage) (${sel('mlpipe_run_info', 'host=~"$host"')})` }],
            columns: ['runs'],
            links: [dataLink(UID.pipelines, 'Open the pipeline dashboard', { pipeline: 'pipeline', stage: 'stage' })],
          }),
        ),
    );
  return finish(d);
}
