#!/usr/bin/env bash
# `npm run bench`: benchmarks in bench/, results in bench/RESULTS.md (each rewrites its own section).
#   npm run bench            all
#   npm run bench -- agent   the agent with 256 cameras (issue 3)
#   npm run bench -- server  7,500 agents / 250,000 cameras against the server (issue 4)
#   npm run bench -- dashboard  the dashboard in Chromium with 7,500 schools / 250,000 cameras (issue 5)
#   npm run bench -- alerts  alert storm: a region of 1,000+ schools loses every link, then recovers (issue 6)
#   npm run bench -- journal  the agent's journal through a week-long outage of a 33-camera school (issue 17)
#   npm run bench -- memory  Redis memory per camera at the steady state, scaled to 250,000 cameras (issue 17)
#   npm run bench -- compliance  re-evaluation of 250,000 cameras after a national profile change (issue 13)
#   npm run bench -- archive  the daily evaluation of 250,000 cameras, a region's 30-day PDF, the country's CSV (issue 14)
#   npm run bench -- resync  every agent resends every camera (identity + state) at once: 250,000 cameras (issue 17)
#   npm run bench -- live  live video: first frame, delay, 20 views during nominal ingest (issue 16)
#   npm run bench -- readings  the steady state with real agents' clock readings in the nominal load (issues 4, 13, 17)
#   npm run bench -- agent-link  a real agent's batches on its link: how many, how large (issues 4, 17)
#   npm run bench -- audit  a filtered read of the audit log at its cap: the event loop's share (issue 17)
source "$(dirname "$0")/lib.sh"
ensure_node
ensure_packages ffmpeg:ffmpeg ffprobe:ffmpeg redis-server:redis-server chromium:chromium
ensure_npm
ulimit -n 65536 2>/dev/null || true   # thousands of websocket clients
which="${1:-all}"
if [ "$which" = all ] || [ "$which" = agent ]; then node --import tsx bench/agent-bench.ts; fi
if [ "$which" = all ] || [ "$which" = server ]; then node --import tsx bench/server-bench.ts; fi
if [ "$which" = all ] || [ "$which" = dashboard ]; then node --import tsx bench/dashboard-bench.ts; fi
if [ "$which" = all ] || [ "$which" = alerts ]; then node --import tsx bench/alert-bench.ts; fi
if [ "$which" = all ] || [ "$which" = journal ]; then node --expose-gc --import tsx bench/journal-bench.ts; fi
if [ "$which" = all ] || [ "$which" = memory ]; then node --import tsx bench/redis-memory-bench.ts; fi
if [ "$which" = all ] || [ "$which" = compliance ]; then node --import tsx bench/compliance-bench.ts; fi
if [ "$which" = all ] || [ "$which" = archive ]; then node --import tsx bench/archive-bench.ts; fi
if [ "$which" = all ] || [ "$which" = resync ]; then node --import tsx bench/resync-bench.ts; fi
if [ "$which" = all ] || [ "$which" = live ]; then node --import tsx bench/live-bench.ts; fi
if [ "$which" = all ] || [ "$which" = readings ]; then node --import tsx bench/readings-bench.ts; fi
if [ "$which" = all ] || [ "$which" = agent-link ]; then node --import tsx bench/agent-link-bench.ts; fi
if [ "$which" = all ] || [ "$which" = audit ]; then node --import tsx bench/audit-bench.ts; fi
