#!/usr/bin/env bash
# Fast local check without tests: lint, types, cycles.
source "$(dirname "$0")/lib.sh"
ensure_node
ensure_npm
npx biome check . && npx tsc -b && npx madge --circular --no-spinner --extensions ts --ts-config tsconfig.base.json protocol/src agents/src simulator/src server/src test bench scripts
