#!/usr/bin/env bash
# Scrape cost of the agent's host collectors next to node_exporter's (Debian's), same collectors,
# median of N scrapes each (default 100). Builds the agent and the test classes first (no install).
#   scripts/bench/scrape.sh [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
cp_file=e2e/target/bench.classpath
# One reactor run, so that e2e's dependency on the exporter resolves to the module just packaged
# (nothing is installed in ~/.m2); e2e is built last, so its classpath is the one left in cp_file.
mvn -B -q package dependency:build-classpath -DskipTests -Dspotless.check.skip=true \
  -Dmdep.outputFile="$PWD/$cp_file" -Dmdep.includeScope=test
cp="e2e/target/test-classes:exporter/target/test-classes:exporter/target/classes:$(cat "$cp_file")"
exec java -Dmlpipe.jar="$PWD/exporter/target/mlpipe.jar" -cp "$cp" io.mlpipe.e2e.ScrapeBenchmark "${1:-100}"
