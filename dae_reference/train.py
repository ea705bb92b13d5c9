"""Train the denoising autoencoder: a tf.data pipeline, Adam and MSE.

Two noise regimes:

* ``fixed``: every training image is corrupted once, with a seed, and the
  network sees the same noisy copy every epoch (what the tutorial does);
* ``fresh``: a new corruption every epoch, the denoising criterion as Vincent
  et al. (2008) state it; the network never sees the same noisy image twice.

Validation is on training images held out from training (``data.hold_out``),
corrupted once with ``EVAL_NOISE_SEED``, so that runs are comparable; the test
images are left for the one final evaluation.

Lesson 4's experiment, the two regimes compared seed by seed, is ``dae_reference.regimes``.
"""

import contextlib
import json
import platform
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from dae_reference.config import EVAL_NOISE_SEED, NOISE_REGIMES
from dae_reference.data import hold_out, load_fashion_mnist
from dae_reference.device import PRECISIONS, choose_precision, describe_device
from dae_reference.model import build_autoencoder
from dae_reference.noise import add_gaussian_noise

# Run this many training steps per call into the compiled graph: fewer
# round trips through Python, the progress bar still updates every few steps.
STEPS_PER_EXECUTION = 8


def make_datasets(x_train, x_val, batch_size=128, sigma=0.5, seed=42, noise="fresh"):
    """Build the (noisy, clean) training and validation pipelines.

    Parameters
    ----------
    x_train, x_val : float32 arrays, shape ``(n, 28, 28, 1)``, in [0, 1]
    batch_size : int
    sigma : float
        Standard deviation of the Gaussian noise.
    seed : int
        Seeds the shuffling and the training noise. Fresh noise is
        stateless (``tf.random.stateless_normal``, one seed pair per batch
        from ``tf.data.Dataset.random(seed)``, a new stream every epoch):
        under the same global seed, two builds give the same images in the
        same order with the same noise, and every epoch draws new noise.
    noise : {'fresh', 'fixed'}

    Returns
    -------
    train_ds, val_ds : tf.data.Dataset of ``(noisy, clean)`` float32 batches
    """
    if noise not in NOISE_REGIMES:
        raise ValueError(f"noise={noise!r} is not one of {NOISE_REGIMES}")
    x_val_noisy = add_gaussian_noise(x_val, sigma, seed=EVAL_NOISE_SEED)
    val_ds = tf.data.Dataset.from_tensor_slices((x_val_noisy, x_val)).batch(batch_size)

    if noise == "fixed":
        x_train_noisy = add_gaussian_noise(x_train, sigma, seed=seed)
        train_ds = tf.data.Dataset.from_tensor_slices((x_train_noisy, x_train))
        train_ds = train_ds.shuffle(len(x_train), seed=seed, reshuffle_each_iteration=True).batch(batch_size)
    else:
        clean = tf.data.Dataset.from_tensor_slices(x_train)
        clean = clean.shuffle(len(x_train), seed=seed, reshuffle_each_iteration=True).batch(batch_size)
        # One stateless seed pair per batch, a new sequence every epoch.
        batch_seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)
        train_ds = tf.data.Dataset.zip(clean, batch_seeds).map(
            lambda x, pair: (add_gaussian_noise(x, sigma, seed=pair), x),
            num_parallel_calls=tf.data.AUTOTUNE,
            deterministic=True,
        )
    return train_ds.prefetch(tf.data.AUTOTUNE), val_ds.cache().prefetch(tf.data.AUTOTUNE)


def train_autoencoder(model, train_ds, val_ds, epochs, learning_rate=1e-3, verbose=2, callbacks=None):
    """Compile ``model`` with Adam and the mean squared error, fit it on ``(noisy, clean)`` batches, time each epoch.

    Parameters
    ----------
    model : keras.Model
        Compiled here, in place.
    train_ds, val_ds : tf.data.Dataset of ``(noisy, clean)`` batches
        The validation loss is computed on all of ``val_ds`` after every epoch.
    epochs : int
    learning_rate : float
        Adam's step size.
    verbose : int
        Keras ``fit`` verbosity: 2 prints one line per epoch, 0 nothing.
    callbacks : list of keras.callbacks.Callback or None
        More callbacks, after the epoch timer.

    Returns
    -------
    keras.callbacks.History
        Its ``history`` holds ``loss``, ``val_loss`` and ``epoch_seconds``:
        each epoch's wall-clock seconds, its validation included (the first
        also includes tracing the graph).
    """
    # The MSE: its minimiser is the posterior mean E[x | noisy x] (lesson 7); Adam: robust with its default rate.
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mse", steps_per_execution=STEPS_PER_EXECUTION)
    # shuffle=False: the dataset shuffles itself (Keras warns otherwise)
    return model.fit(train_ds, validation_data=val_ds, epochs=epochs, shuffle=False, verbose=verbose,
                     callbacks=[EpochTimer(), *(callbacks or [])])


class EpochTimer(keras.callbacks.Callback):
    """Puts each epoch's wall-clock seconds, validation included, in its logs: the History records them as
    ``epoch_seconds`` (Keras calls the History last, with the logs the other callbacks have written to)."""

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        logs["epoch_seconds"] = time.perf_counter() - self._start


@contextlib.contextmanager
def dtype_policy(name):
    """Build models under the Keras dtype policy ``name``, then restore the previous one."""
    if name not in PRECISIONS:
        raise ValueError(f"precision={name!r} is not one of {PRECISIONS}")
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)


def train(profile, noise="fresh", seed=42, epochs=None, precision=None, data=None, verbose=1):
    """Train a fresh autoencoder under ``profile``.

    Parameters
    ----------
    profile : dae_reference.config.Profile
    noise : {'fresh', 'fixed'}
    seed : int
        Seeds weights, shuffling and training noise; on a CPU the same seed
        gives the same losses.
    epochs : int or None
        Overrides ``profile.epochs``.
    precision : {'float32', 'mixed_float16', 'mixed_bfloat16'} or None
        ``None`` picks the fastest for this machine (``device.choose_precision``).
    data : ((x_train, y_train), (x_test, y_test)) or None
        Preloaded data; ``None`` calls ``load_fashion_mnist()``.
    verbose : int
        Keras ``fit`` verbosity.

    Returns
    -------
    model : keras.Model
    history : dict of lists, ``{'loss': [...], 'val_loss': [...]}``
    info : dict
        What ran: profile, noise, seed, epochs, precision, device, timings
        (``epoch_seconds``: each epoch's wall-clock time; the first includes
        tracing and compiling).
    """
    epochs = profile.epochs if epochs is None else epochs
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs={epochs!r} is invalid: expected a positive integer")
    precision = precision or choose_precision()
    (x_train, _), _ = data if data is not None else load_fashion_mnist()
    x_train, x_val = hold_out(x_train, profile.n_val, profile.n_train)

    keras.utils.set_random_seed(seed)
    train_ds, val_ds = make_datasets(x_train, x_val, profile.batch_size, profile.sigma, seed, noise)
    with dtype_policy(precision):
        model = build_autoencoder()

    start = time.perf_counter()
    fit = train_autoencoder(model, train_ds, val_ds, epochs, profile.learning_rate, verbose)
    seconds = time.perf_counter() - start

    history = {key: [float(v) for v in values] for key, values in fit.history.items()}
    epoch_seconds = history.pop("epoch_seconds")
    steps = epochs * int(np.ceil(len(x_train) / profile.batch_size))
    info = {
        "profile": profile.name,
        "noise": noise,
        "seed": seed,
        "epochs": epochs,
        "n_train": len(x_train),
        "n_val": len(x_val),
        "validated_on": "held-out images",  # (runs recorded before the held-out split validated on the test images)
        "batch_size": profile.batch_size,
        "learning_rate": profile.learning_rate,
        "sigma": profile.sigma,
        "precision": precision,
        "device": describe_device(),
        "train_seconds": round(seconds, 1),
        "ms_per_step": round(1000 * seconds / steps, 1),
        "epoch_seconds": [round(value, 3) for value in epoch_seconds],
        "final_train_mse": history["loss"][-1],
        "final_val_mse": history["val_loss"][-1],
        "versions": {"python": platform.python_version(), "tensorflow": tf.__version__, "keras": keras.__version__},
    }
    return model, history, info


def save_run(model, history, info, out):
    """Write ``model.keras``, ``history.json`` and ``metrics.json`` into the folder ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    model.save(out / "model.keras")
    (out / "history.json").write_text(json.dumps(history, indent=2) + "\n")
    (out / "metrics.json").write_text(json.dumps(info, indent=2) + "\n")
    return out


def regime_gap(fixed, fresh):
    """How much worse fixed noise ends than fresh noise, over runs paired by seed.

    Parameters
    ----------
    fixed, fresh : sequences of positive floats, one per seed
        Final validation MSEs; ``fixed[i]`` and ``fresh[i]`` share seed ``i`` (the same initial weights).

    Returns
    -------
    mean, standard_error : float
        The mean over seeds of ``fixed / fresh - 1`` (positive: fixed noise is worse) and its standard
        error, the sample standard deviation (``ddof=1``) over the square root of the number of seeds.
        Pairing takes out what a seed does to both runs; the standard error says how far the mean could
        move with other seeds.
    """
    fixed, fresh = np.asarray(fixed, dtype=np.float64), np.asarray(fresh, dtype=np.float64)
    if fixed.ndim != 1 or fixed.shape != fresh.shape or len(fixed) < 2:
        raise ValueError(f"expected two equally long lists of at least two runs, got {fixed.shape} and {fresh.shape}")
    gap = fixed / fresh - 1
    return float(gap.mean()), float(gap.std(ddof=1) / np.sqrt(len(gap)))
