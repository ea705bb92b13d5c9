#!/usr/bin/env bash
# Install bubblewrap (bwrap), the sandbox the grader runs each student's kernel in
# (autograder/sandbox.py): Debian's package bubblewrap. Safe to run again. Where
# apt-get is not usable, this only prints a note: `python -m autograder grade`
# then refuses to grade until bwrap is there, or runs without a sandbox when
# told --sandbox off.
set -eu

if ! "$(dirname "$0")/apt-install.sh" bwrap bubblewrap "bubblewrap, the grader's sandbox"; then
  echo "note: bubblewrap (bwrap) is not installed and apt-get is not usable here;"
  echo "      install your system's bubblewrap package to grade in a sandbox, or grade with --sandbox off."
fi
