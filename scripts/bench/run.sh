#!/usr/bin/env bash
# The benchmark of mlpipe side by side with node_exporter and Pushgateway (Debian's), one command:
#   scripts/bench/run.sh           # every figure, ~8 minutes, includes 1M series with -Xmx512m
#   scripts/bench/run.sh --quick   # shorter runs, no 1M series, under 4 minutes
#   scripts/bench/run.sh --only host,push   # parts: host,push,100k,1m,start,run,events
# Starts each server on 127.0.0.1 with a free port and temporary storage, warms it up, measures
# (wrk, hyperfine, CPU and RSS from /proc) and writes bench/results/<UTC time>[-quick].md and .json,
# then regenerates the README's measurement table from that file (scripts/bench/readme_table.py).
# Installs wrk and hyperfine with apt-get when missing and running as root. Builds the jar if absent.
# Run it on a quiet machine: the ratios are what matters, but other load skews them (the results
# file records the load average before, during and after).
set -euo pipefail
cd "$(dirname "$0")/../.."
need=()
for tool in wrk hyperfine prometheus-node-exporter prometheus-pushgateway; do
  command -v "$tool" >/dev/null || need+=("$tool")
done
if [ ${#need[@]} -gt 0 ]; then
  pkgs="${need[*]}" # each tool is its Debian package's name
  if [ "$(id -u)" = 0 ]; then
    # shellcheck disable=SC2086
    apt-get install -y -qq $pkgs >/dev/null || { apt-get update -qq && apt-get install -y -qq $pkgs >/dev/null; }
  else
    echo "run.sh: missing: ${need[*]} (sudo apt-get install -y $pkgs)" >&2
    exit 1
  fi
fi
[ -f exporter/target/mlpipe.jar ] || mvn -B -q -pl exporter -am package -DskipTests -Dspotless.check.skip=true
/usr/bin/python3 scripts/bench/bench.py "$@"
/usr/bin/python3 scripts/bench/readme_table.py
