#!/usr/bin/env bash
# `npm run compose:check`: builds the images from the Debian packages and runs docker/compose.yaml here — Redis, the
# server with its dashboard, and the agent (host network) against simulated cameras — then checks it end to end and
# tears it down (scripts/compose-check.ts). Not part of `npm test` (~3 minutes, needs root for the Docker engine).
# No registry is reachable on these machines: the base image is made locally with debootstrap when the official one
# cannot be pulled (KUZET_BASE_IMAGE overrides), and Redis comes from Debian (docker/Dockerfile.redis).
source "$(dirname "$0")/lib.sh"
ensure_node
ensure_packages dockerd:docker.io docker-compose:docker-compose debootstrap:debootstrap dpkg-deb:dpkg chromium:chromium
ensure_npm

if ! docker info >/dev/null 2>&1; then
  # with its iptables rules: compose's network needs them (service names resolve through Docker's DNS, which they
  # redirect); published ports are bound to 127.0.0.1 by the check
  say "starting the Docker engine (dockerd)"
  mkdir -p var
  nohup dockerd >var/dockerd.log 2>&1 &
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "dockerd did not start: see var/dockerd.log" >&2; exit 1; }
fi

BASE=${KUZET_BASE_IMAGE:-}
if [ -z "$BASE" ]; then
  if docker image inspect debian:bookworm-slim >/dev/null 2>&1 || docker pull -q debian:bookworm-slim >/dev/null 2>&1; then
    BASE=debian:bookworm-slim
  else
    BASE=local/debian:bookworm
    if ! docker image inspect "$BASE" >/dev/null 2>&1; then
      say "no registry: making $BASE with debootstrap"
      rootfs="$(mktemp -d)"
      debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >/dev/null
      tar -C "$rootfs" -c . | docker import - "$BASE" >/dev/null
      rm -rf "$rootfs"
    fi
  fi
fi
export KUZET_BASE_IMAGE=$BASE

bash scripts/package.sh agent server
for image in server agent redis; do
  say "building kuzet/$image (base $BASE)"
  docker build -q --network host --build-arg "BASE=$BASE" -f "docker/Dockerfile.$image" -t "kuzet/$image:latest" . >/dev/null
done
exec node --import tsx scripts/compose-check.ts
