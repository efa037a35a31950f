#!/usr/bin/env bash
# The README's test command (`npm test`): installs what is missing, then lint, types, cycles, all tests.
source "$(dirname "$0")/lib.sh"
ensure_node
ensure_packages ffmpeg:ffmpeg ffprobe:ffmpeg redis-server:redis-server chromium:chromium curl:curl openssl:openssl dpkg-deb:dpkg setpriv:util-linux adduser:adduser systemd-analyze:systemd pdftoppm:poppler-utils /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf:fonts-dejavu-core
ensure_npm

say "lint + format (biome)"
npx biome check .
say "types (tsc -b)"
npx tsc -b
say "import cycles (madge)"
npx madge --circular --no-spinner --extensions ts --ts-config tsconfig.base.json protocol/src agents/src simulator/src server/src test bench scripts >/dev/null \
  || { npx madge --circular --no-spinner --extensions ts --ts-config tsconfig.base.json protocol/src agents/src simulator/src server/src test bench scripts; exit 1; }
say "tests (vitest: unit and the server's integration files; beside them, the files with simulators and agents)"
mkdir -p test/artifacts
rm -f test/artifacts/vitest*.json
set +e
# Files that start simulators and agents share the WS-Discovery multicast group on lo, so they run one at a time; the
# server's integration files run one at a time too. Vitest runs every file without parallelism in one queue, so the
# second queue is a process of its own, its output shown when it ends (test/artifacts/vitest-lan.log meanwhile).
npx vitest run --project lan --passWithNoTests --reporter=default --reporter=json \
  --outputFile.json=test/artifacts/vitest-lan.json "$@" >test/artifacts/vitest-lan.log 2>&1 &
lan=$!
# a background job ignores the terminal's Ctrl-C: pass it on, and stop
trap 'kill "$lan" 2>/dev/null; exit 130' INT TERM
npx vitest run --project unit --project dashboard --project integration --passWithNoTests --reporter=default \
  --reporter=json --outputFile.json=test/artifacts/vitest.json "$@"
rc=$?
wait "$lan"
rc_lan=$?
say "tests with simulators and agents (run beside the above)"
cat test/artifacts/vitest-lan.log
set -e
RC="$rc" RC_LAN="$rc_lan" node -e '
  const fs = require("node:fs");
  let passed = 0, failed = 0, pending = 0, seen = 0;
  for (const [f, rc] of [["test/artifacts/vitest.json", process.env.RC], ["test/artifacts/vitest-lan.json", process.env.RC_LAN]]) {
    // no report: nothing matched the arguments there (fine), or vitest failed before reporting
    if (!fs.existsSync(f)) { if (rc !== "0") { failed++; console.log(`no report: ${f}`); } continue; }
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests; pending += r.numPendingTests; seen += r.numTotalTests;
  }
  console.log(`tests: ${passed} passed, ${failed} failed` + (pending ? `, ${pending} skipped` : ""));
  if (seen === 0) { console.log("no test matched"); process.exit(1); }
' || rc=1
[ "$rc" -eq 0 ] && [ "$rc_lan" -eq 0 ]
