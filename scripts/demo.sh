#!/usr/bin/env bash
# The README's demo command (`npm run demo`): simulated school cameras + the school agent, live reports.
source "$(dirname "$0")/lib.sh"
ensure_node
ensure_packages ffmpeg:ffmpeg ffprobe:ffmpeg curl:curl
ensure_npm

pids=()
cleanup() {
  trap - INT TERM EXIT
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

mkdir -p var
say "starting the camera simulator: 16 cameras + 1 NVR on 127.0.0.1 (first start encodes test clips, ~20 s)"
simulator/bin/kuzet-sim run -c config/demo/simulator.yaml --cameras 12 --base-port 20000 >var/simulator.out 2>var/simulator.err &
pids+=($!)
for _ in $(seq 1 240); do
  grep -q '"event":"ready"' var/simulator.out 2>/dev/null && break
  kill -0 "${pids[0]}" 2>/dev/null || { cat var/simulator.err >&2; exit 1; }
  sleep 0.5
done
grep -q '"event":"ready"' var/simulator.out || { echo "simulator did not start" >&2; exit 1; }

cat >&2 <<'TXT'
==> simulator control API: http://127.0.0.1:8099/cameras
    inject a fault in another terminal, e.g.
      simulator/bin/kuzet-sim fault cam003 '{"offline":true}'
      simulator/bin/kuzet-sim fault cam004 '{"picture":"frozen"}'
      simulator/bin/kuzet-sim fault cam005 '{"wrongPassword":true}'
      simulator/bin/kuzet-sim clear cam003
    raw agent messages (NDJSON): var/agent.ndjson     Ctrl-C stops everything.
==> starting the school agent (discovery on lo, then continuous checks)
TXT
agents/bin/kuzet-agent run -c config/demo/agent.yaml --stdout 2>var/agent.log | tee var/agent.ndjson | node --import tsx scripts/demo-view.ts &
pids+=($!)
wait "${pids[1]}"
