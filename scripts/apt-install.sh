#!/usr/bin/env bash
# apt-install.sh COMMAND PACKAGE WHAT: make COMMAND available, installing Debian's
# PACKAGE with apt-get (as root, or with passwordless sudo) if it is missing.
# Exits 0 when COMMAND is there (or now is), 1 when apt-get is not usable here:
# the caller says what to do then. Safe to run again.
set -eu
command_name=$1 package=$2 what=$3

if command -v "$command_name" >/dev/null 2>&1; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else sudo=none; fi
  if [ "$sudo" != none ]; then
    echo "installing $what (Debian package $package)..."
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$package" >/dev/null
    exit 0
  fi
fi
exit 1
