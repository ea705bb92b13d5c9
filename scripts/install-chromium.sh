#!/usr/bin/env bash
# Make Debian's Chromium available for the end-to-end tests (make e2e), which
# drive it with Playwright: they never download a browser of their own.
# Safe to run again. Where apt-get is not usable, says what to install and fails.
set -eu

if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else sudo=none; fi
  if [ "$sudo" != none ]; then
    echo "installing Chromium (Debian package chromium)..."
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
    exit 0
  fi
fi
echo "error: chromium is not installed and apt-get is not usable here: install Chromium as 'chromium' on PATH, then run make e2e again" >&2
exit 1
