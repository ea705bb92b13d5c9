#!/usr/bin/env bash
# Make Fashion-MNIST available offline: Debian's dataset-fashion-mnist package
# installs the original IDX files under /usr/share/datasets/fashion-mnist.
# Safe to run again. Where apt-get is not usable, the loader falls back to the
# Keras cache or a download, so this only prints a note.
set -eu
python=${1:-python3}

if "$python" -c "from dae_reference.data import find_data_dir; find_data_dir(download=False)" 2>/dev/null; then
  exit 0  # already found in one of the loader's places
fi
if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else sudo=none; fi
  if [ "$sudo" != none ]; then
    echo "installing Fashion-MNIST (Debian package dataset-fashion-mnist)..."
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq dataset-fashion-mnist >/dev/null
    exit 0
  fi
fi
echo "note: Fashion-MNIST is not installed and apt-get is not usable here;"
echo "      it will be downloaded by Keras on first use (or set DAE_DATA_DIR to a folder with the IDX files)."
