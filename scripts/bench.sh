#!/usr/bin/env bash
# `npm run bench`: benchmarks in bench/, results in bench/RESULTS.md.
source "$(dirname "$0")/lib.sh"
ensure_node
ensure_packages ffmpeg:ffmpeg ffprobe:ffmpeg
ensure_npm
node --import tsx bench/agent-bench.ts
