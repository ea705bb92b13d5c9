#!/usr/bin/env bash
# Make Debian's Chromium available for the end-to-end tests (make e2e), which
# drive it with Playwright: they never download a browser of their own.
# Safe to run again. Where apt-get is not usable, says what to install and fails.
set -eu

if ! "$(dirname "$0")/apt-install.sh" chromium chromium Chromium; then
  echo "error: chromium is not installed and apt-get is not usable here: install Chromium as 'chromium' on PATH, then run make e2e again" >&2
  exit 1
fi
