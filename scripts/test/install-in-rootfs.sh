#!/usr/bin/env bash
# install.sh end to end in a fresh Debian bookworm rootfs (debootstrap, then chroot in a
# private mount and PID namespace; systemd is not running there, as in an image being
# prepared): --role server, the same again (must change nothing), --role agent with a node
# certificate checked against --ca-hash, --uninstall (must leave none of pikube's files), and
# the refusals (a malformed --token, a token without its CA hash, a wrong --ca-hash). Not part of `npm test`: the rootfs and Debian's
# docker.io/etcd-server take minutes to download and install. Run as root from a built
# checkout: bash scripts/test/install-in-rootfs.sh [ROOTFS_DIR]  (removed afterwards unless KEEP=1)
#
# Debian bookworm's nodejs is 18: the rootfs gets this machine's Node 20 at /usr/bin/node, as a
# Pi owner would install it from NodeSource (install.sh's own refusal of 18 is checked first).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOTFS=${1:-/tmp/pikube-rootfs-$$}
MIRROR=http://deb.debian.org/debian
fail() { echo "install-in-rootfs: FAIL: $*" >&2; exit 1; }
step() { echo "install-in-rootfs: $*"; }

if [ ! -x "$ROOTFS/usr/bin/systemctl" ]; then
  step "debootstrap bookworm into $ROOTFS"
  debootstrap --variant=minbase --include=systemd,systemd-sysv,iproute2,ca-certificates bookworm "$ROOTFS" "$MIRROR" >/dev/null
fi
OUT=$(mktemp /tmp/pikube-rootfs-out.XXXXXX)
cleanup() { rm -f "$OUT" "$OUT.preflight"; [ "${KEEP:-0}" = 1 ] || rm -rf --one-file-system "$ROOTFS"; }
trap cleanup EXIT

npm run release >/dev/null
rm -rf "$ROOTFS/root/pikube-0.1.0"
tar -xzf release/pikube-*.tgz -C "$ROOTFS/root"
printf '#!/bin/sh\nexit 101\n' > "$ROOTFS/usr/sbin/policy-rc.d"; chmod 755 "$ROOTFS/usr/sbin/policy-rc.d"
cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf"

# Runs a shell command in the rootfs: its own mount and PID namespaces, /proc mounted there.
# Only the steps that download Debian packages share the machine's network namespace; every
# other step (second runs, --uninstall with the agent's iptables/route clean-up) runs in a
# network namespace of its own, so nothing can touch the machine's rules or routes.
in_root_online() { unshare --mount --pid --fork --mount-proc="$ROOTFS/proc" chroot "$ROOTFS" /bin/bash -c "$1"; }
in_root() { unshare --net --mount --pid --fork --mount-proc="$ROOTFS/proc" chroot "$ROOTFS" /bin/bash -c "$1"; }

files_of() { in_root 'find /opt /etc /var/lib /usr/local/bin -path /var/lib/dpkg -prune -o -path /var/lib/apt -prune -o -path /var/lib/docker -prune -o -path /etc/ssl -prune -o -print 2>/dev/null | sort'; }

INSTALL='cd /root/pikube-0.1.0 && ./scripts/install.sh'

step "Node 18 is refused with what to do"
in_root_online 'dpkg --configure -a'
in_root_online "rm -f /usr/bin/node; $INSTALL --role server --advertise-address 10.0.0.1" >"$OUT" 2>&1 && fail "installed without Node 20"
grep -q 'Node.js >= 20 is needed' "$OUT" || fail "no word about Node: $(cat "$OUT")"
cp /usr/bin/node "$ROOTFS/usr/bin/node"

before=$(files_of)
step "--role server"
in_root "$INSTALL --role server --advertise-address 10.0.0.1" | tee "$OUT"
for f in /opt/pikube/dist/control-plane/main.js /etc/pikube/server.yaml /etc/pikube/admin.kubeconfig /var/lib/pikube/pki/ca.crt \
  /etc/systemd/system/pikube-server.service /etc/systemd/system/etcd.service.d/pikube-sd-card.conf /usr/local/bin/pikube-server \
  /etc/systemd/system/multi-user.target.wants/pikube-server.service; do
  [ -e "$ROOTFS$f" ] || [ -L "$ROOTFS$f" ] || fail "$f missing after --role server"
done
[ ! -e "$ROOTFS/opt/pikube/node_modules/typescript" ] || fail "dev dependencies installed"
in_root 'pikube-server preflight' | tee -a "$OUT.preflight" || true
hash=$(grep -o 'sha256:[0-9a-f]*' "$OUT" | head -1)
[ -n "$hash" ] || fail "no join command with a CA hash printed"

step "--role server again changes nothing"
snapshot=$(in_root 'find /opt/pikube /etc/pikube /etc/systemd/system -type f -exec sha256sum {} + | sort')
in_root "$INSTALL --role server --advertise-address 10.0.0.1" | tee "$OUT"
grep -q 'nothing changed' "$OUT" || fail "the second run changed something"
[ "$snapshot" = "$(in_root 'find /opt/pikube /etc/pikube /etc/systemd/system -type f -exec sha256sum {} + | sort')" ] || fail "files differ after the second run"

step "--role agent: refusals, then a node certificate checked against --ca-hash"
in_root 'pikube-server issue-node-cert --data-dir /var/lib/pikube --node pi2 --out /tmp/pi2'
in_root "$INSTALL --role agent --server https://10.0.0.1:6443 --token abc.def --ca-cert-hash $hash" >"$OUT" 2>&1 && fail "a malformed --token accepted"
grep -q 'must be a bootstrap token' "$OUT" || fail "no word about the token's form"
in_root "$INSTALL --role agent --server https://10.0.0.1:6443 --token abcdef.0123456789abcdef" >"$OUT" 2>&1 && fail "--token without --ca-cert-hash accepted"
grep -q 'ca-cert-hash sha256' "$OUT" || fail "no word about the CA hash a token needs"
in_root "$INSTALL --role agent --server 10.0.0.1:6444 --ca-hash sha256:00 --cert-dir /tmp/pi2" >"$OUT" 2>&1 && fail "a wrong --ca-hash accepted"
grep -q 'does not match --ca-hash' "$OUT" || fail "no word about the CA hash"
in_root_online "$INSTALL --role agent --server 10.0.0.1:6444 --ca-hash $hash --cert-dir /tmp/pi2 --node-name pi2 --node-ip 10.0.0.2"
for f in /etc/pikube/agent.yaml /etc/pikube/node.key /etc/systemd/system/pikube-agent.service /etc/systemd/system/multi-user.target.wants/pikube-agent.service; do
  [ -e "$ROOTFS$f" ] || [ -L "$ROOTFS$f" ] || fail "$f missing after --role agent"
done
in_root 'dpkg-query -W docker.io etcd-server >/dev/null' || fail "docker.io or etcd-server not installed"
in_root "$INSTALL --role agent --server 10.0.0.1:6444 --ca-hash $hash --cert-dir /tmp/pi2 --node-name pi2 --node-ip 10.0.0.2" | grep -q 'nothing changed' || fail "the second agent run changed something"

step "--uninstall leaves nothing of pikube"
in_root "$INSTALL --uninstall"
in_root 'rm -rf /tmp/pi2'
after=$(files_of)
left=$(comm -13 <(echo "$before") <(echo "$after") | grep -v -E '^/etc/(docker|etcd|default|systemd/system/(multi-user|sockets|timers)\.target\.wants/(docker|etcd|containerd)|init\.d|rc[0-6S]\.d|containerd|apparmor|logrotate|group|gshadow|passwd|shadow|subgid|subuid|ld\.so|alternatives|ca-certificates|iproute2|sysctl|modprobe|security|systemd/system/[a-z.-]*\.wants|profile|xdg|ethertypes|iptables|network|netconfig|rpc|protocols|gai|bash_completion|cron|dbus|ufw|mke2fs|fstab|mime|selinux|perl|python|nftables|gss|sensors|libnl)' | grep -v -E '^/var/lib/(etcd|containerd|iptables|systemd|ucf|misc|pam|dbus)' | grep -v -E '^/usr/local/bin$' || true)
[ -z "$left" ] || fail "left behind: $left"
for f in /opt/pikube /etc/pikube /var/lib/pikube /etc/systemd/system/pikube-server.service /etc/systemd/system/pikube-agent.service; do
  [ ! -e "$ROOTFS$f" ] || fail "$f still there"
done
in_root 'dpkg-query -W docker.io >/dev/null' || fail "Docker was removed"
step "PASS: server, idempotent second run, agent, refusals, uninstall"
