"""The GPU benchmark: says it did not run on a CPU, and on a GPU would time the full profile in mixed float16."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.answering import pretend_gpus as _pretend_gpus
from benchmarks import gpu_train
from dae_reference import device
from dae_reference.config import get_profile

ROOT = Path(__file__).resolve().parents[1]


def test_without_a_gpu_it_says_it_did_not_run_and_does_not_train(tmp_path):
    out = tmp_path / "gpu.json"
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": "-1", "PYTHONPATH": str(ROOT)}  # no GPU, even on a GPU machine
    result = subprocess.run([sys.executable, "benchmarks/gpu_train.py", "--out", str(out)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == gpu_train.NOT_RUN
    assert json.loads(out.read_text()) == {"ran": False, "reason": gpu_train.NOT_RUN}


def test_on_a_tensor_core_gpu_it_plans_the_full_profile_in_mixed_float16():
    with _pretend_gpus([(8, 0)]):
        profile, precision, name = gpu_train.plan()
    assert (profile.name, profile.epochs, profile.n_train) == ("full", 20, None)
    assert precision == "mixed_float16"
    assert name == "GPU: pretend GPU"


def test_on_an_older_gpu_it_trains_in_float32():
    with _pretend_gpus([(6, 1)]):
        assert gpu_train.plan()[1] == "float32"


def test_the_profile_rule_asks_tensorflow_for_a_gpu(monkeypatch):
    monkeypatch.delenv("DAE_PROFILE", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    with _pretend_gpus([(9, 0)]):
        assert get_profile()[0].name == "full"
        assert device.choose_precision() == "mixed_float16"
        assert device.describe_device() == "GPU: pretend GPU"
    with _pretend_gpus([]):
        assert get_profile()[0].name == "quick"
        assert device.choose_precision() == "float32"
        assert device.describe_device().startswith("CPU")


def test_summary_takes_the_median_after_the_first_epoch():
    info = {"device": "GPU: X", "precision": "mixed_float16", "profile": "full", "epochs": 4,
            "n_train": 60_000, "batch_size": 128, "epoch_seconds": [9.0, 2.0, 4.0, 3.0],
            "train_seconds": 18.0, "final_train_mse": 0.0139, "final_val_mse": 0.0138, "versions": {}}
    figures = gpu_train.summarize(info)
    assert figures["steps_per_epoch"] == 469
    assert figures["ms_per_step_median"] == pytest.approx(1000 * 3.0 / 469, abs=0.01)
    assert figures["first_epoch_seconds"] == 9.0 and figures["total_seconds"] == 18.0


def test_bad_epochs_are_refused():
    with pytest.raises(SystemExit):
        gpu_train.main(["--epochs", "0"])
