#!/usr/bin/env bash
# `npm run package`: Debian packages in dist/ — kuzet-agent (for a school's machine) and kuzet-server (the centre).
# Each is self-contained: it carries the pinned Node.js 24 runtime (scripts/node-runtime; Debian 12's own nodejs is
# 18, end of life) under /usr/lib/<name>/, so installing it on a fresh Debian needs nothing but Debian packages.
# The agent is one bundled JavaScript file (esbuild); the server runs from its sources with its production
# dependencies (pdfkit, bull-board and argon2 read files or native code beside their own modules: not bundleable).
# Usage: scripts/package.sh [agent|server]... (default: both)
source "$(dirname "$0")/lib.sh"
ensure_node
ensure_packages dpkg-deb:dpkg
ensure_npm

VERSION=$(node -p 'require("./agents/package.json").version')
ARCH=$(dpkg --print-architecture)
OUT="$ROOT/dist"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"

# the pinned runtime's own binary (not whatever `node` is first on PATH)
runtime_node() {
  local runtime="$ROOT/scripts/node-runtime"
  # npm's own output to stderr: this function's stdout is the binary's path
  [ -x "$runtime/node_modules/.bin/node" ] || (cd "$runtime" && npm ci --no-audit --no-fund --loglevel=error >&2)
  readlink -f "$runtime/node_modules/.bin/node"
}

# control NAME DESCRIPTION DEPENDS — DEBIAN/control, the maintainer scripts, and dpkg-deb
build_deb() {
  local name=$1 desc=$2 depends=$3 root="$WORK/$1"
  mkdir -p "$root/DEBIAN"
  cat >"$root/DEBIAN/control" <<EOF
Package: $name
Version: $VERSION
Architecture: $ARCH
Maintainer: Kuzet <kuzet@localhost>
Section: net
Priority: optional
Depends: $depends
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Description: $desc
EOF
  cp "$ROOT/packaging/$name/postinst" "$ROOT/packaging/$name/prerm" "$ROOT/packaging/$name/postrm" "$root/DEBIAN/"
  chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"
  [ -f "$ROOT/packaging/$name/conffiles" ] && cp "$ROOT/packaging/$name/conffiles" "$root/DEBIAN/"
  local deb="$OUT/${name}_${VERSION}_${ARCH}.deb"
  dpkg-deb --root-owner-group -Zgzip --build "$root" "$deb" >/dev/null
  say "$(basename "$deb"): $(du -h "$deb" | cut -f1)"
}

# the files every package has: runtime, launcher, unit, example configuration, docs
common_files() {
  local name=$1 root="$WORK/$1"
  install -D -m 0755 "$(runtime_node)" "$root/usr/lib/$name/node"
  install -D -m 0755 "$ROOT/packaging/$name/$name" "$root/usr/bin/$name"
  install -D -m 0644 "$ROOT/packaging/$name/$name.service" "$root/lib/systemd/system/$name.service"
  install -d "$root/usr/share/$name"
  cp "$ROOT/packaging/$name/"*.example "$root/usr/share/$name/"
}

package_agent() {
  local root="$WORK/kuzet-agent"
  common_files kuzet-agent
  # one file: the agent and its dependencies (ws falls back to JavaScript without the native bufferutil)
  npx esbuild agents/src/main.ts --bundle --platform=node --target=node22 --format=esm --conditions=source \
    --external:bufferutil --external:utf-8-validate --log-level=warning \
    --banner:js="import { createRequire as __kuzetRequire } from 'node:module'; const require = __kuzetRequire(import.meta.url);" \
    --outfile="$root/usr/lib/kuzet-agent/kuzet-agent.mjs"
  build_deb kuzet-agent "Kuzet school agent: finds the school's ONVIF cameras and proves they work
 Discovers IP cameras over ONVIF, checks their health, recording retention and picture,
 and reports to the Kuzet centre over one outbound websocket. Camera credentials stay here." \
    "ffmpeg, adduser, ca-certificates"
}

package_server() {
  local root="$WORK/kuzet-server" app="$WORK/kuzet-server/usr/lib/kuzet-server"
  common_files kuzet-server
  say "building the dashboard (vite)"
  mkdir -p "$app/dashboard"
  # into the package's tree, not dashboard/dist (a test's build may be writing there)
  npx vite build dashboard --logLevel warn --outDir "$app/dashboard/dist" --emptyOutDir
  cp package.json tsconfig.base.json "$app/"
  cp -r config "$app/"
  for ws in protocol server; do
    mkdir -p "$app/$ws"
    cp "$ws/package.json" "$app/$ws/"
    (cd "$ws" && find src -name '*.ts' ! -name '*.test.ts' -exec install -D -m 0644 {} "$app/$ws/{}" \;)
  done
  cp -r server/bin "$app/server/"
  # the server's production dependencies, exactly as installed from the lock file (no registry needed here)
  mkdir -p "$app/node_modules/@kuzet"
  ln -s ../../protocol "$app/node_modules/@kuzet/protocol"
  node scripts/prod-deps.mjs @kuzet/server | while read -r dir; do
    mkdir -p "$app/$(dirname "$dir")"
    cp -r "$dir" "$app/$dir"
  done
  build_deb kuzet-server "Kuzet centre: ingest, compliance, alerts and the dashboard
 Receives the school agents' reports, decides each camera's and school's compliance,
 raises alerts and serves the dashboard. Needs Redis." \
    "adduser, ca-certificates, fonts-dejavu-core"
}

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(agent server)
for t in "${targets[@]}"; do
  case $t in
    agent) package_agent ;;
    server) package_server ;;
    *) echo "unknown package: $t (agent, server)" >&2; exit 2 ;;
  esac
done
