#!/usr/bin/env bash
# Runs every test of mlpipe: installs the real parts the tests start (Debian packages) and Node.js
# for the dashboards' generator when they are missing, then `mvn -B verify` (unit tests, the
# real-stack e2e tests, formatting checks).
# Extra arguments go to Maven, e.g. scripts/test.sh -pl exporter -Dtest=ConfigLoaderTest
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
need() { # need BINARY PACKAGE
  command -v "$1" >/dev/null 2>&1 || missing+=("$2")
}
need prometheus prometheus
need promtool prometheus
need prometheus-alertmanager prometheus-alertmanager
need amtool prometheus-alertmanager
need prometheus-pushgateway prometheus-pushgateway
need prometheus-node-exporter prometheus-node-exporter
need chromium chromium
need curl curl
need mkfs.ext4 e2fsprogs  # DiskFullTest: an ext4 image that turns read-only under the agent
need e2fsck e2fsprogs
need node nodejs  # dashboards/: mvn verify runs the generator (npm ci, tsc --strict, tsx)
need npm npm
/usr/bin/python3 -c 'import prometheus_client' >/dev/null 2>&1 || missing+=(python3-prometheus-client)

if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  echo "test.sh: installing ${missing[*]}" >&2
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "test.sh: need root (or sudo) to install ${missing[*]}" >&2; exit 1; }
    sudo_cmd=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  # Package scripts may try to start services (ports 9090, 9093, 9091, 9100); tests use free ports.
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

exec mvn -B verify "$@"
