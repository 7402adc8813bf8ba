#!/usr/bin/env bash
# The README's first command: builds mlpipe if needed, starts the agent with the demo workload
# (`mlpipe demo --speed 60`: churn daily, recsys hourly, fraud every 5 minutes, compressed 60x) and,
# when the Debian binaries are present (installed if we run as root), a Prometheus loaded with
# rules/ and an Alertmanager from examples/, all on localhost. Ctrl-C stops everything it started.
# Extra demo flags go in MLPIPE_DEMO_ARGS, e.g. MLPIPE_DEMO_ARGS="--fault stage-failure:after=2m".
# Ports: MLPIPE_PORT (agent, 9478), PROMETHEUS_PORT (9090), ALERTMANAGER_PORT (9093).
# If anything fails to start, the script stops with that program's error and keeps the logs.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
AGENT_PORT="${MLPIPE_PORT:-9478}"
PROM_PORT="${PROMETHEUS_PORT:-9090}"
AM_PORT="${ALERTMANAGER_PORT:-9093}"
work="$(mktemp -d -t mlpipe-quickstart.XXXXXX)"
pids=()
keep_logs=""

cleanup() {
  trap - INT TERM EXIT
  echo; echo "stopping ${#pids[@]} processes"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "$keep_logs" ]; then echo "logs kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup INT TERM EXIT

if [ ! -f exporter/target/mlpipe.jar ] || [ -n "$(find exporter/src -newer exporter/target/mlpipe.jar -print -quit)" ]; then
  echo "building mlpipe (mvn package, tests skipped) ..."
  mvn -B -q -pl exporter -am package -DskipTests -Dspotless.check.skip=true  # the agent only; the image is for mvn verify
fi

if [ "$(id -u)" -eq 0 ] && ! command -v prometheus >/dev/null 2>&1; then
  echo "installing prometheus and prometheus-alertmanager (Debian packages) ..."
  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus prometheus-alertmanager >/dev/null || \
    echo "could not install them; going on with the agent alone"
fi

# Stops everything with NAME's own error (the end of its LOG) and keeps the logs.
fail() { # NAME LOG WHY
  keep_logs=1
  echo "quickstart: $1 $3; the end of its log ($2):" >&2
  tail -n 20 "$2" >&2 || true
  exit 1
}

# Ready means: our process is still alive and answers on its own port. A page from another
# process on that port (an earlier quickstart, a system Prometheus) must not pass for ours, so the
# process is checked after the answer too.
wait_ready() { # PID URL NAME LOG
  for _ in $(seq 1 100); do
    kill -0 "$1" 2>/dev/null || fail "$3" "$4" "exited while starting"
    if curl -fsS --max-time 2 -o /dev/null "$2" 2>/dev/null && kill -0 "$1" 2>/dev/null; then
      return 0
    fi
    sleep 0.3
  done
  fail "$3" "$4" "did not become ready within 30 s"
}

# The agent says which port it got once it listens; until then an answer is not from it.
wait_agent() { # PID LOG
  for _ in $(seq 1 200); do
    kill -0 "$1" 2>/dev/null || fail agent "$2" "exited while starting"
    grep -q "listening on 127.0.0.1:$AGENT_PORT " "$2" 2>/dev/null && return 0
    sleep 0.3
  done
  fail agent "$2" "did not start listening within 60 s"
}

# shellcheck disable=SC2086
bin/mlpipe demo --speed "${MLPIPE_DEMO_SPEED:-60}" --web.listen-address="127.0.0.1:$AGENT_PORT" \
  ${MLPIPE_DEMO_ARGS:-} >"$work/agent.log" 2>&1 &
pids+=($!)
wait_agent "$!" "$work/agent.log"
wait_ready "$!" "http://127.0.0.1:$AGENT_PORT/-/ready" agent "$work/agent.log"

prom_line="Prometheus:   not installed (apt-get install prometheus prometheus-alertmanager)"
if command -v prometheus >/dev/null 2>&1; then
  am_line=""
  if command -v prometheus-alertmanager >/dev/null 2>&1 && [ -f examples/alertmanager.yml ]; then
    prometheus-alertmanager --config.file=examples/alertmanager.yml --storage.path="$work/am" \
      --web.listen-address="127.0.0.1:$AM_PORT" --cluster.listen-address= >"$work/alertmanager.log" 2>&1 &
    pids+=($!)
    wait_ready "$!" "http://127.0.0.1:$AM_PORT/-/ready" alertmanager "$work/alertmanager.log"
    am_line="alerting:
  alertmanagers: [{static_configs: [{targets: ['127.0.0.1:$AM_PORT']}]}]"
  fi
  rules=""
  if compgen -G "rules/*.yml" >/dev/null; then rules="rule_files: ['$root/rules/*.yml']"; fi
  cat >"$work/prometheus.yml" <<YAML
global: {scrape_interval: 5s, evaluation_interval: 5s}
$rules
$am_line
scrape_configs:
  - job_name: mlpipe
    static_configs: [{targets: ['127.0.0.1:$AGENT_PORT']}]
YAML
  prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
    --web.listen-address="127.0.0.1:$PROM_PORT" >"$work/prometheus.log" 2>&1 &
  pids+=($!)
  wait_ready "$!" "http://127.0.0.1:$PROM_PORT/-/ready" prometheus "$work/prometheus.log"
  prom_line="Prometheus:   http://127.0.0.1:$PROM_PORT/  (try: mlpipe_stage_runs_total, ALERTS)"
  if [ -n "$am_line" ]; then prom_line="$prom_line
  Alertmanager: http://127.0.0.1:$AM_PORT/"; fi
fi

cat <<EOF2

mlpipe is running. Look at:
  Pipelines:    http://127.0.0.1:$AGENT_PORT/pipelines  (the demo workload's status page)
  Agent:        http://127.0.0.1:$AGENT_PORT/           (landing page: collectors, configuration)
  Metrics:      http://127.0.0.1:$AGENT_PORT/metrics
  $prom_line
Demo faults: bin/mlpipe demo --list-faults; rerun with MLPIPE_DEMO_ARGS="--fault NAME".
Logs are in $work. Press Ctrl-C to stop everything.
EOF2
wait
