#!/usr/bin/env bash
# End-to-end tests against the real lab, inside a loopback-only network namespace so that no packet
# leaves the machine and ICE sees only 127.0.0.1 (see ../shared/lab.md).
set -euo pipefail
cd "$(dirname "$0")/.."

bash tests/lab/ensure-deps.sh

echo "e2e: building the web renderer"
npx vite build --config vite.web.config.ts --logLevel warn

if [ "$(id -u)" = 0 ]; then
  netns=(unshare -n)
else
  netns=(unshare -rn)
fi
echo "e2e: running Playwright inside a loopback-only network namespace"
exec "${netns[@]}" bash -c 'ip link set lo up && exec npx playwright test "$@"' playwright "$@"
