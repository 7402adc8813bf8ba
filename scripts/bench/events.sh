#!/usr/bin/env bash
# Ingest throughput of the JSON events API and the overhead of `mlpipe run` on a trivial command.
#   scripts/bench/events.sh [SECONDS]     (default 15 per wrk run)
# Starts the packaged agent (fsync=batch) on a free port with a throw-away store, then:
#   1. wrk, 4 threads x 4 connections: one records event per POST, then 100 per POST (a JSON array);
#      events without ids (no dedup markers), counters incremented by every request.
#   2. hyperfine: `true` against `bin/mlpipe run --pipeline p --stage s -- true` (agent reachable).
# Installs wrk and hyperfine with apt-get when missing and running as root.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs="${1:-15}"
for tool in wrk hyperfine; do
  if ! command -v "$tool" >/dev/null; then
    if [ "$(id -u)" = 0 ]; then apt-get install -y -qq "$tool" >/dev/null; else
      echo "events.sh: $tool is missing (apt-get install $tool)" >&2; exit 1; fi
  fi
done
jar=exporter/target/mlpipe.jar
[ -f "$jar" ] || mvn -B -q -pl exporter package -DskipTests -Dspotless.check.skip=true

work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
java -XX:+UseSerialGC -jar "$jar" serve --web.listen-address="127.0.0.1:$port" \
  --storage.path="$work/data" --storage.fsync=batch --log.level=warn >"$work/agent.log" 2>&1 &
agent=$!
trap 'kill $agent 2>/dev/null; wait $agent 2>/dev/null; rm -rf "$work"' EXIT
url="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -fs "$url/-/ready" >/dev/null && break; sleep 0.2; done

event='{"type":"records","pipeline":"bench","stage":"load","processed":100,"invalid":1}'
batch="[$(for i in $(seq 1 100); do printf '%s%s' "$([ "$i" = 1 ] || echo ,)" "$event"; done)]"
lua() { # $1 = body
  cat <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [==[$1]==]
LUA
}
lua "$event" >"$work/single.lua"
lua "$batch" >"$work/batch.lua"

# Warm the JIT, then measure.
wrk -t4 -c4 -d5s -s "$work/single.lua" "$url/api/v1/events" >/dev/null
echo "== single events: 4 connections, ${secs}s, fsync=batch (load: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores)"
wrk -t4 -c4 -d"${secs}s" --latency -s "$work/single.lua" "$url/api/v1/events" | tee "$work/single.out"
echo "== batches of 100 events: 4 connections, ${secs}s, fsync=batch"
wrk -t4 -c4 -d"${secs}s" --latency -s "$work/batch.lua" "$url/api/v1/events" | tee "$work/batch.out"
rps() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
if grep -q 'Non-2xx' "$work/single.out" "$work/batch.out"; then
  echo "events.sh: some requests were refused; see $work/agent.log" >&2
  exit 1
fi
single="$(rps "$work/single.out")"
batched="$(rps "$work/batch.out")"
processed="$(curl -fs "$url/metrics" | awk '/^mlpipe_stage_records_total\{outcome="processed",pipeline="bench"/ {print $2}')"

echo "== mlpipe run overhead on a trivial command (agent reachable)"
MLPIPE_AGENT="$url" MLPIPE_SPOOL="$work/spool" hyperfine -N --warmup 3 --runs 20 \
  --export-markdown "$work/run.md" 'true' 'bin/mlpipe run --pipeline p --stage s -- true'
echo
printf 'events/s single: %.0f   events/s in batches of 100: %.0f   (processed counter: %s)\n' \
  "$single" "$(echo "$batched * 100" | bc -l)" "$processed"
cat "$work/run.md"
