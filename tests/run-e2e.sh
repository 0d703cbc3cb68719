#!/usr/bin/env bash
# End-to-end tests against the real lab, inside a loopback-only network namespace so that no packet
# leaves the machine and ICE sees only 127.0.0.1 (see ../shared/lab.md).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "e2e: building the desktop bundles (main, preload, renderer) and the web renderer"
npx electron-vite build --logLevel warn
npx vite build --config vite.web.config.ts --logLevel warn

if [ "$(id -u)" = 0 ]; then
  netns=(unshare -n)
else
  netns=(unshare -rn)
fi
echo "e2e: running Playwright inside a loopback-only network namespace"
exec "${netns[@]}" bash -c 'ip link set lo up && exec npx playwright test "$@"' playwright "$@"
