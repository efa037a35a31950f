#!/usr/bin/env bash
# `npm run chaos`: the chaos and fuzz probe at full size (test/chaos/); figures in bench/RESULTS.md. `-- --short`: small.
source "$(dirname "$0")/lib.sh"
ensure_node
ensure_packages ffmpeg:ffmpeg ffprobe:ffmpeg redis-server:redis-server
ensure_npm
exec node --import tsx test/chaos/run.ts "$@"
