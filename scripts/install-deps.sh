#!/usr/bin/env bash
# Installs what pikube's local simulated cluster and its tests need on Debian or Raspberry Pi
# OS, then builds. Idempotent: each step runs only when something is missing or stale.
#   Debian packages: docker.io etcd-server iptables iproute2 busybox-static
#                    with --tests on x86-64, also what the VM test tier needs (scripts/vm):
#                    qemu-system-x86 qemu-utils debootstrap e2fsprogs, and for the ARM smoke test
#                    qemu-user-static (scripts/arm/prepare-arm.sh then fetches its Node builds)
#   npm packages:    `npm ci` (or `npm install` without a lock) when node_modules is missing or stale
#   build:           tsc -p .
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(docker.io etcd-server iptables iproute2 busybox-static)
if [ "${1:-}" = "--tests" ] && [ "$(uname -m)" = x86_64 ]; then PACKAGES+=(qemu-system-x86 qemu-utils debootstrap e2fsprogs qemu-user-static); fi

say() { echo "install-deps: $*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

check_node() {
  if ! command -v node >/dev/null; then say "Node.js >= 20 is required (https://nodejs.org or NodeSource)"; exit 1; fi
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  if [ "$major" -lt 20 ]; then say "Node.js >= 20 is required, found $(node --version)"; exit 1; fi
}

missing_packages() {
  local p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
  done
}

# The simulated cluster runs one dockerd per simulated node, each in its own network namespace;
# it never needs the machine's own docker or containerd service. Installing docker.io would
# start them, and a dockerd in the machine's namespace rewrites its iptables (FORWARD DROP).
# policy-rc.d (Debian's way to keep package scripts from starting services) prevents that
# while we install; an existing one is left as it is.
install_packages() {
  local policy=/usr/sbin/policy-rc.d added=no
  if [ ! -e "$policy" ]; then
    as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy"
    added=yes
  fi
  say "installing $*"
  local status=0
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q || status=$?
  [ "$status" -eq 0 ] && { as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" || status=$?; }
  [ "$added" = yes ] && as_root rm -f "$policy"
  return "$status"
}

node_modules_stale() {
  [ ! -d node_modules ] && return 0
  [ -f package-lock.json ] && [ ! -f node_modules/.package-lock.json ] && return 0
  [ -f package-lock.json ] && [ package-lock.json -nt node_modules/.package-lock.json ] && return 0
  return 1
}

install_node_modules() {
  if [ -f package-lock.json ]; then
    say "npm ci"
    npm ci --no-audit --no-fund
  else
    say "npm install"
    npm install --no-audit --no-fund
  fi
}

check_node
mapfile -t missing < <(missing_packages)
if [ "${#missing[@]}" -gt 0 ]; then install_packages "${missing[@]}"; fi
if [ ! -x /usr/bin/kubectl ]; then say "warning: /usr/bin/kubectl not found; the e2e tests and the kubectl examples need it"; fi
if node_modules_stale; then install_node_modules; fi
if [ "${1:-}" = "--tests" ] && [ "$(uname -m)" = x86_64 ]; then bash scripts/arm/prepare-arm.sh || say "warning: the ARM smoke test will be skipped: scripts/arm/prepare-arm.sh failed"; fi
say "building (tsc -p .)"
npx tsc -p .
