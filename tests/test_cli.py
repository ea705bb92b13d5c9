"""The command line's error paths: one line on stderr, a non-zero exit, no traceback."""

import json
import os
import subprocess
import sys

import pytest

from dae_reference.cli import main


def run_main(capsys, *argv):
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.err.strip()


@pytest.mark.parametrize("argv, fragment", [
    (["train", "--profile", "huge"], "invalid choice: 'huge'"),
    (["train", "--epochs", "0"], "expected a positive integer, got '0'"),
    (["train", "--epochs", "many"], "expected a positive integer, got 'many'"),
    (["train", "--noise", "sometimes"], "invalid choice: 'sometimes'"),
    (["evaluate"], "the following arguments are required: --model"),
    (["fly"], "invalid choice: 'fly'"),
    ([], "the following arguments are required: command"),
])
def test_bad_arguments_give_one_line_and_status_2(capsys, argv, fragment):
    status, err = run_main(capsys, *argv)
    assert status == 2
    assert fragment in err and err.startswith("error: ") and "\n" not in err


def test_missing_dataset_gives_one_line_and_status_1(capsys, no_dataset, tmp_path):
    status, err = run_main(capsys, "train", "--profile", "smoke", "--out", str(tmp_path / "run"))
    assert status == 1
    assert "Fashion-MNIST not found" in err and "\n" not in err
    assert not (tmp_path / "run").exists()


def test_missing_model_file_gives_one_line(capsys, tmp_path):
    status, err = run_main(capsys, "evaluate", "--model", str(tmp_path / "nothing.keras"))
    assert status == 1
    assert "no model file at" in err and "\n" not in err


def test_corrupt_model_file_gives_one_line(capsys, tmp_path):
    (tmp_path / "model.keras").write_bytes(b"not a zip archive")
    status, err = run_main(capsys, "evaluate", "--model", str(tmp_path / "model.keras"))
    assert status == 1
    assert "is not a readable Keras model" in err and "\n" not in err


def test_run_trains_evaluates_and_writes_every_artifact(fashion_mnist, tmp_path):
    out = tmp_path / "smoke"
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}  # as a user runs it
    result = subprocess.run(
        [sys.executable, "-m", "dae_reference", "run", "--profile", "smoke", "--out", str(out)],
        capture_output=True, text=True, timeout=600, env=env,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    for noise in ("cuInit", "cuda drivers", "oneDNN", "cpu_feature_guard", "absl::InitializeLog"):
        assert noise not in result.stderr, f"TensorFlow's start-up noise reaches the user: {result.stderr[:500]}"
    assert "profile: smoke (chosen by --profile)" in result.stdout
    for name in ["model.keras", "history.json", "metrics.json", "evaluation.json", "fig1_clean_vs_noisy.png",
                 "fig2_loss_curves.png", "fig3_denoised.png", "error_histogram.png", "worst_cases.png"]:
        assert (out / name).is_file(), name
    methods = json.loads((out / "evaluation.json").read_text())["methods"]
    assert {"noisy input (no denoising)", "denoising autoencoder"} <= set(methods)
    assert methods["denoising autoencoder"]["mse"] < methods["noisy input (no denoising)"]["mse"]


@pytest.mark.parametrize("experiment, module, function", [
    ("pca-vs-dense", "dae_reference.linear", "record_pca_vs_dense"),
    ("noise-regimes", "dae_reference.regimes", "record_noise_regimes"),
    ("audit", "dae_reference.audit", "record_audit"),
    ("noise2noise", "dae_reference.generation", "record_noise2noise"),
    ("probe", "dae_reference.probe", "record_probe"),
    ("identity-drift", "dae_reference.drift", "record_identity_drift"),
    ("sigma-matrix", "dae_reference.shift", "record_sigma_matrix"),
])
def test_record_runs_the_experiment_into_the_file_asked_for(monkeypatch, capsys, tmp_path, experiment, module, function):
    import importlib

    written = []
    monkeypatch.setattr(importlib.import_module(module), function, written.append)
    assert main(["record", experiment, "--out", str(tmp_path / "sub" / "x.json")]) == 0
    assert written == [tmp_path / "sub" / "x.json"] and (tmp_path / "sub").is_dir()
    assert f"wrote {tmp_path / 'sub' / 'x.json'}" in capsys.readouterr().out


def test_figure_2_says_which_images_a_recorded_run_validated_on():
    """results/full was recorded validating on the test images, before validation moved to held-out training images;
    runs since record that they did (tests/test_train.py trains one)."""
    from autograder.course import ROOT
    from dae_reference.cli import read_json, validated_on

    assert validated_on(read_json(ROOT / "results" / "full" / "metrics.json")) == "the test images"
    assert validated_on({"n_train": 15_000, "n_val": 2_000}) == "the test images"
    assert validated_on({"validated_on": "held-out images"}) == "held-out images"
