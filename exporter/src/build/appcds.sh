#!/usr/bin/env bash
# Writes the AppCDS archives that bin/mlpipe starts the JVM with: io.mlpipe.cli.CdsTraining runs a
# workload, the JVM lists the classes it loads, and a static dump (-Xshare:dump) parses and
# verifies them once into an archive.
#   JSA (mlpipe.jsa)            `CdsTraining serve`: what an idle agent loads (start, scrapes), for
#                               `mlpipe serve`.
#   JSA-client (mlpipe-client.jsa) `CdsTraining all`: that, a push, an event and `mlpipe run`, for
#                               the short-lived clients (run, push, flush, status, ...).
# Why two: Debian's JDK 17 relocates the archive at start (ArchiveRelocationMode=1: it is copied
# and patched), so every page of it is resident in the JVM, classes used or not. The serve archive
# holds only what an idle agent uses (a push, an event or a JSON API call loads the rest from the
# jar, once); with one archive for both, an agent that was only scraped paid for the push, event
# and run classes (~540 classes, Jackson's databind most of them) in its RSS.
#
# Why static and without lambda proxies: Debian's OpenJDK 17.0.15 dies with SIGSEGV in
# SystemDictionaryShared::adjust_lambda_proxy_class_dictionary whenever it archives lambda proxy
# classes, in the dynamic dump (-XX:ArchiveClassesAtExit: 12 of 12 dumps here on 2026-12-02) and in
# the static one alike. The static dump of the class list without its @lambda-proxy lines does not
# reach that code (10 of 10 dumps succeeded); lambdas are then spun at run time as without CDS,
# every other class is mapped from the archive. An archive only makes start-up faster and
# bin/mlpipe starts without one, so a failed dump leaves it out with a warning; it never fails
# the build.
# Usage: appcds.sh JAR JSA
set -u
jar=$1
jsa=$2
dir=$(dirname "$jsa")

# archive WORKLOAD JSA: trains CdsTraining WORKLOAD, dumps its classes into JSA.
archive() {
  local workload=$1 out=$2
  local list="${out%.jsa}.classlist"
  rm -f "$out" "$list"
  if ! java -XX:DumpLoadedClassList="$list.all" -XX:+UseSerialGC -cp "$jar" io.mlpipe.cli.CdsTraining \
    "$workload" >/dev/null; then
    echo "appcds.sh: WARNING: the $workload training run failed; no $out (slower start only)" >&2
    return 0
  fi
  grep -v '^@lambda-proxy' "$list.all" >"$list"
  rm -f "$list.all"
  for attempt in 1 2; do
    if java -Xshare:dump -XX:SharedClassListFile="$list" -XX:SharedArchiveFile="$out" -XX:+UseSerialGC \
      -Xlog:cds=off -XX:ErrorFile="$dir/hs_err_appcds_%p.log" -cp "$jar" >/dev/null && [ -s "$out" ]; then
      return 0
    fi
    echo "appcds.sh: archive dump attempt $attempt failed (see $dir/hs_err_appcds_*.log)" >&2
    rm -f "$out"
  done
  echo "appcds.sh: WARNING: no $out; bin/mlpipe starts without class-data sharing (slower start only)" >&2
}

archive serve "$jsa"
archive all "${jsa%.jsa}-client.jsa"
exit 0
