"""Measure the loss thresholds that grade lesson 4's training.

    python -m autograder.calibrate --profile smoke --seeds 42 1 2 3 4

trains the reference (``dae_reference.train.train``, float32, fresh noise)
once per seed under the profile, and records in ``autograder/thresholds.json``
the final training and validation MSE of every run and the thresholds: the
worst seed plus a margin (10% by default). A student's training passes when it
ends at or below them.
"""

import argparse
import datetime
import json
import sys

from autograder.course import THRESHOLDS_PATH
from dae_reference.config import PROFILES


def calibrate(profile_name, seeds, margin=0.10):
    """Train once per seed; returns the profile's entry for the thresholds file."""
    import keras
    import tensorflow as tf

    from dae_reference.data import load_fashion_mnist
    from dae_reference.device import describe_device
    from dae_reference.train import train

    data = load_fashion_mnist()
    runs = []
    for seed in seeds:
        _, history, info = train(PROFILES[profile_name], seed=seed, precision="float32", data=data, verbose=0)
        runs.append({"seed": seed, "loss": round(history["loss"][-1], 5), "val_loss": round(history["val_loss"][-1], 5),
                     "seconds": info["train_seconds"]})
        print(f"{profile_name} seed {seed}: loss {runs[-1]['loss']:.5f}  val_loss {runs[-1]['val_loss']:.5f}", flush=True)
    return {
        "loss_max": round(max(r["loss"] for r in runs) * (1 + margin), 4),
        "val_loss_max": round(max(r["val_loss"] for r in runs) * (1 + margin), 4),
        "margin": margin,
        "runs": runs,
        "measured_on": f"{describe_device()}, float32, TensorFlow {tf.__version__}, Keras {keras.__version__}",
        "date": datetime.date.today().isoformat(),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.calibrate", description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=sorted(PROFILES), required=True)
    parser.add_argument("--seeds", type=int, nargs="+", default=[42, 1, 2])
    parser.add_argument("--margin", type=float, default=0.10, help="fraction added to the worst seed (default 0.10)")
    args = parser.parse_args(argv)
    thresholds = json.loads(THRESHOLDS_PATH.read_text()) if THRESHOLDS_PATH.exists() else {}
    thresholds["how"] = " ".join(__doc__.split("\n\n")[2].split())
    thresholds.setdefault("profiles", {})[args.profile] = calibrate(args.profile, args.seeds, args.margin)
    THRESHOLDS_PATH.write_text(json.dumps(thresholds, indent=2) + "\n")
    print(f"wrote {THRESHOLDS_PATH}")


if __name__ == "__main__":
    sys.exit(main())
