#!/usr/bin/env bash
# The project's test command (README, .ci/run): installs what the browser test needs when it
# can (Debian's chromium + chromedriver, as root), then runs every test of the workspace.
# With NEIBAO_REQUIRE_BROWSER=1 a missing browser fails the run instead of skipping the test.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -eq 0 ] || [ "${NEIBAO_REQUIRE_BROWSER:-0}" = "1" ]; then
  bash scripts/install-browser.sh
elif ! [ -x /usr/bin/chromedriver ]; then
  echo "note: chromium/chromedriver not installed and not root: the browser test will be skipped" >&2
  echo "      (sudo scripts/install-browser.sh installs them)" >&2
fi
exec cargo test --workspace --locked "$@"
