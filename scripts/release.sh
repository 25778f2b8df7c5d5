#!/usr/bin/env bash
# `npm run release`: pikube-<version>.tgz in release/, to unpack on a Pi and install with
# `sudo ./pikube-<version>/scripts/install.sh --role …`. It holds the built code, the units and
# config examples, install.sh, and the production dependencies only (npm ci --omit=dev from the
# lockfile, no install scripts) — pure JavaScript for every architecture: the release fails if
# any dependency carries a native addon (a .node file or a binding.gyp).
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(node -p 'require("./package.json").version')
name="pikube-$version"
out=release
stage="$out/$name"

npx tsc -p .
rm -rf "$stage"
mkdir -p "$stage/dist" "$stage/proto" "$stage/scripts"
for d in api base host control-plane agent proto; do cp -a "dist/$d" "$stage/dist/"; done
cp proto/node.proto "$stage/proto/"
cp -a deploy vendor "$stage/"
cp scripts/install.sh "$stage/scripts/"
cp package.json package-lock.json README.md "$stage/"
(cd "$stage" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund >/dev/null)
native=$(find "$stage/node_modules" \( -name '*.node' -o -name binding.gyp \) -print)
if [ -n "$native" ]; then echo "release: native addons in the production dependencies:"; echo "$native"; exit 1; fi
touch "$stage/.release"
tar -C "$out" -czf "$out/$name.tgz" "$name"
rm -rf "$stage"
echo "release: $out/$name.tgz ($(du -h "$out/$name.tgz" | cut -f1))"
