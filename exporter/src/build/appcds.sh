#!/usr/bin/env bash
# Writes the AppCDS archive that bin/mlpipe starts the agent with: io.mlpipe.cli.CdsTraining loads
# what a start and a few scrapes load, the JVM lists those classes, and a static dump
# (-Xshare:dump) parses and verifies them once into the archive.
#
# Why static and without lambda proxies: Debian's OpenJDK 17.0.15 dies with SIGSEGV in
# SystemDictionaryShared::adjust_lambda_proxy_class_dictionary whenever it archives lambda proxy
# classes, in the dynamic dump (-XX:ArchiveClassesAtExit: 12 of 12 dumps here on 2026-12-02) and in
# the static one alike. The static dump of the class list without its @lambda-proxy lines does not
# reach that code (10 of 10 dumps succeeded); lambdas are then spun at run time as without CDS,
# every other class is mapped from the archive. The archive only makes start-up faster and
# bin/mlpipe starts without one, so a failed dump leaves it out with a warning; it never fails
# the build.
# Usage: appcds.sh JAR JSA
set -u
jar=$1
jsa=$2
dir=$(dirname "$jsa")
list="$dir/mlpipe.classlist"
rm -f "$jsa" "$list"
if ! java -XX:DumpLoadedClassList="$list.all" -XX:+UseSerialGC -cp "$jar" io.mlpipe.cli.CdsTraining >/dev/null; then
  echo "appcds.sh: WARNING: the training run failed; bin/mlpipe starts without class-data sharing" >&2
  exit 0
fi
grep -v '^@lambda-proxy' "$list.all" >"$list"
rm -f "$list.all"
for attempt in 1 2; do
  if java -Xshare:dump -XX:SharedClassListFile="$list" -XX:SharedArchiveFile="$jsa" -XX:+UseSerialGC \
    -Xlog:cds=off -XX:ErrorFile="$dir/hs_err_appcds_%p.log" -cp "$jar" >/dev/null && [ -s "$jsa" ]; then
    exit 0
  fi
  echo "appcds.sh: archive dump attempt $attempt failed (see $dir/hs_err_appcds_*.log)" >&2
  rm -f "$jsa"
done
echo "appcds.sh: WARNING: no $jsa; bin/mlpipe starts without class-data sharing (slower start only)" >&2
exit 0
