"""Training speed: the tutorial's own code against the reference's training path.

Both train the same 74,497-parameter model with batch 128 on the same images,
taking turns so that a busy machine slows all alike. Each contender runs in a
fresh process: two models in one process share, and disturb, oneDNN's caches.
Prints the median ms per training step of each and their ratio, then trains
each for a few more epochs to show that the losses behave the same.

    python benchmarks/train_speed.py [--steps 40] [--rounds 3] [--timed-epochs 3] [--loss-epochs 3]

"The tutorial's code" is its training call as published: NumPy arrays of
pre-corrupted images into ``model.fit(..., shuffle=True)``, ``compile("adam",
"mse")`` with Keras' defaults (no XLA on a CPU), float32.
"""

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dae_reference.quiet import silence_tensorflow  # noqa: E402

silence_tensorflow()

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers  # noqa: E402

from dae_reference.data import load_fashion_mnist  # noqa: E402
from dae_reference.device import choose_precision, describe_device  # noqa: E402
from dae_reference.model import build_autoencoder  # noqa: E402
from dae_reference.train import STEPS_PER_EXECUTION, dtype_policy, make_datasets  # noqa: E402


def tutorial_model():
    """The tutorial's network and compile call, as it wrote them."""
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, (3, 3), activation="relu", padding="same")(inputs)
    x = layers.MaxPooling2D((2, 2), padding="same")(x)
    x = layers.Conv2D(64, (3, 3), activation="relu", padding="same")(x)
    encoded = layers.MaxPooling2D((2, 2), padding="same")(x)
    x = layers.Conv2D(64, (3, 3), activation="relu", padding="same")(encoded)
    x = layers.UpSampling2D((2, 2))(x)
    x = layers.Conv2D(32, (3, 3), activation="relu", padding="same")(x)
    x = layers.UpSampling2D((2, 2))(x)
    decoded = layers.Conv2D(1, (3, 3), activation="sigmoid", padding="same")(x)
    model = keras.Model(inputs, decoded)
    model.compile(optimizer="adam", loss="mse")
    return model


class Tutorial:
    name = "tutorial code (NumPy into fit, float32)"

    def __init__(self, x, x_val):
        rng = np.random.default_rng(0)
        self.x, self.x_val = x, x_val
        self.x_noisy = np.clip(x + 0.5 * rng.standard_normal(x.shape), 0, 1).astype("float32")
        self.x_val_noisy = np.clip(x_val + 0.5 * rng.standard_normal(x_val.shape), 0, 1).astype("float32")
        keras.utils.set_random_seed(0)
        self.model = tutorial_model()

    def epoch(self, validate=False):
        val = (self.x_val_noisy, self.x_val) if validate else None
        return self.model.fit(self.x_noisy, self.x, batch_size=128, shuffle=True, epochs=1,
                              validation_data=val, verbose=0).history


class Reference:
    def __init__(self, x, x_val, precision):
        self.name = f"reference (tf.data, fresh noise, {precision})"
        keras.utils.set_random_seed(0)
        self.train_ds, self.val_ds = make_datasets(x, x_val, seed=0, noise="fresh")
        with dtype_policy(precision):
            self.model = build_autoencoder()
        # as dae_reference.train.train_autoencoder compiles, once, so that epochs run on one optimizer state
        self.model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse", steps_per_execution=STEPS_PER_EXECUTION)

    def epoch(self, validate=False):
        return self.model.fit(self.train_ds, validation_data=self.val_ds if validate else None,
                              epochs=1, verbose=0).history


CONTENDERS = ("tutorial", "reference", "bfloat16")


def make_contender(kind, x, x_val):
    if kind == "tutorial":
        return Tutorial(x, x_val)
    return Reference(x, x_val, choose_precision() if kind == "reference" else "mixed_bfloat16")


def worker(kind, n_steps, timed_epochs, loss_epochs):
    """Time one contender in this process; print one JSON line."""
    (x_train, _), (x_test, _) = load_fashion_mnist()
    contender = make_contender(kind, x_train[: 128 * n_steps], x_test[:2000])
    contender.epoch()  # the first epoch traces and compiles: not timed
    times = []
    for _ in range(timed_epochs):
        start = time.perf_counter()
        contender.epoch()
        times.append(1000 * (time.perf_counter() - start) / n_steps)
    history = {}
    for _ in range(loss_epochs):
        history = contender.epoch(validate=True)
    print(json.dumps({"name": contender.name, "ms": times, "loss": history.get("loss", [None])[-1],
                      "val_loss": history.get("val_loss", [None])[-1]}))


def run_worker(kind, args, loss_epochs):
    command = [sys.executable, __file__, "--worker", kind, "--steps", str(args.steps),
               "--timed-epochs", str(args.timed_epochs), "--loss-epochs", str(loss_epochs)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"error: the {kind} worker failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=40, help="training steps per timed epoch (default 40)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of taking turns (default 3)")
    parser.add_argument("--timed-epochs", type=int, default=3, help="timed epochs per contender and round (default 3)")
    parser.add_argument("--loss-epochs", type=int, default=3, help="epochs of the loss comparison (0 skips it)")
    parser.add_argument("--also-bfloat16", action="store_true",
                        help="also time the reference in mixed_bfloat16 (for CPUs with AVX512-BF16 or AMX)")
    parser.add_argument("--worker", choices=CONTENDERS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.worker, args.steps, args.timed_epochs, args.loss_epochs)

    kinds = CONTENDERS if args.also_bfloat16 else CONTENDERS[:2]
    print(f"device: {describe_device()}; the reference's precision on this machine: {choose_precision()}")
    print(f"{args.rounds} rounds; in each, every contender runs in a fresh process and times "
          f"{args.timed_epochs} epochs of {args.steps} steps (batch 128) after a warm-up epoch\n")
    times, results = {}, {}
    for round_index in range(args.rounds):
        last = round_index == args.rounds - 1
        for kind in kinds:
            result = run_worker(kind, args, args.loss_epochs if last else 0)
            times.setdefault(result["name"], []).extend(result["ms"])
            results[result["name"]] = result
            print(f"  round {round_index + 1}: {result['name']:50s} "
                  + " ".join(f"{ms:6.1f}" for ms in result["ms"]) + " ms/step", flush=True)

    medians = {name: statistics.median(values) for name, values in times.items()}
    baseline = next(iter(medians.values()))
    print(f"\n{'median over all timed epochs':50s} {'ms/step':>8s}  speed-up")
    for name, ms in medians.items():
        print(f"{name:50s} {ms:8.1f}  {baseline / ms:6.2f}x")
    print(f"\nspeed-up of the reference over the tutorial's code: {baseline / list(medians.values())[1]:.2f}x")
    if args.loss_epochs:
        print(f"\nafter {args.loss_epochs + 1 + args.timed_epochs} epochs on the same {128 * args.steps} images: "
              "train MSE / validation MSE (2,000 noisy test images)")
        for name, result in results.items():
            print(f"{name:50s} {result['loss']:.4f} / {result['val_loss']:.4f}")


if __name__ == "__main__":
    main()
