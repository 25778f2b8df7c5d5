#!/usr/bin/env bash
# Installs pikube on one Raspberry Pi (or any Debian bookworm/trixie machine, arm64, armhf or
# amd64), from a release tarball made by `npm run release` (unpacked) or a built checkout.
#
#   sudo ./scripts/install.sh --role server [--advertise-address IP]
#   sudo ./scripts/install.sh --role agent --server https://IP:6443 --token ID.SECRET --ca-cert-hash sha256:HEX [--node-name N] [--node-ip IP]
#   sudo ./scripts/install.sh --role agent --server IP:6444 --ca-hash sha256:HEX --cert-dir DIR [--node-name N] [--node-ip IP]
#   sudo ./scripts/install.sh --upgrade      replace the code, restart the services (pods keep running)
#   sudo ./scripts/install.sh --uninstall    remove what this script made (pods' containers stopped; Docker stays)
#
# Idempotent: a second run with the same arguments changes nothing. Code in /opt/pikube,
# settings in /etc/pikube, data in /var/lib/pikube, units in /etc/systemd/system.
# An agent joins with a bootstrap token (`sudo pikube-server token create --print-join-command`
# on the server prints the token and the CA hash), or with a node certificate copied from the
# server (`pikube-server issue-node-cert`) and checked against --ca-hash.
set -euo pipefail

SOURCE=$(cd "$(dirname "$0")/.." && pwd)
OPT=/opt/pikube ETC=/etc/pikube VAR=/var/lib/pikube UNITS=/etc/systemd/system BIN=/usr/local/bin
ROLE='' SERVER='' TOKEN='' CA_HASH='' CERT_DIR='' NODE_NAME='' NODE_IP='' ADVERTISE='' ACTION=install
CHANGED=0

say() { echo "pikube install: $*"; }
die() { echo "pikube install: $*" >&2; exit 2; }

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

parse_args() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --role) ROLE=${2:?}; shift ;;
      --server) SERVER=${2:?}; shift ;;
      --token) TOKEN=${2:?}; shift ;;
      --ca-hash|--ca-cert-hash) CA_HASH=${2:?}; shift ;;
      --cert-dir) CERT_DIR=${2:?}; shift ;;
      --node-name) NODE_NAME=${2:?}; shift ;;
      --node-ip) NODE_IP=${2:?}; shift ;;
      --advertise-address) ADVERTISE=${2:?}; shift ;;
      --join) die "--join (another control plane of an HA cluster) is not supported by install.sh yet: it installs one control plane with its own etcd. An HA control plane needs an etcd member on each server (one cluster of 3) and the first server's /var/lib/pikube/pki on the others; docs/design-notes.md (install) says what is missing" ;;
      --upgrade) ACTION=upgrade ;;
      --uninstall) ACTION=uninstall ;;
      -h|--help) usage ;;
      *) die "unknown argument $1 (see --help)" ;;
    esac
    shift
  done
}

check_platform() {
  [ "$(id -u)" -eq 0 ] || die "run as root (sudo)"
  # shellcheck disable=SC1091
  . /etc/os-release
  case "${VERSION_CODENAME:-}" in bookworm|trixie) ;; *) die "Debian or Raspberry Pi OS bookworm or trixie is needed, found ${PRETTY_NAME:-unknown}" ;; esac
  ARCH=$(dpkg --print-architecture)
  case "$ARCH" in arm64|armhf|amd64) ;; *) die "architecture $ARCH is not supported (arm64, armhf, amd64)" ;; esac
}

# Installs Debian packages that are missing. Package scripts must not start services here when
# systemd is not running (a rootfs being prepared): policy-rc.d says so while we install.
apt_install() {
  local missing=() p
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
  [ "${#missing[@]}" -eq 0 ] && return 0
  say "installing ${missing[*]} from Debian"
  local policy=/usr/sbin/policy-rc.d added=no
  if [ ! -d /run/systemd/system ] && [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod 755 "$policy"; added=yes; fi
  local status=0
  DEBIAN_FRONTEND=noninteractive apt-get update -q || status=$?
  [ "$status" -eq 0 ] && { DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" || status=$?; }
  [ "$added" = yes ] && rm -f "$policy"
  [ "$status" -eq 0 ] || die "apt-get failed ($status)"
  CHANGED=1
}

node_major() { /usr/bin/node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# Node.js >= 20: Debian's nodejs where new enough (trixie: 20), else exactly what to do.
ensure_node() {
  if [ "$(node_major)" -ge 20 ]; then return 0; fi
  if [ "$VERSION_CODENAME" = trixie ]; then apt_install nodejs; [ "$(node_major)" -ge 20 ] && return 0; fi
  die "Node.js >= 20 is needed at /usr/bin/node and Debian $VERSION_CODENAME's nodejs is older (bookworm: 18).
  Install Node.js 20 from NodeSource (https://github.com/nodesource/distributions: the node_20.x repository, package nodejs),
  or unpack the official linux-$( [ "$ARCH" = armhf ] && echo armv7l || { [ "$ARCH" = amd64 ] && echo x64 || echo arm64; } ) build of Node.js 20 into /usr/local and link /usr/bin/node to it; then run this again."
}

# What runs on a Pi: the built code of these folders (a checkout's dist/ also holds its tests and scripts).
RUNTIME_DIST='api base host control-plane agent proto'

is_release() { [ -f "$SOURCE/.release" ]; }

# A digest of the code to install, to skip an unchanged copy. A release's node_modules is what
# gets installed; a checkout's holds the dev tools too, and its lockfile says which packages are copied.
code_digest() {
  local modules=node_modules d dirs=()
  is_release || modules=package-lock.json
  for d in $RUNTIME_DIST; do dirs+=("dist/$d"); done
  (cd "$1" && find "${dirs[@]}" package.json proto/node.proto deploy vendor "$modules" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}

install_code() {
  [ -f "$SOURCE/dist/agent/main.js" ] || die "$SOURCE has no dist/: unpack a release tarball (npm run release), or build the checkout (npm ci && npm run build)"
  [ -d "$SOURCE/node_modules" ] || die "$SOURCE has no node_modules: use a release tarball, or run npm ci there"
  local want have=''
  want=$(code_digest "$SOURCE")
  [ -f "$OPT/.digest" ] && have=$(cat "$OPT/.digest")
  if [ "$want" = "$have" ]; then say "code in $OPT is up to date"; return 0; fi
  say "installing the code into $OPT"
  rm -rf "$OPT.new"
  mkdir -p "$OPT.new"
  local d
  mkdir -p "$OPT.new/dist" "$OPT.new/proto"
  for d in $RUNTIME_DIST; do cp -a "$SOURCE/dist/$d" "$OPT.new/dist/"; done
  cp -a "$SOURCE/package.json" "$SOURCE/deploy" "$SOURCE/vendor" "$OPT.new/"
  cp "$SOURCE/proto/node.proto" "$OPT.new/proto/"
  if is_release; then cp -a "$SOURCE/node_modules" "$OPT.new/"
  else
    # A checkout's node_modules holds the dev tools too: only the production packages of its
    # lockfile are copied (what npm ci --omit=dev installs; no npm or network needed here).
    /usr/bin/node "$SOURCE/dist/scripts/install/production-modules.js" "$SOURCE" "$OPT.new" || die "could not copy the production dependencies from $SOURCE/node_modules"
  fi
  echo "$want" > "$OPT.new/.digest"
  rm -rf "$OPT.old"; [ -d "$OPT" ] && mv "$OPT" "$OPT.old"; mv "$OPT.new" "$OPT"; rm -rf "$OPT.old"
  CHANGED=1
}

# Copies $1 to $2 when it differs; remembers that units changed.
put_file() {
  if [ -f "$2" ] && cmp -s "$1" "$2"; then return 0; fi
  mkdir -p "$(dirname "$2")"; install -m "${3:-644}" "$1" "$2"; CHANGED=1; UNITS_CHANGED=1
}

systemd_version() { systemctl --version 2>/dev/null | awk 'NR==1 {print $2}'; }

install_units() {
  UNITS_CHANGED=0
  local unit=$1 tmp
  put_file "$SOURCE/deploy/systemd/$unit.service" "$UNITS/$unit.service"
  if [ "$(systemd_version || echo 0)" -ge 254 ]; then put_file "$SOURCE/deploy/systemd/restart-backoff.conf" "$UNITS/$unit.service.d/restart-backoff.conf"; fi
  tmp=$(mktemp); printf '#!/bin/sh\nexec /usr/bin/node %s/dist/%s/main.js "$@"\n' "$OPT" "$( [ "$unit" = pikube-server ] && echo control-plane || echo agent)" > "$tmp"
  put_file "$tmp" "$BIN/$unit" 755; rm -f "$tmp"
  if [ "$unit" = pikube-server ]; then put_file "$SOURCE/deploy/systemd/etcd.service.d/pikube-sd-card.conf" "$UNITS/etcd.service.d/pikube-sd-card.conf"; fi
  if [ "$UNITS_CHANGED" = 1 ] && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
}

# enable, and start when systemd runs here (a rootfs being prepared has none running).
enable_start() {
  local u
  for u in "$@"; do
    systemctl is-enabled -q "$u" 2>/dev/null || { systemctl enable -q "$u"; CHANGED=1; }
    if [ -d /run/systemd/system ]; then systemctl is-active -q "$u" || { systemctl start "$u"; CHANGED=1; }
    else say "systemd is not running here: $u enabled, not started"; fi
  done
}

# This machine's LAN address: the first global IPv4 address not on a bridge of Docker's or pikube's
# (docker0 may come first where Docker was installed before, as on a machine that is server and agent).
first_address() { ip -4 -o addr show scope global 2>/dev/null | awk '$2 !~ /^(docker|br-|veth|pikube)/ { sub(/\/.*/, "", $4); print $4; exit }'; }

write_once() { # file content: settings are written once, never overwritten (edit them freely)
  [ -f "$1" ] && return 0
  mkdir -p "$(dirname "$1")"; printf '%s' "$2" > "$1"; chmod 600 "$1"; CHANGED=1; say "wrote $1"
}

ca_hash_of() { /usr/bin/node -e 'const c=new (require("crypto").X509Certificate)(require("fs").readFileSync(process.argv[1]));console.log("sha256:"+require("crypto").createHash("sha256").update(c.publicKey.export({type:"spki",format:"der"})).digest("hex"))' "$1"; }

install_server() {
  apt_install etcd-server iptables iproute2
  ensure_node
  install_code
  install_units pikube-server
  local ip=${ADVERTISE:-$(first_address)}
  [ -n "$ip" ] || die "no address found for --advertise-address"
  mkdir -p "$VAR" "$ETC"
  write_once "$ETC/server.yaml" "# pikube control plane: every pikube-server serve flag is a key (see /opt/pikube/deploy/config/server.yaml)
advertise-address: $ip
etcd-endpoints: http://127.0.0.1:2379
data-dir: $VAR
etcd-data-dir: /var/lib/etcd
"
  # The cluster CA and an admin kubeconfig, made once.
  [ -f "$ETC/admin.kubeconfig" ] || { /usr/bin/node "$OPT/dist/control-plane/main.js" kubeconfig --data-dir "$VAR" --server "https://$ip:6443" --out "$ETC/admin.kubeconfig"; chmod 600 "$ETC/admin.kubeconfig"; CHANGED=1; }
  enable_start etcd pikube-server
  say "kubectl: export KUBECONFIG=$ETC/admin.kubeconfig"
  say "to join a Pi, make a bootstrap token here (valid 24 h; --ttl to change):
    sudo pikube-server token create --print-join-command
  then on that Pi, from the same release, with the token it printed:
    sudo ./scripts/install.sh --role agent --server https://$ip:6443 --token <token> --ca-cert-hash $(ca_hash_of "$VAR/pki/ca.crt")"
}

# The agent's identity in agent.yaml: the join flags (it keeps the certificate it obtains in
# its state dir), or the certificate files copied from the server.
agent_identity() {
  if [ -n "$TOKEN" ]; then
    printf 'server: %s\ntoken: %s\nca-cert-hash: %s\n' "$SERVER" "$TOKEN" "$CA_HASH"
  else
    printf 'servers: [%s]\nca: %s\ncert: %s\nkey: %s\n' "$SERVER" "$ETC/ca.crt" "$ETC/node.crt" "$ETC/node.key"
  fi
}

check_join_flags() {
  [[ "$SERVER" =~ ^https://[^/]+:[0-9]+$ ]] || die "--server must be the API server, https://IP:6443, to join with --token"
  [[ "$TOKEN" =~ ^[a-z0-9]{6}\.[a-z0-9]{16}$ ]] || die "--token must be a bootstrap token, ID.SECRET (6 and 16 characters of a-z and 0-9), as pikube-server token create prints"
  [[ "$CA_HASH" =~ ^sha256:[0-9a-f]{64}$ ]] || die "--ca-cert-hash sha256:<64 hex digits> is needed with --token (printed by pikube-server token create --print-join-command)"
}

install_agent() {
  [ -n "$SERVER" ] || die "--server is needed: https://IP:6443 with --token, or IP:6444 with --cert-dir"
  if [ -n "$TOKEN" ]; then check_join_flags; fi
  [ -n "$TOKEN" ] || [ -f "$ETC/node.crt" ] || [ -n "$CERT_DIR" ] || die "--token (pikube-server token create) or --cert-dir DIR (ca.crt, node.crt and node.key from pikube-server issue-node-cert) is needed"
  ensure_node
  # The certificates are checked before anything is installed.
  local f
  if [ -n "$CERT_DIR" ]; then
    for f in ca.crt node.crt node.key; do [ -f "$CERT_DIR/$f" ] || die "$CERT_DIR/$f is missing"; done
    if [ -n "$CA_HASH" ] && [ "$(ca_hash_of "$CERT_DIR/ca.crt")" != "$CA_HASH" ]; then die "$CERT_DIR/ca.crt does not match --ca-hash $CA_HASH: refusing it"; fi
    [ -n "$CA_HASH" ] || say "warning: no --ca-hash given: $CERT_DIR/ca.crt is trusted as it is"
  fi
  apt_install docker.io iptables iproute2 procps
  install_code
  if [ -n "$CERT_DIR" ]; then
    mkdir -p "$ETC"
    for f in ca.crt node.crt; do put_file "$CERT_DIR/$f" "$ETC/$f" 644; done
    put_file "$CERT_DIR/node.key" "$ETC/node.key" 600
  fi
  install_units pikube-agent
  mkdir -p "$VAR/agent"
  write_once "$ETC/agent.yaml" "# pikube agent: every pikube-agent flag is a key (see /opt/pikube/deploy/config/agent.yaml)
node-name: ${NODE_NAME:-$(hostname)}
node-ip: ${NODE_IP:-$(first_address)}
$(agent_identity)
state-dir: $VAR/agent
"
  enable_start docker pikube-agent
}

upgrade() {
  local u restart=()
  for u in pikube-server pikube-agent; do [ -f "$UNITS/$u.service" ] && restart+=("$u"); done
  [ "${#restart[@]}" -gt 0 ] || die "nothing to upgrade: pikube is not installed here"
  install_code
  for u in "${restart[@]}"; do install_units "$u"; done
  if [ "$CHANGED" = 1 ] && [ -d /run/systemd/system ]; then
    # KillMode=process: restarting the agent leaves every pod's containers running.
    systemctl restart "${restart[@]}"; say "restarted ${restart[*]}"
  fi
}

# The pods' containers, the pod network and the pause image the agent made: Docker stays, with
# nothing of pikube's in it (a container or network of pikube's carries an io.pikube label).
remove_docker_objects() {
  local ids
  ids=$(docker ps -aq --filter label=io.pikube.managed=true 2>/dev/null) || { say "Docker is not running: the pods' containers and network are left in it"; return 0; }
  [ -z "$ids" ] || { say "removing the pods' containers"; docker rm -f $ids >/dev/null; }
  ids=$(docker network ls -q --filter label=io.pikube.network)
  [ -z "$ids" ] || { say "removing the pod network"; docker network rm $ids >/dev/null; }
  if docker image inspect pikube/pause:latest >/dev/null 2>&1; then docker image rm pikube/pause:latest >/dev/null || say "warning: the pause image pikube/pause:latest is still in use"; fi
}

# Pod cgroups left by the agent, empty once the containers are gone: systemd's pikube.slice and its
# pikube-*.slice units (Docker's systemd driver) stopped, cgroupfs directories (--cgroup-root /pikube) removed.
remove_pod_cgroups() {
  if [ -d /run/systemd/system ]; then systemctl stop pikube.slice 'pikube-*.slice' 2>/dev/null || true; fi
  find /sys/fs/cgroup -depth -type d \( -name pikube -o -path '*/pikube/*' \) -exec rmdir {} \; 2>/dev/null
  return 0
}

# Volumes still mounted under the pods' directories (an NFS share, a tmpfs): unmounted first,
# deepest first, so removing the data directory never reaches into a share.
unmount_under() {
  local m
  for m in $(awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" || say "warning: could not unmount $m"
  done
}

# The cluster's keys in this machine's etcd, when the control plane here was the cluster's only one
# (server.yaml names this machine's etcd alone, as --role server writes it): its CA and keys go
# with /var/lib/pikube, so the data could never be read again. A control plane sharing another
# etcd leaves the cluster's data to the others.
reset_local_etcd() {
  [ -f "$ETC/server.yaml" ] && [ -f "$OPT/dist/control-plane/main.js" ] || return 0
  if ! grep -qx 'etcd-endpoints: http://127.0.0.1:2379' "$ETC/server.yaml"; then say "etcd is not this machine's alone: the cluster's keys stay in it"; return 0; fi
  if [ -d /run/systemd/system ] && ! systemctl is-active -q etcd; then systemctl start etcd || true; fi
  /usr/bin/node "$OPT/dist/control-plane/main.js" reset --force --config "$ETC/server.yaml" \
    || say "warning: the cluster's keys are still in etcd (under /registry): with etcd running, run pikube-server reset --force before uninstalling, or remove /var/lib/etcd"
}

uninstall() {
  local u
  for u in pikube-agent pikube-server; do
    if [ -f "$UNITS/$u.service" ]; then
      [ -d /run/systemd/system ] && systemctl stop "$u" 2>/dev/null || true
      systemctl disable -q "$u" 2>/dev/null || true
    fi
  done
  reset_local_etcd
  if [ -f "$OPT/dist/agent/main.js" ] && [ -f "$UNITS/pikube-agent.service" ]; then
    remove_docker_objects
    /usr/bin/node "$OPT/dist/agent/main.js" --cleanup || say "warning: the agent's cleanup left something (above)"
  fi
  remove_pod_cgroups
  rm -f "$UNITS/pikube-server.service" "$UNITS/pikube-agent.service" "$BIN/pikube-server" "$BIN/pikube-agent"
  rm -rf "$UNITS/pikube-server.service.d" "$UNITS/pikube-agent.service.d" "$UNITS/etcd.service.d/pikube-sd-card.conf"
  rmdir "$UNITS/etcd.service.d" 2>/dev/null || true
  unmount_under "$VAR"
  rm -rf --one-file-system "$OPT" "$ETC" "$VAR"
  [ -d /run/systemd/system ] && systemctl daemon-reload || true
  say "removed pikube (Docker, etcd and Node.js stay installed)"
}

parse_args "$@"
check_platform
case "$ACTION" in
  uninstall) uninstall ;;
  upgrade) upgrade ;;
  install)
    case "$ROLE" in server) install_server ;; agent) install_agent ;; *) die "--role server or --role agent is needed" ;; esac
    [ "$CHANGED" = 1 ] || say "nothing changed: pikube was already installed like this" ;;
esac
