#!/usr/bin/env bash
# Fuzzes every Jazzer target of mlpipe for longer than the regression run of `mvn test` does
# (that one only replays the committed seeds). One target per Maven run, as Jazzer requires.
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [Class#method ...]     (default 60 s, every target)
# New corpus entries go to exporter/.cifuzz-corpus/ (git-ignored); a crash is written as a seed
# file under exporter/src/test/resources/... and fails the run; commit it as a regression test.
# Prints one summary line per target: executions and seconds, from libFuzzer's "Done" line.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(
    IngestFuzzTest#textFormat
    IngestFuzzTest#protobuf
    IngestFuzzTest#events
    IngestFuzzTest#groupingKeyPath
    ConfigFuzzTest#agentConfig
    WebConfigFuzzTest#webConfig
  )
fi

mvn -B -q -pl exporter test-compile
logdir="exporter/target/fuzz"
mkdir -p "$logdir"
status=0
summary=()
for t in "${targets[@]}"; do
  log="$logdir/${t/\#/.}.log"
  echo "fuzz.sh: $t for ${seconds}s (log: $log)" >&2
  if JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${seconds}s" \
      mvn -B -o -pl exporter surefire:test -Dtest="$t" -Dsurefire.failIfNoSpecifiedTests=false \
      >"$log" 2>&1; then
    result=ok
  else
    result=FAILED
    status=1
  fi
  done_line=$(grep -E '^Done [0-9]+ runs in' "$log" | tail -1 || true)
  summary+=("$t: $result, ${done_line:-no libFuzzer summary (see $log)}")
done
printf '%s\n' "${summary[@]}"
exit $status
