#!/usr/bin/env bash
# Builds the root filesystem of the offline base image: a jlink'd Java 17 runtime at
# /opt/java/openjdk (where eclipse-temurin puts it, so one entrypoint serves both bases) plus the
# shared libraries it links against, taken from this machine (glibc, zlib), and the passwd/group
# entries of user 65534. The published image uses eclipse-temurin:17-jre instead (README).
# Usage: jre-base.sh OUT_DIR   (OUT_DIR/rootfs is what the image holds; kept until the module
# list, the JDK or this script changes)
set -euo pipefail
out=$1
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
# What the agent needs: `jdeps --print-module-deps --ignore-missing-deps --multi-release 17
# exporter/target/mlpipe.jar` (java.base, java.desktop, java.naming, java.security.jgss, java.sql,
# jdk.management, jdk.unsupported), plus what is only loaded at run time: jdk.crypto.ec (ECDHE and
# EC keys for TLS) and jdk.zipfs.
modules=java.base,java.desktop,java.naming,java.net.http,java.security.jgss,java.sql,jdk.management,jdk.unsupported,jdk.crypto.ec,jdk.zipfs

rootfs=$out/rootfs
stamp=$out/stamp
want="$modules $java_home $(sha256sum "$0" | cut -c1-64)"
if [ -x "$rootfs/opt/java/openjdk/bin/java" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "jre-base: $rootfs is up to date"
  exit 0
fi
rm -rf "$out"
mkdir -p "$rootfs/opt/java" "$rootfs/etc" "$rootfs/tmp" "$rootfs/proc"
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --compress=2 --output "$rootfs/opt/java/openjdk"

# The libraries the runtime's binaries and shared objects load, with the paths ldd resolves them
# to (the dynamic loader included), so that the image runs without a distribution underneath.
# java.desktop's AWT, font, sound and image libraries are left out: the agent runs headless and
# only needs java.beans from that module (they would pull X11, freetype and ALSA in).
find "$rootfs/opt/java/openjdk" -type f \( -name '*.so' -o -path '*/bin/*' \) \
  ! -name 'libawt*' ! -name 'libjawt*' ! -name 'libfontmanager*' ! -name 'libjsound*' \
  ! -name 'libsplashscreen*' ! -name 'liblcms*' ! -name 'libjavajpeg*' ! -name 'libmlib_image*' \
  -print0 |
  xargs -0 ldd 2>/dev/null |
  grep -o '/[^ ]*\.so[^ ]*' | sort -u |
  while read -r lib; do
    case $lib in "$rootfs"*) continue ;; esac
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
  done
# ld.so is found through the path in the ELF header; some distributions reach it through /lib64.
if [ -e /lib64/ld-linux-x86-64.so.2 ] && [ ! -e "$rootfs/lib64/ld-linux-x86-64.so.2" ]; then
  mkdir -p "$rootfs/lib64"
  cp -L /lib64/ld-linux-x86-64.so.2 "$rootfs/lib64/"
fi
printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
echo "$want" >"$stamp"
du -sh "$rootfs" | sed 's/^/jre-base: /'
