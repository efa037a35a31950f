#!/usr/bin/env bash
# The README's demo command (`npm run demo`): Redis, the server and three simulated schools with their agents.
source "$(dirname "$0")/lib.sh"
ensure_node
ensure_packages ffmpeg:ffmpeg ffprobe:ffmpeg redis-server:redis-server curl:curl
ensure_npm
exec node --import tsx scripts/demo.ts
