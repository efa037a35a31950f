# Shared by the README commands: install what is missing, idempotently, then get out of the way.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

# ensure_packages cmd:debian-package ... — apt-get install the packages whose command is missing (a cmd that is an
# absolute path is a file the package provides, e.g. a font).
ensure_packages() {
  local missing=() pair cmd pkg
  for pair in "$@"; do
    cmd=${pair%%:*}
    pkg=${pair#*:}
    if [[ $cmd == /* ]]; then [ -e "$cmd" ] || missing+=("$pkg")
    else command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg"); fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  say "installing Debian packages: ${missing[*]}"
  $sudo apt-get -o DPkg::Lock::Timeout=300 update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# npm dependencies exactly as the committed lock file says (npm ci), reinstalled only when it (or Node) changed.
ensure_npm() {
  local stamp=node_modules/.kuzet-lock-sha
  local sha
  sha="$(sha256sum package-lock.json | cut -c1-64) $(node -v)"
  if [ "$(cat "$stamp" 2>/dev/null || true)" != "$sha" ]; then
    say "installing npm dependencies (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$sha" >"$stamp"
  fi
}

# A supported Node.js LTS (22 or 24). When the machine's Node is older (or missing while npm is there), Node 24 comes
# from the npm registry's `node` package, pinned in scripts/node-runtime, and goes first on PATH for this script.
ensure_node() {
  local major runtime="$ROOT/scripts/node-runtime"
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$major" -ge 22 ]; then return 0; fi
  if [ ! -x "$runtime/node_modules/.bin/node" ]; then
    command -v npm >/dev/null 2>&1 || { echo "Node.js 22+ (or npm, to fetch it) is needed" >&2; exit 1; }
    say "Node.js $(node -v 2>/dev/null || echo '(none)') is older than the supported LTS: fetching Node.js 24 from the npm registry"
    (cd "$runtime" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  export PATH="$runtime/node_modules/.bin:$PATH"
  say "using Node.js $(node -v) from scripts/node-runtime"
}

# promtool (validates and unit-tests the Prometheus alert rules): taken out of Debian's prometheus package into .cache
# without installing it — installing would start a Prometheus server on this machine.
ensure_promtool() {
  local dir="$ROOT/.cache/promtool"
  [ -x "$dir/usr/bin/promtool" ] && return 0
  say "fetching promtool (Debian package prometheus, extracted into .cache, not installed)"
  mkdir -p "$dir"
  (cd "$dir" && { apt-get download prometheus >/dev/null 2>&1 || { apt-get -o DPkg::Lock::Timeout=300 update -qq && apt-get download prometheus >/dev/null; }; } \
    && dpkg-deb -x prometheus_*.deb . && rm -f prometheus_*.deb)
}
