"""Training speed: the tutorial's own code against the reference's training path.

Both train the same 74,497-parameter model with batch 128 on the same images,
in one process, taking turns epoch by epoch so that a busy machine slows both
alike. Prints the median ms per training step of each and their ratio, then
trains each for a few epochs to show that the losses behave the same.

    python benchmarks/train_speed.py [--steps 40] [--rounds 5] [--loss-epochs 3]

"The tutorial's code" is its training call as published: NumPy arrays of
pre-corrupted images into ``model.fit(..., shuffle=True)``, ``compile("adam",
"mse")`` with Keras' defaults (no XLA on a CPU), float32.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers  # noqa: E402

from dae_reference.data import load_fashion_mnist  # noqa: E402
from dae_reference.device import choose_precision, describe_device  # noqa: E402
from dae_reference.model import build_autoencoder  # noqa: E402
from dae_reference.train import compile_autoencoder, dtype_policy, make_datasets  # noqa: E402


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
        self.name = f"reference (tf.data, {precision})"
        keras.utils.set_random_seed(0)
        self.train_ds, self.val_ds = make_datasets(x, x_val, seed=0, noise="fixed")
        with dtype_policy(precision):
            self.model = compile_autoencoder(build_autoencoder())

    def epoch(self, validate=False):
        return self.model.fit(self.train_ds, validation_data=self.val_ds if validate else None,
                              epochs=1, verbose=0).history


def ms_per_step(contenders, n_steps, rounds):
    for contender in contenders:  # the first epoch traces and compiles: not timed
        contender.epoch()
    times = {c.name: [] for c in contenders}
    for _ in range(rounds):
        for contender in contenders:
            start = time.perf_counter()
            contender.epoch()
            times[contender.name].append(1000 * (time.perf_counter() - start) / n_steps)
    return {name: statistics.median(values) for name, values in times.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=40, help="training steps per timed epoch (default 40)")
    parser.add_argument("--rounds", type=int, default=5, help="timed epochs per contender (default 5)")
    parser.add_argument("--loss-epochs", type=int, default=3, help="epochs of the loss comparison (0 skips it)")
    args = parser.parse_args(argv)

    (x_train, _), (x_test, _) = load_fashion_mnist()
    x, x_val = x_train[: 128 * args.steps], x_test[:2000]
    precision = choose_precision()
    print(f"device: {describe_device()}; reference precision on this machine: {precision}")
    print(f"timing {args.rounds} epochs of {args.steps} steps (batch 128) each, taking turns\n")

    contenders = [Tutorial(x, x_val), Reference(x, x_val, "float32")]
    if precision != "float32":
        contenders.append(Reference(x, x_val, precision))
    medians = ms_per_step(contenders, args.steps, args.rounds)
    baseline = medians[contenders[0].name]
    for name, ms in medians.items():
        print(f"{name:45s} {ms:7.1f} ms/step   {baseline / ms:4.2f}x")
    print(f"\nspeed-up of the reference over the tutorial's code: {baseline / medians[contenders[-1].name]:.2f}x")

    if args.loss_epochs:
        print(f"\nloss after {args.loss_epochs} more epochs on the same {len(x)} images "
              f"(train MSE / validation MSE on {len(x_val)} noisy test images):")
        for contender in contenders:
            for _ in range(args.loss_epochs):
                history = contender.epoch(validate=True)
            print(f"{contender.name:45s} {history['loss'][-1]:.4f} / {history['val_loss'][-1]:.4f}")


if __name__ == "__main__":
    main()
