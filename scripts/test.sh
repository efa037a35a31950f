#!/usr/bin/env bash
# The README's test command (`npm test`): installs what is missing, then lint, types, cycles, all tests.
source "$(dirname "$0")/lib.sh"
ensure_node
ensure_packages ffmpeg:ffmpeg ffprobe:ffmpeg redis-server:redis-server chromium:chromium curl:curl openssl:openssl dpkg-deb:dpkg setpriv:util-linux adduser:adduser systemd-analyze:systemd pdftoppm:poppler-utils /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf:fonts-dejavu-core
ensure_npm

# a demo on this machine (any checkout) would spoil the tests: its simulated cameras answer WS-Discovery on lo, where
# the tests' agents look for theirs
if grep -qaP 'tsx\x00scripts/[d]emo\.ts' /proc/[0-9]*/cmdline 2>/dev/null; then
  echo "npm test: a demo (npm run demo) is running on this machine; its cameras would answer the tests' agents." >&2
  echo "Stop it first (Ctrl-C in its terminal)." >&2
  exit 1
fi

say "lint + format (biome)"
npx biome check .
say "types (tsc -b)"
npx tsc -b
say "import cycles (madge)"
npx madge --circular --no-spinner --extensions ts --ts-config tsconfig.base.json protocol/src agents/src simulator/src server/src test bench scripts >/dev/null \
  || { npx madge --circular --no-spinner --extensions ts --ts-config tsconfig.base.json protocol/src agents/src simulator/src server/src test bench scripts; exit 1; }
say "tests (vitest: unit, then integration with the simulator, ffmpeg and real sockets)"
mkdir -p test/artifacts
set +e
npx vitest run --reporter=default --reporter=json --outputFile.json=test/artifacts/vitest.json "$@"
rc=$?
set -e
node -e '
  const r = require("./test/artifacts/vitest.json");
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
' || true
exit $rc
