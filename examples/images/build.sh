#!/usr/bin/env bash
# Builds the images Gantry's examples and tests use, with no registry: a root filesystem made of
# Debian's static busybox, imported into the local Docker engine.
#   gantry/pause:1.0  the pod sandbox: holds the pod's network, does nothing, stops at once on TERM
#   gantry/httpd:1.0  a small web server (busybox httpd on port 80) that also runs sh, sleep, echo...
# Usage: examples/images/build.sh [--if-missing]
set -euo pipefail

if_missing=false
[ "${1:-}" = "--if-missing" ] && if_missing=true

busybox=/bin/busybox
if [ ! -x "$busybox" ] || ldd "$busybox" >/dev/null 2>&1; then
  echo "build.sh: a static busybox is needed at $busybox: apt-get install busybox-static" >&2
  exit 1
fi
if ! docker info >/dev/null 2>&1; then
  echo "build.sh: no Docker engine answers (docker info failed): start one with ./gantry engine" >&2
  exit 1
fi

present() { docker image inspect "$1" >/dev/null 2>&1; }

# rootfs DIR: a filesystem with busybox and a link for each of its applets
rootfs() {
  mkdir -p "$1/bin" "$1/tmp" "$1/www" "$1/etc"
  cp "$busybox" "$1/bin/busybox"
  for applet in $("$busybox" --list); do
    [ -e "$1/bin/$applet" ] || ln -s busybox "$1/bin/$applet"
  done
  echo "root:x:0:0:root:/:/bin/sh" > "$1/etc/passwd"
  echo "root:x:0:" > "$1/etc/group"
}

# build NAME CMD-JSON: imports a fresh rootfs as NAME with CMD
build() {
  local name=$1 cmd=$2
  if $if_missing && present "$name"; then
    echo "image $name is present"
    return
  fi
  local dir
  dir=$(mktemp -d)
  rootfs "$dir"
  tar -C "$dir" -c . | docker import -c "CMD $cmd" -c 'ENV PATH=/bin' - "$name" >/dev/null
  rm -rf "$dir"
  echo "built image $name"
}

# PID 1 ignores TERM unless it traps it: both images trap it, so that pods stop at once.
build gantry/pause:1.0 '["/bin/sh", "-c", "trap \"exit 0\" TERM INT; while :; do sleep 3600 & wait $!; done"]'
build gantry/httpd:1.0 '["/bin/sh", "-c", "echo \"hello from Gantry, pod $(hostname)\" > /www/index.html; trap \"exit 0\" TERM INT; httpd -f -p 80 -h /www & wait $!"]'
