"""GPU timing of the tutorial's 20-epoch training (the ``full`` profile).

Trains the reference exactly as ``python -m dae_reference train --profile full``
does (60,000 images, 20 epochs, batch 128, fresh noise, seed 42), in the
precision the device rule picks (``mixed_float16`` on a GPU of compute
capability 7.0 or newer, else float32), and prints the device, the precision,
the median ms per training step over the epochs after the first (the first
traces and compiles), the total seconds and the final train and validation MSE.

    python benchmarks/gpu_train.py [--out results/gpu_train.json] [--epochs N]

Without a GPU it does not train: it prints one line saying so and exits with
status 0 (with ``--out``, the JSON file says ``"ran": false``), so that it can
sit in a pipeline that also runs on CPU machines. On an NVIDIA machine,
TensorFlow finds the GPU only with its CUDA libraries: the project's ``gpu``
extra (``pip install -e '.[gpu]'``), which the course's GPU image has. The timed epochs include
the validation pass over the 10,000 test images, as ``ms_per_step`` of
``python -m dae_reference train`` does.
"""

import argparse
import json
import math
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dae_reference.quiet import silence_tensorflow  # noqa: E402

silence_tensorflow()

from dae_reference.config import PROFILES  # noqa: E402
from dae_reference.device import choose_precision, describe_device, gpu_available  # noqa: E402

NOT_RUN = "no GPU visible to TensorFlow: the GPU benchmark did not run"
CUDA_HINT = ("(on a machine with an NVIDIA GPU, TensorFlow needs its CUDA libraries: "
             "pip install -e '.[gpu]', or use the course's GPU image)")


def plan():
    """What this machine would run: ``(profile, precision, device)``, or ``None`` without a GPU."""
    if not gpu_available():
        return None
    return PROFILES["full"], choose_precision(), describe_device()


def summarize(info):
    """The benchmark's figures from ``train``'s ``info``.

    Returns
    -------
    dict
        ``ms_per_step_median`` over the epochs after the first (all epochs
        when there is only one), ``first_epoch_seconds``, ``total_seconds``,
        and what ran (device, precision, epochs, images, final MSEs).
    """
    steps_per_epoch = math.ceil(info["n_train"] / info["batch_size"])
    per_step = [1000 * seconds / steps_per_epoch for seconds in info["epoch_seconds"]]
    steady = per_step[1:] or per_step
    return {
        "ran": True,
        "device": info["device"],
        "precision": info["precision"],
        "profile": info["profile"],
        "epochs": info["epochs"],
        "n_train": info["n_train"],
        "batch_size": info["batch_size"],
        "steps_per_epoch": steps_per_epoch,
        "ms_per_step_median": round(statistics.median(steady), 2),
        "first_epoch_seconds": round(info["epoch_seconds"][0], 1),
        "total_seconds": info["train_seconds"],
        "final_train_mse": round(info["final_train_mse"], 5),
        "final_val_mse": round(info["final_val_mse"], 5),
        "versions": info["versions"],
    }


def write_json(path, figures):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=2) + "\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--epochs", type=int, help="override the full profile's 20 epochs (for a quick look)")
    parser.add_argument("--seed", type=int, default=42, help="seed for weights, shuffling and noise (default 42)")
    args = parser.parse_args(argv)
    if args.epochs is not None and args.epochs < 1:
        parser.error(f"--epochs must be a positive integer, got {args.epochs}")

    planned = plan()
    if planned is None:
        print(NOT_RUN)
        print(CUDA_HINT, file=sys.stderr)
        if args.out:
            write_json(args.out, {"ran": False, "reason": NOT_RUN})
        return 0

    from dae_reference.train import train

    profile, precision, device = planned
    epochs = args.epochs or profile.epochs
    print(f"device: {device}, precision: {precision}, profile: {profile.name} "
          f"({epochs} epochs, batch {profile.batch_size}, fresh noise, seed {args.seed})")
    _, _, info = train(profile, "fresh", args.seed, epochs, precision, verbose=2)
    figures = summarize(info)
    print(f"\n{figures['device']}, {figures['precision']}: "
          f"{figures['ms_per_step_median']:.1f} ms/step (median of epochs 2-{figures['epochs']}; "
          f"{figures['steps_per_epoch']} steps per epoch, validation included), "
          f"first epoch {figures['first_epoch_seconds']:.1f} s, "
          f"{figures['total_seconds']:.1f} s in all")
    print(f"final train MSE {figures['final_train_mse']:.4f}, validation MSE {figures['final_val_mse']:.4f}")
    if args.out:
        write_json(args.out, figures)
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
