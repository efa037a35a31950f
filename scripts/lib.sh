# Shared by the README commands: install what is missing, idempotently, then get out of the way.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

# ensure_packages cmd:debian-package ... — apt-get install the packages whose command is missing.
ensure_packages() {
  local missing=() pair cmd pkg
  for pair in "$@"; do
    cmd=${pair%%:*}
    pkg=${pair#*:}
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
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

# npm dependencies, reinstalled only when package-lock.json changed.
ensure_npm() {
  local stamp=node_modules/.kuzet-lock-sha
  local sha
  sha=$(sha256sum package-lock.json | cut -c1-64)
  if [ "$(cat "$stamp" 2>/dev/null || true)" != "$sha" ]; then
    say "installing npm dependencies"
    # npm install (not ci): npm 11 leaves other platforms' optional binaries out of the lock and ci then refuses it
    npm install --no-audit --no-fund --loglevel=error
    echo "$sha" >"$stamp"
  fi
}

ensure_node() {
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$major" -lt 20 ]; then
    echo "Node.js 20 or newer is needed (found: $(node -v 2>/dev/null || echo none))" >&2
    exit 1
  fi
}
