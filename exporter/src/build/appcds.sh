#!/usr/bin/env bash
# Writes the AppCDS archive that bin/mlpipe starts the agent with (io.mlpipe.cli.CdsTraining
# loads what a start and a few scrapes load, then the JVM dumps those classes at exit).
# The dynamic dump of Debian's OpenJDK 17.0.15 sometimes dies with SIGSEGV in
# SystemDictionaryShared::adjust_lambda_proxy_class_dictionary (seen on 2 of about 10 builds
# here). The archive only makes start-up faster and bin/mlpipe starts without one, so a failed
# dump is retried and then left out with a warning; it never fails the build.
# Usage: appcds.sh JAR JSA
set -u
jar=$1
jsa=$2
dir=$(dirname "$jsa")
for attempt in 1 2 3; do
  rm -f "$jsa"
  if java -XX:ArchiveClassesAtExit="$jsa" -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off \
    -XX:ErrorFile="$dir/hs_err_appcds_%p.log" -cp "$jar" io.mlpipe.cli.CdsTraining && [ -s "$jsa" ]; then
    exit 0
  fi
  echo "appcds.sh: archive dump attempt $attempt failed (see $dir/hs_err_appcds_*.log)" >&2
done
rm -f "$jsa"
echo "appcds.sh: WARNING: no $jsa; bin/mlpipe starts without class-data sharing (slower start only)" >&2
exit 0
