#!/usr/bin/env bash
# Scrape cost of the agent's host collectors next to node_exporter's (Debian's), same collectors,
# median of N scrapes each (default 100). Builds the agent and the test classes first (no install).
#   scripts/bench/scrape.sh [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q package -DskipTests -Dspotless.check.skip=true
cp_file=e2e/target/bench.classpath
mvn -B -q -pl e2e -am dependency:build-classpath -Dmdep.outputFile="$PWD/$cp_file" -Dmdep.includeScope=test >/dev/null
cp="e2e/target/test-classes:exporter/target/test-classes:exporter/target/classes:$(cat "$cp_file")"
exec java -Dmlpipe.jar="$PWD/exporter/target/mlpipe.jar" -cp "$cp" io.mlpipe.e2e.ScrapeBenchmark "${1:-100}"
