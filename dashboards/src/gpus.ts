// GPUs (mlpipe-gpus): dcgm-exporter's names per host and GPU, the GPUs a node should have
// against those it sees, and which pipeline stage holds GPU memory or leaves GPUs idle.
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { UID, UNIT, dataLink, finish, increase, newDashboard, queryVariable, rate, row, sel, thresholds } from './common.js';
import { instantTable, series } from './helpers.js';

const G = 'Hostname=~"$host", gpu=~"$gpu"';
const LEGEND = '{{Hostname}} GPU {{gpu}}';
const byGpu = (expr: string): string => `max by (Hostname, gpu) (${expr})`;

const HOST = queryVariable('host', 'label_values(DCGM_FI_DEV_GPU_UTIL{cluster=~"$cluster"}, Hostname)', {
  label: 'Host',
  description: 'Hosts with GPUs (DCGM\'s Hostname label).',
  multi: true,
  includeAll: true,
  allValue: '.*',
});
const GPU = queryVariable('gpu', 'label_values(DCGM_FI_DEV_GPU_UTIL{cluster=~"$cluster", Hostname=~"$host"}, gpu)', {
  label: 'GPU',
  description: 'GPU index on the host.',
  multi: true,
  includeAll: true,
  allValue: '.*',
});

/** Training stages, as GpuIdleDuringTraining names them. */
const TRAINING = 'stage=~"(?i).*(train|finetun).*"';

export function gpus(): dashboard.Dashboard {
  const d = newDashboard({
    uid: UID.gpus,
    title: 'mlpipe / GPUs',
    description: 'GPUs on dcgm-exporter\'s names: utilisation, memory, temperature, power, clocks, PCIe, XID errors, expected against visible GPUs, GPU memory per pipeline stage and idle GPUs during training.',
    variables: [HOST, GPU],
  })
    .withRow(
      row('Use')
        .withPanel(
          series({
            title: 'GPU utilisation',
            description: 'Share of time a kernel ran on the GPU (DCGM_FI_DEV_GPU_UTIL, 0-100 %).',
            unit: UNIT.percent,
            queries: [{ expr: byGpu(sel('DCGM_FI_DEV_GPU_UTIL', G)), legend: LEGEND }],
          })
            .min(0)
            .max(100),
        )
        .withPanel(
          series({
            title: 'GPU memory used',
            description: 'Framebuffer memory used of used + free (DCGM_FI_DEV_FB_USED, DCGM_FI_DEV_FB_FREE); GpuMemoryNearFull fires over 95 %.',
            unit: UNIT.ratio,
            queries: [
              {
                expr: `${byGpu(sel('DCGM_FI_DEV_FB_USED', G))} / (${byGpu(sel('DCGM_FI_DEV_FB_USED', G))} + ${byGpu(sel('DCGM_FI_DEV_FB_FREE', G))})`,
                legend: LEGEND,
              },
            ],
          })
            .min(0)
            .max(1)
            .thresholds(thresholds(0.9, 0.95)),
        )
        .withPanel(
          instantTable({
            title: 'GPU memory per process',
            description: 'GPU memory held by each compute process, with the pipeline and stage it declares in MLPIPE_PIPELINE / MLPIPE_STAGE (mlpipe_gpu_process_memory_bytes); a row opens the pipeline dashboard.',
            unit: UNIT.bytes,
            queries: [
              {
                expr: `max by (Hostname, gpu, pid, pipeline, stage) (${sel('mlpipe_gpu_process_memory_bytes', 'gpu=~"$gpu"')} * on (UUID) group_left (Hostname) max by (UUID, Hostname) (${sel('mlpipe_gpu_info', 'Hostname=~"$host"')}))`,
              },
            ],
            columns: ['memory'],
            links: [dataLink(UID.pipelines, 'Open the pipeline dashboard', { pipeline: 'pipeline', stage: 'stage' })],
          }),
        )
        .withPanel(
          instantTable({
            title: 'Idle GPUs during training',
            description: 'Training stages running on a host whose busiest GPU averaged under 5 % over 5 minutes (fixed window 5m: the window GpuIdleDuringTraining averages over), with that utilisation; a row opens the pipeline dashboard.',
            unit: UNIT.percent,
            queries: [
              {
                expr: `label_replace(max by (pipeline, stage, host) (${sel('mlpipe_run_info', TRAINING, 'host=~"$host"')}), "Hostname", "$1", "host", "(.*)") * on (Hostname) group_left () (max by (Hostname) (avg_over_time(${sel('DCGM_FI_DEV_GPU_UTIL', 'Hostname=~"$host"')}[5m])) < 5)`,
              },
            ],
            columns: ['busiest GPU'],
            links: [dataLink(UID.pipelines, 'Open the pipeline dashboard', { pipeline: 'pipeline', stage: 'stage' })],
          }),
        ),
    )
    .withRow(
      row('Health')
        .withPanel(
          series({
            title: 'Temperature',
            description: 'GPU temperature (DCGM_FI_DEV_GPU_TEMP); GpuTemperatureHigh warns over 85 °C and pages over 90 °C.',
            unit: UNIT.celsius,
            w: 8,
            queries: [{ expr: byGpu(sel('DCGM_FI_DEV_GPU_TEMP', G)), legend: LEGEND }],
          }).thresholds(thresholds(85, 90)),
        )
        .withPanel(
          series({
            title: 'Power',
            description: 'Power draw per GPU (DCGM_FI_DEV_POWER_USAGE).',
            unit: UNIT.watts,
            w: 8,
            queries: [{ expr: byGpu(sel('DCGM_FI_DEV_POWER_USAGE', G)), legend: LEGEND }],
          }),
        )
        .withPanel(
          series({
            title: 'Clocks',
            description: 'SM and memory clock per GPU (DCGM_FI_DEV_SM_CLOCK, DCGM_FI_DEV_MEM_CLOCK); an SM clock far under its usual value is throttling.',
            unit: UNIT.megahertz,
            w: 8,
            queries: [
              { expr: byGpu(sel('DCGM_FI_DEV_SM_CLOCK', G)), legend: `${LEGEND} SM` },
              { expr: byGpu(sel('DCGM_FI_DEV_MEM_CLOCK', G)), legend: `${LEGEND} memory` },
            ],
          }),
        )
        .withPanel(
          series({
            title: 'PCIe replays',
            description: 'PCIe retries per second (DCGM_FI_DEV_PCIE_REPLAY_COUNTER); a steady rate points at a bad riser, slot or link.',
            unit: UNIT.perSecond,
            w: 8,
            queries: [{ expr: byGpu(rate(sel('DCGM_FI_DEV_PCIE_REPLAY_COUNTER', G))), legend: LEGEND }],
          }),
        )
        .withPanel(
          series({
            title: 'PCIe link',
            description: 'Current PCIe link generation and width per GPU (mlpipe_gpu_pcie_link_generation, mlpipe_gpu_pcie_link_width); a GPU that trained down runs slower.',
            unit: UNIT.none,
            w: 8,
            queries: [
              { expr: byGpu(sel('mlpipe_gpu_pcie_link_generation', G)), legend: `${LEGEND} gen` },
              { expr: byGpu(sel('mlpipe_gpu_pcie_link_width', G)), legend: `${LEGEND} width` },
            ],
          }),
        )
        .withPanel(
          series({
            title: 'XID errors',
            description: 'XID errors the driver reported in each interval (mlpipe_gpu_xid_errors_total, a counter; DCGM_FI_DEV_XID_ERRORS only holds the last code). Any XID fires GpuXidErrors.',
            unit: UNIT.count,
            w: 8,
            queries: [{ expr: byGpu(increase(sel('mlpipe_gpu_xid_errors_total', G))), legend: LEGEND }],
          }).drawStyle(common.GraphDrawStyle.Bars),
        )
        .withPanel(
          instantTable({
            title: 'Expected against visible GPUs',
            description: 'GPUs each node should have (mlpipe_gpu_expected, configured) and those the agent sees (mlpipe_gpu_devices), per host (node_uname_info). Every node is listed, whatever $host: a node whose GPUs fell off the bus has no DCGM series to select it by.',
            unit: UNIT.count,
            w: 24,
            h: 6,
            queries: [
              { expr: `max by (nodename) (${sel('mlpipe_gpu_expected')} * on (instance) group_left (nodename) max by (instance, nodename) (${sel('node_uname_info')}))` },
              { expr: `max by (nodename) (${sel('mlpipe_gpu_devices')} * on (instance) group_left (nodename) max by (instance, nodename) (${sel('node_uname_info')}))` },
            ],
            columns: ['expected', 'visible'],
          }),
        ),
    );
  return finish(d);
}
