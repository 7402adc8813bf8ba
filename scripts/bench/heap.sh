#!/usr/bin/env bash
# Heap bytes per stored series: starts the agent, reads jvm_memory_used_bytes{area="heap"} after a
# forced full GC (jcmd GC.run) when empty, pushes NGROUPS x SERIES series (default 1000 x 100 =
# 100k, 4 concurrent curl clients), forces a GC again and divides the difference by the number of
# series the agent reports in mlpipe_exporter_series{source="push"}.
#
#   scripts/bench/heap.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
NGROUPS=${NGROUPS:-1000}
SERIES=${SERIES:-100}
JAR=exporter/target/mlpipe.jar
[ -f "$JAR" ] || mvn -B -q package -DskipTests -pl exporter

WORK=$(mktemp -d)
PID=
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
java -Xmx1g -jar "$JAR" serve --web.listen-address="127.0.0.1:$port" --storage.path="$WORK/data" \
  --storage.fsync=batch --log.level=warn >"$WORK/log" 2>&1 &
PID=$!
for _ in $(seq 1 300); do curl -fs "$base/-/ready" >/dev/null 2>&1 && break; sleep 0.1; done

metric() { curl -fs "$base/metrics" | awk -v m="$1" 'index($0, m) == 1 { printf "%.0f\n", $NF }'; }

# The lowest of three readings, each right after a full GC (a scrape allocates a little itself).
heap_after_gc() {
  local best=
  for _ in 1 2 3; do
    jcmd "$PID" GC.run >/dev/null
    sleep 0.5
    local v
    v=$(metric 'jvm_memory_used_bytes{area="heap"}')
    if [ -z "$best" ] || [ "$v" -lt "$best" ]; then best=$v; fi
  done
  echo "$best"
}

# Warm the push path (classes loaded, JIT) with one group that is deleted again.
body="$WORK/body"
{
  echo "# TYPE bench_series gauge"
  for k in $(seq 0 $((SERIES - 1))); do
    echo "bench_series{series=\"s$k\",stage=\"train\",pipeline=\"churn\"} $k.5"
  done
} >"$body"
curl -fs -X PUT --data-binary @"$body" "$base/metrics/job/warm" >/dev/null
curl -fs -X DELETE "$base/metrics/job/warm" >/dev/null

empty=$(heap_after_gc)
t0=$(date +%s.%N)
seq 1 "$NGROUPS" | xargs -P4 -I{} curl -fs -o /dev/null -X PUT --data-binary @"$body" \
  "$base/metrics/job/heap/instance/node-{}"
t1=$(date +%s.%N)
series=$(metric 'mlpipe_exporter_series{source="push"}')
full=$(heap_after_gc)
rss=$(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$PID/status")
awk -v e="$empty" -v f="$full" -v s="$series" -v g="$NGROUPS" -v r="$rss" -v t="$(echo "$t1 - $t0" | bc)" 'BEGIN {
  printf "groups %d, series %d (pushed in %.1f s)\n", g, s, t
  printf "heap after GC: empty %.1f MB, full %.1f MB\n", e / 1048576, f / 1048576
  printf "heap bytes per stored series: %.0f\n", (f - e) / s
  printf "RSS with the series: %d MB\n", r
}'
