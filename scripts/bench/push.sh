#!/usr/bin/env bash
# Pushes/s of the push API: the agent with --storage.fsync=always, then =batch, then the real
# Pushgateway, one after another on free ports of this machine. wrk (-t2 -c4: 4 concurrent clients)
# PUTs a 20-series text body to 100 rotating groups (push.lua) for DURATION after a WARMUP that is
# not counted. Prints one table row per server: PUT/s, p50, p99, RSS after. The agent starts as
# users start it, through bin/mlpipe (its JVM options; JAVA_OPTS overrides them).
#
#   scripts/bench/push.sh            # DURATION=15s WARMUP=5s by default
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-5s}
JAR=exporter/target/mlpipe.jar
LUA=scripts/bench/push.lua

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
  else
    echo "wrk is missing: sudo apt-get install -y wrk" >&2
    exit 1
  fi
fi
command -v prometheus-pushgateway >/dev/null || { echo "prometheus-pushgateway is missing" >&2; exit 1; }
[ -f "$JAR" ] || mvn -B -q package -DskipTests -pl exporter

WORK=$(mktemp -d)
PID=
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_ready() {
  for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:$1/-/ready" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "not ready on port $1" >&2
  return 1
}

rss_mb() { awk '/VmRSS/ { printf "%.0f MB", $2 / 1024 }' "/proc/$1/status"; }

# ms with two decimals from wrk's "50%   1.23ms" style figures
to_ms() {
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.2f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.2f", v }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.2f", v * 1000 }
    else print v }'
}

run() { # name port
  local name=$1 port=$2 out
  wrk -t2 -c4 -d"$WARMUP" -s "$LUA" "http://127.0.0.1:$port" >/dev/null
  out=$(wrk -t2 -c4 -d"$DURATION" --latency -s "$LUA" "http://127.0.0.1:$port")
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' <<<"$out")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
  errors=$(awk '/Non-2xx/ { print $NF }' <<<"$out")
  printf '| %-28s | %7s | %8s | %8s | %8s | %s\n' "$name" "$rps" "$p50" "$p99" "$(rss_mb "$PID")" \
    "${errors:+non-2xx: $errors}"
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
}

echo "wrk -t2 -c4 -d$DURATION (after a $WARMUP warm-up), 20-series PUT, 100 groups, $(nproc) CPUs"
printf '| %-28s | %7s | %8s | %8s | %8s |\n' server "PUT/s" "p50 ms" "p99 ms" "RSS"
printf '| %-28s | %7s | %8s | %8s | %8s |\n' "---" "---" "---" "---" "---"
for mode in always batch; do
  port=$(free_port)
  mkdir -p "$WORK/$mode"
  MLPIPE_JAR="$JAR" bin/mlpipe serve --web.listen-address="127.0.0.1:$port" --storage.path="$WORK/$mode/data" \
    --storage.fsync="$mode" --log.level=warn >"$WORK/$mode/log" 2>&1 &
  PID=$!
  wait_ready "$port"
  run "mlpipe fsync=$mode" "$port"
done
port=$(free_port)
prometheus-pushgateway --web.listen-address="127.0.0.1:$port" \
  --persistence.file="$WORK/pushgateway.data" >"$WORK/pg.log" 2>&1 &
PID=$!
wait_ready "$port"
run "Pushgateway $(prometheus-pushgateway --version 2>&1 | awk 'NR==1 { print $3 }')" "$port"
