#!/usr/bin/env bash
# Headless Chromium from Debian for the browser tests (vitest.browser.config.ts launches
# /usr/bin/chromium through Playwright, which cannot download browsers here). About 25 s on a
# fresh machine; nothing to do where it is already installed.
set -euo pipefail
if ! [ -x /usr/bin/chromium ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
# (its wrapper script prints a harmless "[: unexpected operator" on stderr)
/usr/bin/chromium --version 2>/dev/null
