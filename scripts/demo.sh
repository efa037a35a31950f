#!/usr/bin/env bash
# The README's demo command (`npm run demo`): Redis, the server with the dashboard, three simulated schools with agents.
source "$(dirname "$0")/lib.sh"
ensure_node
ensure_packages ffmpeg:ffmpeg ffprobe:ffmpeg redis-server:redis-server curl:curl /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf:fonts-dejavu-core
ensure_npm
say "building the dashboard (vite)"
npx vite build dashboard --logLevel warn
exec node --import tsx scripts/demo.ts
