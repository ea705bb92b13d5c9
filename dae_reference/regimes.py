"""Lesson 4's experiment: fixed against fresh training noise, seed by seed, and what each network learnt.

Under one budget the tutorial's network is trained twice per seed, from the same initial weights on the same
images in the same order: once on one noisy copy of the images, drawn before training (``fixed``, the
tutorial's way), and once on noise drawn anew for every batch (``fresh``). Each network is then scored on

* its final training loss, each on the noise it trained on;
* the training images under the fixed runs' noisy copy (``own_copy_mse``) and under a new draw of the noise
  (``new_draw_mse``): a network that has learnt the noise of its copy does better on that copy than on the
  new draw, and the fresh network, which never trained on the copy, is the control;
* the held-out validation images, corrupted once with ``EVAL_NOISE_SEED`` (``val_mse``).

Lesson 4 runs :func:`noise_regime_runs` with the student's own pipeline and training function;
``python -m dae_reference record noise-regimes`` runs it with the reference's, at three budgets, and writes
``results/quick/noise_regimes.json``, which lesson 4 quotes.
"""

import json
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from dae_reference.config import EVAL_NOISE_SEED, PROFILES
from dae_reference.data import hold_out, load_fashion_mnist
from dae_reference.device import describe_device
from dae_reference.model import build_autoencoder
from dae_reference.noise import add_gaussian_noise

# The budget lesson 4 compares the regimes under, for each profile: (training images, epochs, batch size, seeds).
# Few images seen for many epochs, so that a network could learn the noise of a copy it sees 40 times.
REGIME_BUDGETS = {
    "smoke": (128, 5, 32, (42, 1)),
    "quick": (256, 40, 32, (42, 1, 2)),
    "full": (256, 40, 32, (42, 1, 2, 3, 4)),
}

# What the record adds to the lesson's budget: the same images trained for longer, and the quick profile's own
# training (section 4 of lesson 4), where each noisy copy is seen only as many times as there are epochs.
LONG_EPOCHS = 150


def _mse(model, noisy_sets, clean_sets, batch_size=256):
    """The model's MSE on each (noisy, clean) pair of image sets.

    The model is called on batches directly: ``predict`` would trace a graph for every new network, which costs
    more than the scoring itself at these sizes.
    """
    noisy = np.concatenate(noisy_sets)
    denoised = np.concatenate([np.asarray(model(noisy[i:i + batch_size], training=False))
                               for i in range(0, len(noisy), batch_size)])
    ends = np.cumsum([len(n) for n in noisy_sets])[:-1]
    return [float(np.mean(np.square(out.astype(np.float64) - clean)))
            for out, clean in zip(np.split(denoised, ends), clean_sets)]


def noise_regime_runs(x, x_val, epochs, batch_size, seeds, pipeline, fit, sigma=0.5, learning_rate=1e-3):
    """Train the tutorial's network under fixed and under fresh noise, one pair of runs per seed, and score them.

    Parameters
    ----------
    x, x_val : float32 arrays ``(n, 28, 28, 1)`` in [0, 1]
        The training images and the held-out validation images.
    epochs, batch_size : int
    seeds : sequence of int
        Each seed gives both runs the same initial weights and the same order of images; it also draws the
        fixed runs' noisy copy (``add_gaussian_noise(x, sigma, seed=seed)``) and the new draw
        (``seed=[seed, 1]``).
    pipeline : callable ``(x_train, x_val, batch_size, sigma, seed) -> (train_ds, val_ds)``
        Fresh-noise datasets, lesson 4's ``make_datasets``. Its ``val_ds`` only shows ``fit``'s progress, on its
        first batch; the validation score is computed after training, on ``x_val`` with ``EVAL_NOISE_SEED``.
    fit : callable ``(model, train_ds, val_ds, epochs, learning_rate, verbose) -> History``
        Compiles and fits, lesson 4's ``train_autoencoder``.

    Returns
    -------
    dict
        ``{'fixed': [...], 'fresh': [...]}``, one run per seed: ``{'seed', 'loss', 'own_copy_mse',
        'new_draw_mse', 'val_mse', 'train_seconds'}``, with ``loss`` the training loss of every epoch.
    """
    x_val_noisy = add_gaussian_noise(x_val, sigma, seed=EVAL_NOISE_SEED)
    runs = {"fixed": [], "fresh": []}
    for seed in seeds:
        own_copy, new_draw = add_gaussian_noise(x, sigma, seed=seed), add_gaussian_noise(x, sigma, seed=[seed, 1])
        for regime in runs:
            keras.utils.set_random_seed(seed)  # the same initial weights and image order for both regimes
            train_ds, val_ds = pipeline(x, x_val, batch_size, sigma, seed)
            if regime == "fixed":  # the same noisy copy every epoch, shuffled as the fresh pipeline shuffles
                train_ds = tf.data.Dataset.from_tensor_slices((own_copy, x)).shuffle(len(x), seed=seed).batch(batch_size)
            model = build_autoencoder()
            start = time.perf_counter()
            history = fit(model, train_ds, val_ds.take(1), epochs, learning_rate, verbose=0)
            seconds = time.perf_counter() - start
            scores = _mse(model, [own_copy, new_draw, x_val_noisy], [x, x, x_val])
            runs[regime].append({"seed": seed, "loss": [float(v) for v in history.history["loss"]],
                                 **dict(zip(("own_copy_mse", "new_draw_mse", "val_mse"), scores)),
                                 "train_seconds": round(seconds, 1)})
            print(f"{regime} seed {seed}: training loss {runs[regime][-1]['loss'][-1]:.5f}, training images under "
                  f"the fixed copy {scores[0]:.5f}, under a new draw {scores[1]:.5f}, validation {scores[2]:.5f} "
                  f"({seconds:.0f} s)", flush=True)
    return runs


def compare_noise_regimes(n_train, epochs, batch_size, seeds, data=None, profile="quick"):
    """:func:`noise_regime_runs` with the reference's pipeline and training, in float32, on a profile's images.

    The training images are the first ``n_train`` of the profile's (``data.hold_out``), the validation images
    its held-out ones. Returns ``{'n_train', 'n_val', 'epochs', 'batch_size', 'seeds', 'device', 'runs'}``.
    """
    from dae_reference.train import dtype_policy, make_datasets, train_autoencoder

    profile = PROFILES[profile]
    (x_train, _), _ = data if data is not None else load_fashion_mnist()
    x, x_val = hold_out(x_train, profile.n_val, n_train)
    with dtype_policy("float32"):
        runs = noise_regime_runs(x, x_val, epochs, batch_size, seeds, make_datasets, train_autoencoder,
                                 profile.sigma, profile.learning_rate)
    return {"n_train": len(x), "n_val": len(x_val), "epochs": epochs, "batch_size": batch_size, "seeds": list(seeds),
            "device": describe_device(), "runs": runs}


def record_noise_regimes(path):
    """Compare the regimes at three budgets, on the quick profile's images, and write JSON to ``path``.

    ``lesson``: lesson 4's budget under the quick profile (``REGIME_BUDGETS['quick']``), five seeds, the
    lesson's three first. ``long``: the same images for ``LONG_EPOCHS`` epochs, three seeds. ``profile``: the
    quick profile's own training, three seeds. ``python -m dae_reference record noise-regimes`` does this
    (about twenty minutes on a 2-core CPU).
    """
    quick, data = PROFILES["quick"], load_fashion_mnist()
    n_train, epochs, batch_size, _ = REGIME_BUDGETS["quick"]
    result = {
        "lesson": compare_noise_regimes(n_train, epochs, batch_size, (42, 1, 2, 3, 4), data),
        "long": compare_noise_regimes(n_train, LONG_EPOCHS, batch_size, (42, 1, 2), data),
        "profile": compare_noise_regimes(quick.n_train, quick.epochs, quick.batch_size, (42, 1, 2), data),
    }
    Path(path).write_text(json.dumps(result, indent=2) + "\n")
    return result
