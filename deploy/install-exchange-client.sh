#!/bin/sh
# Install nbgrader's exchange client for ngshare into the Python environment of $1
# (default: python on PATH): both images (postBuild) and the end-to-end tests (make e2e).
# ngshare-exchange 0.5.3 (2022, unmaintained) pins jupyter-core<4.11.2, which current
# JupyterLab cannot run with, so it goes in without its dependencies; the course's
# environment and deploy/exchange-requirements.txt provide them.
set -eu
python=${1:-python}
here=$(dirname "$0")
"$python" -m pip install --quiet -r "$here/exchange-requirements.txt"
"$python" -m pip install --quiet --no-deps ngshare-exchange==0.5.3
