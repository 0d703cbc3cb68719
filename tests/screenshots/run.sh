#!/usr/bin/env bash
# `npm run screenshots`: the README's screenshots (docs/screenshot-*.png), taken from the real app at
# 380 px wide against the lab, inside a loopback-only network namespace like the e2e tests.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tests/lab/ensure-deps.sh
npx vite build --config vite.web.config.ts --logLevel warn
if [ "$(id -u)" = 0 ]; then netns=(unshare -n); else netns=(unshare -rn); fi
exec "${netns[@]}" bash -c 'ip link set lo up && exec npx playwright test -c tests/screenshots/playwright.screenshots.config.ts "$@"' screenshots "$@"
