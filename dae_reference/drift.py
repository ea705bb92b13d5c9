"""Does a network trained to copy its input drift towards copying? Lesson 1's experiment.

Train the same overcomplete network twice, once on clean targets from clean
inputs and once from noisy inputs (a denoiser), and follow, epoch by epoch,
its error on clean test images and on noisy test images scored against the
clean ones. A network that copies its input keeps the noise: its error on
noisy input stays near the noise's own error.
"""

import numpy as np


def error_curves(model, x_input, x_target, x_clean, x_noisy, epochs, batch_size=128):
    """Train ``model`` one epoch at a time; after each epoch, its test error on clean and on noisy input.

    Parameters
    ----------
    model : compiled keras.Model from images to images of the same shape
        Trained in place.
    x_input, x_target : float arrays (n, ...)
        The training inputs and the targets they must give back (the same
        array for a plain autoencoder, noisy inputs and clean targets for a
        denoiser).
    x_clean : float array (m, ...)
        Held-out clean images.
    x_noisy : float array (m, ...)
        The same held-out images, corrupted.
    epochs : int >= 1
    batch_size : int >= 1, default=128

    Returns
    -------
    dict with ``'clean'`` and ``'noisy'``: lists of ``epochs`` floats, the
    MSE against ``x_clean`` of the model's output on ``x_clean`` and on
    ``x_noisy`` after each epoch.
    """
    if int(epochs) != epochs or epochs < 1:
        raise ValueError(f"epochs={epochs!r}: expected an integer >= 1")
    clean = np.asarray(x_clean, dtype=np.float64)
    curves = {"clean": [], "noisy": []}
    for _ in range(int(epochs)):
        model.fit(x_input, x_target, epochs=1, batch_size=batch_size, verbose=0)
        for key, x in (("clean", x_clean), ("noisy", x_noisy)):
            output = np.asarray(model.predict(x, verbose=0), dtype=np.float64)
            curves[key].append(float(np.mean((output - clean) ** 2)))
    return curves


# The lesson's run, by profile: images trained on, epochs, batch size; the code is overcomplete (1,024 > 784 pixels).
CODE_DIM = 1024
SIZES = {"smoke": {"n_train": 512, "epochs": 3, "batch_size": 64},
         "quick": {"n_train": 5_000, "epochs": 15, "batch_size": 64},
         "full": {"n_train": 5_000, "epochs": 15, "batch_size": 64}}
N_TEST = 1_000
RESULTS_PATH = "results/quick/identity_drift.json"
SEEDS = (0, 1, 2)


def corrupt(x, sigma, seed):
    """``x`` plus Gaussian noise of standard deviation ``sigma``, clipped to [0, 1], as float32."""
    noise = np.random.default_rng(seed).standard_normal(np.shape(x))
    return np.clip(x + sigma * noise, 0.0, 1.0).astype(np.float32)


def identity_drift(x_train, x_test, profile="quick", seed=0, sigma=0.5):
    """Lesson 1's experiment: ``error_curves`` for a copier and a denoiser of the same overcomplete dense network.

    Both are ``model.build_dense_autoencoder(CODE_DIM)``, Adam (learning rate
    1e-3), MSE, from the same initial weights (``keras.utils.set_random_seed(seed)``);
    the copier learns clean -> clean, the denoiser noisy -> clean, on the first
    ``SIZES[profile]['n_train']`` training images (noise drawn once, seed
    ``seed + 1``). Both are scored on the first ``N_TEST`` test images, clean
    and noisy (seed ``config.EVAL_NOISE_SEED``).

    Returns
    -------
    dict with the settings, ``'noisy_input_mse'`` (the error of returning the
    noisy test images unchanged) and ``'copier'`` and ``'denoiser'``, each
    the dict ``error_curves`` returns.
    """
    import keras

    from dae_reference.config import EVAL_NOISE_SEED
    from dae_reference.model import build_dense_autoencoder

    sizes = SIZES[profile]
    clean_train = x_train[:sizes["n_train"]]
    clean, noisy = x_test[:N_TEST], corrupt(x_test[:N_TEST], sigma, EVAL_NOISE_SEED)
    inputs = {"copier": clean_train, "denoiser": corrupt(clean_train, sigma, seed + 1)}
    result = {"profile": profile, "seed": seed, "sigma": sigma, "code_dim": CODE_DIM, "n_test": N_TEST, **sizes,
              "noisy_input_mse": float(np.mean((noisy.astype(np.float64) - clean) ** 2))}
    for name, x_input in inputs.items():
        keras.utils.set_random_seed(seed)
        model = build_dense_autoencoder(CODE_DIM)
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
        result[name] = error_curves(model, x_input, clean_train, clean, noisy, sizes["epochs"], sizes["batch_size"])
    return result


def record_identity_drift(path=RESULTS_PATH, profiles=("smoke", "quick"), seeds=SEEDS):
    """Run ``identity_drift`` for each profile and seed and write the results as JSON to ``path``.

    ``python -m dae_reference record identity-drift`` does this (about 20 minutes on a busy 2-core CPU).
    """
    import json
    from pathlib import Path

    from dae_reference.data import load_fashion_mnist

    (x_train, _), (x_test, _) = load_fashion_mnist()
    results = {profile: [identity_drift(x_train, x_test, profile, seed) for seed in seeds] for profile in profiles}
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(results, indent=2) + "\n")
    return results


def plot_curves(curves, noisy_input_mse=None, path=None):
    """Lesson 1's figure: each model's test error on clean and on noisy input, epoch by epoch (log scale).

    Parameters
    ----------
    curves : dict ``{model name: {'clean': [...], 'noisy': [...]}}``, as ``error_curves`` returns for each
    noisy_input_mse : float or None
        Drawn as a horizontal line: the error of returning the noisy input unchanged.
    path : str or None
        Where to save the figure, if anywhere.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    fig, ax = plt.subplots(figsize=(7, 4))
    for (name, curve), colour in zip(curves.items(), ("tab:blue", "tab:orange", "tab:green")):
        epochs = range(1, len(curve["clean"]) + 1)
        ax.plot(epochs, curve["clean"], "o-", color=colour, label=f"{name}: clean input")
        ax.plot(epochs, curve["noisy"], "s--", color=colour, label=f"{name}: noisy input")
    if noisy_input_mse is not None:
        ax.axhline(noisy_input_mse, color="grey", linestyle=":", label="the identity on noisy input")
    ax.set(xlabel="epoch", ylabel="test MSE against the clean image", yscale="log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(fontsize=8)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig
