#!/usr/bin/env bash
# Bounded soak of the packaged agent: mixed pushes, event batches and scrapes from localhost plus a
# cardinality attack, for SECONDS (default 180), through e2e's SoakTest (which CI runs for 45 s).
# Prints one line per 5 s window (RSS, heap, p99 latency, requests) and a summary.
#   scripts/bench/soak.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-180}"
# exporter builds the jar (no tests of its own match), then e2e runs only the soak
mvn -B verify -pl exporter,e2e -Dtest=SoakTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dmlpipe.soak.seconds="$seconds" | grep -E '^soak|Tests run:|FAIL|BUILD'
