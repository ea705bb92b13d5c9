"""Trainings that must reach a validation MSE, each threshold measured from real runs.

quick (15,000 images, 6 epochs, CPU): measured with
    for seed in 42 1 2; do python -m dae_reference train --profile quick --seed $seed --out runs/quick-$seed; done
on a 2-core AMD EPYC CPU (float32, the CPU default), TensorFlow 2.21, Keras 3.15, on
2026-11-25. QUICK_MEASURED holds the final validation MSE of those runs, in
that order; the threshold is their worst plus a margin of 10%, for CPUs,
precisions and library versions that round differently.

full (the tutorial: 60,000 images, 20 epochs): the tutorial's published final
validation MSE is 0.0143; the issue that specifies this course sets 0.0150.
Not in the default run (`pytest -m full`, or `make full`).
"""

import json
import subprocess
import sys

import pytest

from dae_reference.config import PROFILES
from dae_reference.train import train

QUICK_MEASURED = (0.01822, 0.01882, 0.01908)
QUICK_VAL_MSE_MAX = round(max(QUICK_MEASURED) * 1.10, 4)  # 0.021
FULL_VAL_MSE_MAX = 0.0150


@pytest.mark.slow
def test_quick_profile_reaches_its_measured_threshold(fashion_mnist):
    _, history, _ = train(PROFILES["quick"], seed=42, data=fashion_mnist, verbose=0)
    assert history["val_loss"][-1] <= QUICK_VAL_MSE_MAX, (
        f"quick training ended at validation MSE {history['val_loss'][-1]:.4f}, "
        f"above the threshold {QUICK_VAL_MSE_MAX} (measured runs: {QUICK_MEASURED})"
    )


@pytest.mark.full
def test_full_tutorial_run_reaches_validation_mse_0_0150(fashion_mnist, tmp_path):
    subprocess.run([sys.executable, "-m", "dae_reference", "train", "--profile", "full", "--out", str(tmp_path)],
                   check=True)
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["epochs"] == 20 and metrics["n_train"] == 60_000
    assert metrics["final_val_mse"] <= FULL_VAL_MSE_MAX, metrics
