#!/usr/bin/env bash
# Installs headless Chromium and chromedriver (Debian packages) for the browser test
# (crates/neibao/tests/it/browser.rs), plus CJK fonts so zh-CN pages render in screenshots,
# plus poppler-utils (pdftotext, pdftoppm) for the PDF checks of crates/docgen/tests/render.rs.
# Idempotent; run as root (CI does, then sets NEIBAO_REQUIRE_BROWSER=1).
set -euo pipefail

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && [ -x /usr/bin/pdftotext ]; then
  echo "chromium, chromedriver and poppler-utils already installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-browser.sh: must run as root (apt-get install)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-noto-cjk poppler-utils

/usr/bin/chromium --version
/usr/bin/chromedriver --version
/usr/bin/pdftotext -v
