// The PromQL of a stage's state, shared by the overview and the pipeline dashboard. The same
// conditions as the alerts in rules/pipeline.yml, evaluated now rather than held for a while.

/** Heartbeat age that counts as stalled: MlpipeStageStalled's 5 x 60 s heartbeat interval. */
export const STALL_SECONDS = 300;

import { sel } from './common.js';

/** Stages whose last failure is newer than their last success (or that never succeeded). */
export function failingStages(m: string): string {
  const failure = `max by (pipeline, stage) (${sel('mlpipe_stage_last_failure_timestamp_seconds', m)})`;
  const success = `max by (pipeline, stage) (${sel('mlpipe_stage_last_success_timestamp_seconds', m)})`;
  return `${failure} > (${success} or ${failure} * 0)`;
}

/** Running stages whose heartbeat is older than STALL_SECONDS. */
export function stalledStages(m: string): string {
  return `(time() - max by (pipeline, stage) (${sel('mlpipe_stage_heartbeat_timestamp_seconds', m)})) > ${STALL_SECONDS} and on (pipeline, stage) max by (pipeline, stage) (${sel('mlpipe_stage_running', m)}) > 0`;
}

/** Running stages that have been running longer than their SLA. */
export function slaBreached(m: string): string {
  return `(time() - max by (pipeline, stage) (${sel('mlpipe_stage_last_start_timestamp_seconds', m)})) > on (pipeline, stage) max by (pipeline, stage) (${sel('mlpipe_stage_sla_seconds', m)}) and on (pipeline, stage) max by (pipeline, stage) (${sel('mlpipe_stage_running', m)}) > 0`;
}
