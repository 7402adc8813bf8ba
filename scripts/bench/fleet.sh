#!/usr/bin/env bash
# What one Prometheus pays for a fleet of mlpipe agents, scraped directly and through remote_write.
#   scripts/bench/fleet.sh [AGENTS] [SECONDS] [CPUS]     (defaults 100, 90 s per phase, 64 CPUs)
# Two phases of 30 s warm-up + SECONDS each, plus recording, start-up and queries: 4-5 minutes
# with the defaults on a quiet machine (estimated, not measured); on the loaded 2-core VM of
# docs/scaling.md, 8 minutes for `fleet.sh 30 60` and about 13 for the defaults. The figures of
# docs/scaling.md come from here.
#
# 1. Records one GPU node's exposition from the real agent (exporter/target/mlpipe.jar): host
#    collectors of this machine, 8 GPUs through a fake nvidia-smi printing an H100's published
#    values (the gpu collector's test fixture), and 3 pipelines x 5 stages of events through the
#    events API (runs, durations, heartbeats, records, data quality, drift, training, models).
# 2. Serves it as AGENTS simulated agents (scripts/bench/fleet_targets.py: one port each, host
#    names node-<i>, per-CPU series copied to CPUS CPUs, counters growing, gauges moving).
# 3. Phase "direct": one Prometheus scrapes them every 15 s and evaluates rules/*.yml every 15 s.
# 4. Phase "remote_write": a Prometheus in agent mode scrapes them and remote-writes to a central
#    Prometheus (--web.enable-remote-write-receiver) that evaluates rules/*.yml.
# Each phase reports: series per agent, scrape duration, then from each Prometheus' own /metrics
# (snapshots before/after, no PromQL, so a CPU-starved Prometheus still reports): CPU, RSS, head
# series, samples/s, rule evaluation time per round, and for remote_write the send rate and lag.
set -euo pipefail
cd "$(dirname "$0")/../.."
agents="${1:-100}"
secs="${2:-90}"
cpus="${3:-64}"
command -v prometheus >/dev/null || { echo "fleet.sh: prometheus is missing (apt-get install prometheus)" >&2; exit 1; }
jar=exporter/target/mlpipe.jar
[ -f "$jar" ] || mvn -B -q -pl exporter package -DskipTests -Dspotless.check.skip=true

work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_ok() { for _ in $(seq 1 300); do curl -fs "$1" >/dev/null && return 0; sleep 0.2; done; echo "fleet.sh: $1 never answered" >&2; exit 1; }

# --- 1. record one node ---------------------------------------------------------------------
gpu_line() { # index -> the agent's nvidia-smi query answered like GpuCollectorTest.H100_AGENT_QUERY
  printf '%d, GPU-00000000-0000-0000-0000-00000000000%d, NVIDIA H100 80GB HBM3, 00000000:%02d:00.0, 590.48.01, 100, 11, 81559, 19818, 61263, 59, 631.95, 1980, 2619, 5, 16\n' "$1" "$1" "$((16 + $1))"
}
for i in 0 1 2 3 4 5 6 7; do gpu_line "$i"; done >"$work/gpus.csv"
cat >"$work/nvidia-smi" <<EOF
#!/bin/sh
case "\$1" in
  --query-gpu=*) cat "$work/gpus.csv";;
  *) :;;
esac
EOF
chmod +x "$work/nvidia-smi"
port="$(free_port)"
java -XX:+UseSerialGC -jar "$jar" serve --web.listen-address="127.0.0.1:$port" \
  --storage.path="$work/agent-data" --collector.gpu.nvidia-smi="$work/nvidia-smi" \
  --collector.gpu.interval=1s --log.level=warn >"$work/agent.log" 2>&1 &
pids+=($!)
wait_ok "http://127.0.0.1:$port/-/ready"
python3 - "$port" <<'EOF'
import json, sys, time, urllib.request
port = sys.argv[1]
now = time.time()
events = []
for p, team in (("churn", "growth"), ("fraud", "risk"), ("recsys", "ranking")):
    for s, stage in enumerate(("ingest", "features", "train", "evaluate", "deploy")):
        for r in range(3):
            rid = "%s-%s-%d" % (p, stage, r)
            t = now - 3600 + r * 600 + s * 60
            events += [
                {"type": "stage_started", "pipeline": p, "stage": stage, "run_id": rid, "host": "HOSTNAME", "time": t},
                {"type": "heartbeat", "pipeline": p, "stage": stage, "progress": 0.5, "time": t + 10},
                {"type": "records", "pipeline": p, "stage": stage, "processed": 10000, "invalid": 3, "corrupt": 1, "dropped": 5},
                {"type": "stage_finished", "pipeline": p, "stage": stage, "run_id": rid,
                 "status": "failure" if r == 1 and stage == "train" else "success", "time": t + 30 + s,
                 "cpu_seconds": 100.0 + s, "memory_peak_bytes": 2 ** 30},
            ]
    for d in ("customers", "events"):
        events.append({"type": "data_quality", "pipeline": p, "stage": "ingest", "dataset": d,
                       "missing_values_ratio": 0.01, "schema_violations": {"not_null": 1, "type": 0},
                       "newest_record_time": now - 600})
    for f in range(10):
        events.append({"type": "drift", "pipeline": p, "feature": "f%d" % f, "score": 0.05})
    events.append({"type": "training", "pipeline": p, "model": "m", "epoch": 3,
                   "loss": {"train": 0.4, "validation": 0.5}, "samples_per_second": 1200})
    for m in ("auc", "f1", "logloss"):
        for role in ("candidate", "production"):
            events.append({"type": "model_metric", "pipeline": p, "model": "m", "version": "v1",
                           "metric": m, "value": 0.9, "role": role})
    # One stage running now, as on a busy node.
    events.append({"type": "stage_started", "pipeline": p, "stage": "train", "run_id": p + "-now", "host": "HOSTNAME"})
req = urllib.request.Request("http://127.0.0.1:%s/api/v1/events" % port, json.dumps(events).encode(),
                             {"Content-Type": "application/json"})
assert urllib.request.urlopen(req).status == 202
EOF
hostname="$(cat /proc/sys/kernel/hostname)"
# Wait for the GPU collector's first background read, then record.
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/metrics" | grep -q '^DCGM_FI_DEV_GPU_UTIL{' && break; sleep 0.2; done
curl -fs "http://127.0.0.1:$port/metrics" | sed "s/HOSTNAME/$hostname/g" >"$work/node.prom"
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true; pids=()
gpus="$(grep -c '^DCGM_FI_DEV_GPU_UTIL{' "$work/node.prom" || true)"

# --- 2. the simulated fleet -----------------------------------------------------------------
python3 scripts/bench/fleet_targets.py "$work/node.prom" "$hostname" "$agents" "$cpus" "$work/ports" &
pids+=($!)
for _ in $(seq 1 300); do [ -f "$work/ports" ] && break; sleep 0.2; done
targets="$(sed "s/.*/'127.0.0.1:&'/" "$work/ports" | paste -sd, -)"
per_agent="$(curl -fs "http://127.0.0.1:$(head -1 "$work/ports")/metrics" | grep -vc '^#')"
families() { curl -fs "http://127.0.0.1:$(head -1 "$work/ports")/metrics" | grep -v '^#' | grep -c "$1" || true; }
echo "== one simulated GPU node: $per_agent series ($gpus GPUs, $cpus CPUs):" \
  "node_* $(families '^node_'), DCGM_*/mlpipe_gpu_* $(families '^\(DCGM_\|mlpipe_gpu_\)'), mlpipe_ pipeline $(families '^mlpipe_\(stage\|data\|training\|model\|pipeline\|run\)_'), other $(families '^\(mlpipe_exporter_\|process_\|jvm_\)')"
echo "== $agents agents, scrape and rule evaluation every 15 s, ${secs} s per phase; load $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

q() { # prometheus-url promql -> first value, rounded
  curl -fs --max-time 60 --get "$1/api/v1/query" --data-urlencode "query=$2" |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print("%.4g" % float(r[0]["value"][1]) if r else "n/a")' ||
    echo "n/a (query timed out)"
}
snap() { curl -fs --max-time 60 "$1/metrics" >"$2"; }
# Measure $secs seconds after a 30 s warm-up (start-up, first scrapes, series creation).
measure() { # name url... -> $work/name-<i>.before/.after for each url
  local name="$1"; shift
  sleep 30
  local i=0; for u in "$@"; do snap "$u" "$work/$name-$i.before"; i=$((i + 1)); done
  sleep "$secs"
  i=0; for u in "$@"; do snap "$u" "$work/$name-$i.after"; i=$((i + 1)); done
}
cost() { python3 scripts/bench/fleet_report.py "$work/$1.before" "$work/$1.after" "$secs"; }

# --- 3. direct ------------------------------------------------------------------------------
cat >"$work/direct.yml" <<EOF
global: {scrape_interval: 15s, scrape_timeout: 10s, evaluation_interval: 15s}
rule_files: ['$PWD/rules/*.yml']
scrape_configs:
  - job_name: fleet
    static_configs: [{targets: [$targets]}]
EOF
p="$(free_port)"
prometheus --config.file="$work/direct.yml" --web.listen-address="127.0.0.1:$p" \
  --storage.tsdb.path="$work/direct" --log.level=warn >"$work/direct.log" 2>&1 &
pids+=($!); direct_pid=$!
u="http://127.0.0.1:$p"
wait_ok "$u/-/ready"
measure direct "$u"
echo "-- direct: one Prometheus scraping $agents agents, evaluating rules/ (measured over ${secs} s)"
echo "   series per agent (scrape_samples_scraped):   $(q "$u" 'avg(scrape_samples_scraped{job="fleet"})')"
echo "   scrape duration avg / max (s):                $(q "$u" 'avg(scrape_duration_seconds{job="fleet"})') / $(q "$u" 'max(scrape_duration_seconds{job="fleet"})')"
cost direct-0
kill "$direct_pid"; wait "$direct_pid" 2>/dev/null || true

# --- 4. remote_write ------------------------------------------------------------------------
pc="$(free_port)"; pa="$(free_port)"
cat >"$work/central.yml" <<EOF
global: {evaluation_interval: 15s}
rule_files: ['$PWD/rules/*.yml']
EOF
cat >"$work/agent.yml" <<EOF
global: {scrape_interval: 15s, scrape_timeout: 10s, external_labels: {cluster: bench}}
scrape_configs:
  - job_name: fleet
    static_configs: [{targets: [$targets]}]
remote_write:
  - url: http://127.0.0.1:$pc/api/v1/write
EOF
prometheus --config.file="$work/central.yml" --web.listen-address="127.0.0.1:$pc" \
  --web.enable-remote-write-receiver --storage.tsdb.path="$work/central" --log.level=warn \
  >"$work/central.log" 2>&1 &
central_pid=$!
pids+=("$central_pid")
wait_ok "http://127.0.0.1:$pc/-/ready"
prometheus --enable-feature=agent --config.file="$work/agent.yml" --web.listen-address="127.0.0.1:$pa" \
  --storage.agent.path="$work/agent-wal" --storage.remote.flush-deadline=5s --log.level=warn \
  >"$work/cluster-agent.log" 2>&1 &
# The agent first in pids, so that cleanup stops it before the central it sends to.
pids=($! "${pids[@]}")
wait_ok "http://127.0.0.1:$pa/-/ready"
measure rw "http://127.0.0.1:$pc" "http://127.0.0.1:$pa"
u="http://127.0.0.1:$pc"
echo "-- remote_write: cluster Prometheus in agent mode (scrape + send, WAL only; measured over ${secs} s)"
echo "   series per agent (scrape_samples_scraped):   $(q "$u" 'avg(scrape_samples_scraped{job="fleet"})')"
echo "   scrape duration avg (s):                      $(q "$u" 'avg(scrape_duration_seconds{job="fleet"})')"
cost rw-1
echo "-- remote_write: central Prometheus (receiver, evaluating rules/)"
cost rw-0
# Why samples failed, if they did (e.g. timeouts and retries when the central falls behind).
if grep -qi 'level=error\|level=warn' "$work/cluster-agent.log"; then
  echo "   first remote_write complaints of the cluster Prometheus:"
  grep -i 'level=error\|level=warn' "$work/cluster-agent.log" | cut -c1-240 | sort -u -t' ' -k3,3 | head -3 | sed 's/^/     /'
fi
