"""Trainings that must reach a validation MSE, each threshold measured from real runs.

quick (15,000 images, 6 epochs, CPU): the threshold that also grades lesson 4,
from autograder/thresholds.json, made by
    python -m autograder.calibrate --profile quick --seeds 42 1 2
(the worst seed's final validation MSE plus 10%; the file records the runs,
the machine and the library versions).

full (the tutorial: 20 epochs on the training images, 5,000 of them held out to validate): the tutorial's published final
validation MSE is 0.0143; the issue that specifies this course sets 0.0150.
Not in the default run (`pytest -m full`, or `make full`).
"""

import json
import subprocess
import sys

import pytest

from autograder.course import load_thresholds
from dae_reference.config import PROFILES
from dae_reference.train import train

FULL_VAL_MSE_MAX = 0.0150


@pytest.mark.slow
def test_quick_profile_reaches_its_measured_threshold(fashion_mnist):
    quick = load_thresholds()["quick"]
    _, history, _ = train(PROFILES["quick"], seed=42, data=fashion_mnist, verbose=0)
    assert history["val_loss"][-1] <= quick["val_loss_max"], (
        f"quick training ended at validation MSE {history['val_loss'][-1]:.4f}, "
        f"above the threshold {quick['val_loss_max']} (measured runs: {quick['runs']})"
    )


@pytest.mark.full
def test_full_tutorial_run_reaches_validation_mse_0_0150(fashion_mnist, tmp_path):
    subprocess.run([sys.executable, "-m", "dae_reference", "train", "--profile", "full", "--out", str(tmp_path)],
                   check=True)
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["epochs"] == 20 and metrics["n_train"] + metrics["n_val"] == 60_000
    assert metrics["final_val_mse"] <= FULL_VAL_MSE_MAX, metrics
