#!/usr/bin/env bash
# `npm run bench`: builds the web app, then measures it against the lab inside a loopback-only
# network namespace. Results: bench-results/*.json and *.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tests/lab/ensure-deps.sh
npx vite build --config vite.web.config.ts --logLevel warn
if [ "$(id -u)" = 0 ]; then netns=(unshare -n); else netns=(unshare -rn); fi
exec "${netns[@]}" bash -c 'ip link set lo up && exec npx playwright test -c tests/bench/playwright.bench.config.ts "$@"' bench "$@"
