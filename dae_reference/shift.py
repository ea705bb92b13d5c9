"""Noise the model was not trained on: other levels, a blind model, other noise types, other images.

A denoiser trained at one Gaussian level ``sigma`` is judged at others in a
*train-sigma x test-sigma* matrix: one row per model, one column per test
level, each entry the MSE of the model's output against the clean images.
The *blind* model sees a different level in every training image, drawn
uniformly from ``[0, max_sigma]``, so that it must judge the level from the
image itself.

The extra models are short fine-tunings of the bundled reference weights
(trained at ``sigma = 0.5``), sized by the profile (``FINE_TUNING``), so that
the lesson that trains them runs in minutes on a CPU.
"""

import numpy as np

# profile name -> (training images, epochs) of each fine-tuning; smoke is for grading, quick for a CPU
FINE_TUNING = {"smoke": (64, 1), "quick": (2_000, 1), "full": (20_000, 2)}
FINE_TUNING_BATCH = 64
FINE_TUNING_RATE = 1e-3
BLIND_MAX_SIGMA = 0.8


def add_blind_noise(x, max_sigma=BLIND_MAX_SIGMA, seed=None):
    """Gaussian noise whose level is drawn anew for each image: the input of a blind denoiser.

    Image ``i`` gets ``clip(x[i] + sigma_i * N(0, 1), 0, 1)`` with
    ``sigma_i ~ Uniform(0, max_sigma)``, one level for all its pixels.

    Parameters
    ----------
    x : float array ``(n, ...)`` in [0, 1], e.g. ``(n, 28, 28, 1)``
    max_sigma : float >= 0, default=0.8
    seed : int or None
        Seeds ``numpy.random.default_rng``: the levels first, then the noise.

    Returns
    -------
    float32 array of the shape of ``x``, values in [0, 1]
    """
    if isinstance(max_sigma, bool) or not isinstance(max_sigma, (int, float, np.integer, np.floating)) or not max_sigma >= 0:
        raise ValueError(f"max_sigma={max_sigma!r} is invalid: expected a number >= 0")
    x = np.asarray(x, dtype=np.float32)
    if x.ndim < 1:
        raise ValueError(f"expected a batch of images (n, ...), got shape {x.shape}")
    rng = np.random.default_rng(seed)
    sigmas = rng.uniform(0.0, max_sigma, size=len(x)).reshape((-1,) + (1,) * (x.ndim - 1))
    return np.clip(x + sigmas * rng.standard_normal(x.shape), 0.0, 1.0).astype(np.float32)


def fine_tune_each(model, training_inputs, x_clean, epochs=1, seed=0):
    """Fine-tune ``model``'s weights anew on each set of noisy inputs: one set of weights per set.

    Every run starts from the weights ``model`` has when called, with a fresh
    Adam state and the same batch order; ``model`` is compiled once and its
    weights swapped, so that Keras traces its training step once for all runs
    (most of the cost of a short fine-tuning on a CPU). ``model`` is left with
    the weights of the last run.

    Parameters
    ----------
    model : keras.Model, ``(n, 28, 28, 1) -> (n, 28, 28, 1)``, e.g. ``model.load_pretrained()``
    training_inputs : dict of name -> float array ``(n, 28, 28, 1)`` in [0, 1], noisy versions of ``x_clean``
    x_clean : float array ``(n, 28, 28, 1)`` in [0, 1], the targets
    epochs : int >= 1
    seed : int
        Seeds the order of the batches, the same for every run.

    Returns
    -------
    dict of name -> list of arrays, for ``model.set_weights``
    """
    import keras

    start = model.get_weights()
    model.compile(optimizer=keras.optimizers.Adam(FINE_TUNING_RATE), loss="mse")
    weights = {}
    for name, x_noisy in training_inputs.items():
        model.set_weights(start)
        for variable in model.optimizer.variables:  # a fresh Adam: step count and moments back to 0
            if not variable.path.endswith("learning_rate"):
                variable.assign(np.zeros(variable.shape, dtype=variable.dtype))
        keras.utils.set_random_seed(seed)
        model.fit(x_noisy, x_clean, epochs=epochs, batch_size=FINE_TUNING_BATCH, shuffle=True, verbose=0)
        weights[name] = model.get_weights()
    return weights


def fine_tuning_size(profile_name):
    """``(images, epochs)`` of each fine-tuning under the profile called ``profile_name``."""
    if profile_name not in FINE_TUNING:
        raise ValueError(f"profile_name={profile_name!r} is not one of {tuple(FINE_TUNING)}")
    return FINE_TUNING[profile_name]


def own_image(size=28):
    """scikit-image's bundled photograph (``skimage.data.camera()``) as a Fashion-MNIST-like input.

    Greyscale, resized to ``size x size`` with anti-aliasing, scaled to [0, 1]
    and inverted, so that its bright sky becomes the dark background
    Fashion-MNIST's garments lie on.

    Returns
    -------
    float32 array ``(1, size, size, 1)`` in [0, 1]
    """
    from skimage import data, transform

    photo = data.camera().astype(np.float64) / 255.0
    small = transform.resize(photo, (size, size), anti_aliasing=True)
    return (1.0 - np.clip(small, 0.0, 1.0)).astype(np.float32)[None, ..., None]


MATRIX_TRAIN_SIGMAS = (0.25, 0.5, 0.75)  # the fixed-level models of lesson 5's matrix; the blind one is added
MATRIX_TEST_SIGMAS = (0.0, 0.25, 0.5, 0.75)
MATRIX_SEEDS = (0, 1, 2)


def sigma_matrix(profile_name="quick", seed=0, data=None, n_eval=500):
    """Lesson 5's experiment, as its cells run it, with ``seed`` choosing the images, the noise and the batches.

    Four fine-tunings of the bundled weights (``fine_tuning_size(profile_name)``): one per level in
    ``MATRIX_TRAIN_SIGMAS`` and a blind one (``add_blind_noise``, levels up to ``BLIND_MAX_SIGMA``), on the
    same training images; each judged on the first ``n_eval`` test images at every level of
    ``MATRIX_TEST_SIGMAS``. The model trained at 0.5 is then judged on masking (25% of pixels) and
    salt-and-pepper noise (10%), and on ``own_image()``. (The lesson draws with seed 0 for the images and
    the batches and 1 for the training noise; here those are ``seed`` and ``seed + 1``.)

    Returns
    -------
    dict: ``models`` (the row names), ``test_sigmas``, ``matrix`` (rows x columns of MSE), ``other_noise``
    (name -> input and denoised MSE), ``own_image`` (input and denoised MSE at sigma 0.5)
    """
    from dae_reference.config import EVAL_NOISE_SEED
    from dae_reference.data import load_fashion_mnist
    from dae_reference.evaluate import mse, noise_robustness
    from dae_reference.model import load_pretrained
    from dae_reference.noise import add_gaussian_noise, add_masking_noise, add_salt_and_pepper_noise

    (x_train, _), (x_test, _) = data or load_fashion_mnist()
    n_images, epochs = fine_tuning_size(profile_name)
    x_tune = x_train[np.random.default_rng(seed).permutation(len(x_train))[:n_images]]
    training_noise = {f"trained at {s}": add_gaussian_noise(x_tune, s, seed=seed + 1) for s in MATRIX_TRAIN_SIGMAS}
    training_noise[f"blind, 0 to {BLIND_MAX_SIGMA}"] = add_blind_noise(x_tune, BLIND_MAX_SIGMA, seed=seed + 1)
    tuned = load_pretrained()
    weights = fine_tune_each(tuned, training_noise, x_tune, epochs=epochs, seed=seed)
    x_eval = x_test[:n_eval]
    matrix = []
    for name in weights:
        tuned.set_weights(weights[name])
        matrix.append(noise_robustness(tuned, x_eval, MATRIX_TEST_SIGMAS, seed=0).tolist())
    tuned.set_weights(weights["trained at 0.5"])
    other = {"masking, 25% of pixels": add_masking_noise(x_eval, 0.25, seed=0),
             "salt and pepper, 10% of pixels": add_salt_and_pepper_noise(x_eval, 0.1, seed=0)}
    mine = own_image()
    mine_noisy = add_gaussian_noise(mine, 0.5, seed=EVAL_NOISE_SEED)

    def scores(clean, noisy):
        return {"input": mse(clean, noisy), "denoised": mse(clean, tuned.predict(noisy, verbose=0))}

    return {"models": list(weights), "test_sigmas": list(MATRIX_TEST_SIGMAS), "matrix": matrix,
            "other_noise": {name: scores(x_eval, noisy) for name, noisy in other.items()},
            "own_image": scores(mine, mine_noisy)}


def record_sigma_matrix(path, profile_name="quick", seeds=MATRIX_SEEDS):
    """``sigma_matrix`` for each seed under the profile, written as JSON to ``path``.

    ``python -m dae_reference record sigma-matrix`` does this (a few minutes on a 2-core CPU).
    """
    import json
    from pathlib import Path

    from dae_reference.data import load_fashion_mnist

    data = load_fashion_mnist()
    runs = {str(seed): sigma_matrix(profile_name, seed, data) for seed in seeds}
    result = {"profile": profile_name, "fine_tuning": list(fine_tuning_size(profile_name)), "runs": runs}
    Path(path).write_text(json.dumps(result, indent=2) + "\n")
    for seed, run in runs.items():
        print(f"seed {seed}: " + "; ".join(f"{name} " + " ".join(f"{v:.4f}" for v in row)
                                         for name, row in zip(run["models"], run["matrix"])))
    return result
