"""From denoising to generation: Noise2Noise targets, Tweedie's score, Langevin sampling.

* Noise2Noise (Lehtinen et al. 2018): train a denoiser on pairs of two
  independent noisy copies of an image. With zero-mean noise on the target,
  the minimiser of the MSE is unchanged, ``E[x | input]``; with clipped noise
  it becomes ``E[m(x) | input]``, where ``m(x) = E[clip(x + sigma Z, 0, 1)]``
  (``dae_reference.noise.clipped_noise_mean``, lesson 2's exercise): a black pixel is learned as
  ``m(0)``, 0.195 for ``sigma = 0.5``.
* The posterior mean of a black-or-white pixel under unclipped Gaussian noise,
  by Bayes' rule: the one case in the lesson where ``E[x | x_noisy]`` and the
  score are both known exactly, so it tests Tweedie's formula.
* Tweedie's formula (Efron 2011), as Vincent (2011) links it to denoising:
  for ``x_noisy = x + sigma Z`` (unclipped), the MSE-optimal denoiser
  ``D(x_noisy) = E[x | x_noisy]`` gives the score of the noisy data,
  ``grad log p_sigma(x_noisy) = (D(x_noisy) - x_noisy) / sigma**2``.
* Langevin dynamics follows a score to draw samples (Song & Ermon 2019).

``python -m dae_reference record noise2noise`` trains the lesson's short
Noise2Noise runs on several seeds and records the background means (lesson 7
quotes them); ``record long-walks`` carries lesson 7's sampling walk on to
ten and thirty times as many steps and records the spreads it quotes.
"""

import json
from pathlib import Path

import keras
import numpy as np

from dae_reference.config import EVAL_NOISE_SEED, get_profile
from dae_reference.model import build_autoencoder

# Lesson 7's Noise2Noise runs, by profile: (training images, epochs). Smoke grades in seconds.
NOISE2NOISE_RUNS = {"smoke": (1024, 2), "quick": (4000, 3), "full": (20_000, 5)}
N2N_SEEDS = (0, 1, 2)
CONTROL_ARM = "clipped inputs, unclipped targets"
RESULTS_PATH = Path("results/quick/noise2noise.json")


def noise2noise_pairs(x, sigma, clip=True, seed=None):
    """Two independent noisy copies of clean images: the input and the target of Noise2Noise.

    Parameters
    ----------
    x : float array, any shape, values in [0, 1]
    sigma : float >= 0
        Standard deviation of the Gaussian noise, the same for both copies.
    clip : bool, default=True
        Clip both copies to [0, 1].
    seed : int or None
        Seeds one ``numpy.random.default_rng``; the input's noise is drawn
        first, the target's second.

    Returns
    -------
    inputs, targets : arrays of the shape and float dtype of ``x`` (float32 for integer ``x``)
    """
    if not np.isscalar(sigma) or not np.isfinite(sigma) or sigma < 0:
        raise ValueError(f"sigma={sigma!r} is invalid: expected a number >= 0")
    x = np.asarray(x)
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float32
    rng = np.random.default_rng(seed)
    inputs = x + sigma * rng.standard_normal(x.shape)
    targets = x + sigma * rng.standard_normal(x.shape)
    if clip:
        inputs, targets = np.clip(inputs, 0.0, 1.0), np.clip(targets, 0.0, 1.0)
    return inputs.astype(dtype), targets.astype(dtype)


def two_point_posterior_mean(x_noisy, sigma, p_white=0.5):
    """``E[x | x_noisy]`` for one pixel ``x`` in {0, 1}, white with probability ``p_white``, and ``x_noisy = x + sigma Z``.

    By Bayes' rule the posterior log-odds of white are the prior's,
    ``log(p_white / (1 - p_white))``, plus the log-likelihood ratio
    ``(x_noisy**2 - (x_noisy - 1)**2) / (2 sigma**2) = (x_noisy - 1/2) / sigma**2``;
    the mean is their logistic function. Written with ``tanh``, it neither
    overflows nor divides 0 by 0 where both Gaussian densities underflow
    (small ``sigma``, ``x_noisy`` far from 0 and 1).

    Parameters
    ----------
    x_noisy : float array, any shape
    sigma : float > 0
    p_white : float in (0, 1), default=0.5

    Returns
    -------
    float64 array of the shape of ``x_noisy``, values in [0, 1]
    """
    if not np.isscalar(sigma) or not sigma > 0:
        raise ValueError(f"sigma={sigma!r} is invalid: expected a number > 0")
    if not np.isscalar(p_white) or not 0 < p_white < 1:
        raise ValueError(f"p_white={p_white!r} is invalid: expected a probability strictly between 0 and 1")
    log_odds = np.log(p_white / (1 - p_white)) + (np.asarray(x_noisy, dtype=np.float64) - 0.5) / sigma**2
    return 0.5 * (1 + np.tanh(log_odds / 2))


def tweedie_score(denoiser, x_noisy, sigma):
    """The score Tweedie's formula reads from a denoiser: ``(denoiser(x_noisy) - x_noisy) / sigma**2``.

    Exact when ``denoiser`` is the posterior mean ``E[x | x_noisy]`` for
    ``x_noisy = x + sigma Z``, Z standard normal and nothing clipped.

    Parameters
    ----------
    denoiser : callable, array ``(n, ...)`` -> array of the same shape
    x_noisy : float array ``(n, ...)``
    sigma : float > 0
        The noise level the denoiser removes.

    Returns
    -------
    float array of the shape of ``x_noisy``
    """
    if not np.isscalar(sigma) or not sigma > 0:
        raise ValueError(f"sigma={sigma!r} is invalid: expected a number > 0")
    x_noisy = np.asarray(x_noisy)
    return (np.asarray(denoiser(x_noisy), dtype=x_noisy.dtype) - x_noisy) / sigma**2


def langevin_sample(score, x_start, step_size, steps, seed=None):
    """Langevin dynamics: ``steps`` noisy steps up the ``score``, from ``x_start``.

    Each step ``x <- x + step_size * score(x) + sqrt(2 * step_size) * z``:
    the score at the current ``x`` first, then ``z = rng.standard_normal(x.shape)``,
    one draw per step from ``rng = numpy.random.default_rng(seed)``. For a
    small ``step_size`` and many steps, ``x`` is distributed nearly as the
    density whose score it follows (Song & Ermon 2019).

    Parameters
    ----------
    score : callable, array ``(n, ...)`` -> array of the same shape
        The gradient of the log-density, e.g. ``tweedie_score`` of a denoiser.
    x_start : float array ``(n, ...)``
    step_size : float > 0
    steps : int >= 0
    seed : int or None

    Returns
    -------
    float32 array of the shape of ``x_start``: the last iterate
    """
    if not np.isscalar(step_size) or not step_size > 0:
        raise ValueError(f"step_size={step_size!r} is invalid: expected a number > 0")
    rng = np.random.default_rng(seed)
    x = np.array(x_start, dtype=np.float32)
    for _ in range(steps):
        x = x + step_size * np.asarray(score(x)) + np.sqrt(2 * step_size) * rng.standard_normal(x.shape)
        x = x.astype(np.float32)
    return x


def background_mean(outputs, clean):
    """Mean of ``outputs`` over the background, the pixels where ``clean == 0``."""
    outputs, clean = np.asarray(outputs), np.asarray(clean)
    if outputs.shape != clean.shape:
        raise ValueError(f"outputs of shape {outputs.shape} and clean of shape {clean.shape}: expected the same shape")
    return float(outputs[clean == 0].mean())


def fit_denoiser(inputs, targets, epochs, batch_size=128, seed=0):
    """Train the course's autoencoder from scratch on ``(inputs, targets)`` pairs with Adam and the MSE.

    Parameters
    ----------
    inputs, targets : float32 arrays ``(n, 28, 28, 1)``
    epochs : int
    batch_size : int
    seed : int
        Seeds the initial weights and the shuffling.

    Returns
    -------
    keras.Model
    """
    keras.utils.set_random_seed(seed)
    model = build_autoencoder()
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    model.fit(inputs, targets, epochs=epochs, batch_size=batch_size, shuffle=True, verbose=0)
    return model


def noise2noise_experiment(x_train, x_test, sigma=0.5, profile=None, seed=0, n_test=1000):
    """Train on clean, clipped noisy and unclipped noisy targets; the background mean of each model's output.

    Returns
    -------
    dict ``{arm: mean output on the background of noisy test images}`` for four arms: 'clipped' and
    'unclipped' (inputs and targets alike), and two from the clipped inputs, 'clean' (clean targets) and
    ``CONTROL_ARM`` (the clipped run's noise draws left unclipped in the targets), which tells the targets'
    clipping from the inputs'. Test inputs are clipped as the arm's training inputs are.
    """
    n, epochs = NOISE2NOISE_RUNS[get_profile(profile)[0].name]
    x, clean = x_train[:n], x_test[:n_test]
    clipped_inputs, clipped_targets = noise2noise_pairs(x, sigma, clip=True, seed=seed)
    raw_inputs, raw_targets = noise2noise_pairs(x, sigma, clip=False, seed=seed)  # the same draws, unclipped
    arms = {"clean": (clipped_inputs, x, True), "clipped": (clipped_inputs, clipped_targets, True),
            "unclipped": (raw_inputs, raw_targets, False), CONTROL_ARM: (clipped_inputs, raw_targets, True)}
    results = {}
    for kind, (inputs, targets, clip) in arms.items():
        model = fit_denoiser(inputs, targets, epochs, seed=seed)
        test_inputs, _ = noise2noise_pairs(clean, sigma, clip=clip, seed=EVAL_NOISE_SEED)
        results[kind] = background_mean(model.predict(test_inputs, batch_size=256, verbose=0), clean)
    return results


def record_noise2noise(path=RESULTS_PATH, seeds=N2N_SEEDS, profiles=("smoke", "quick")):
    """Run ``noise2noise_experiment`` for each profile and seed; write the background means to ``path``."""
    from dae_reference.data import load_fashion_mnist

    (x_train, _), (x_test, _) = load_fashion_mnist()
    runs = {p: {str(s): noise2noise_experiment(x_train, x_test, profile=p, seed=s) for s in seeds} for p in profiles}
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps({"sigma": 0.5, "runs": runs}, indent=2) + "\n")
    return runs


# Lesson 7's sampling walk (64 chains from noise around grey, step sigma**2 / 4, 30 steps), and the same walk carried
# on to ten and thirty times as many steps.
LONG_WALK_STEPS = (30, 300, 900)
LONG_WALKS_PATH = Path("results/full/long_walks.json")


def principal_axes(reference):
    """The mean of ``reference`` and its first two principal components (rows), flattened."""
    flat = reference.reshape(len(reference), -1).astype(np.float64)
    centre = flat.mean(axis=0)
    return centre, np.linalg.eigh((flat - centre).T @ (flat - centre))[1][:, [-1, -2]].T  # eigenvalues ascending


def principal_spread(images, axes):
    """The standard deviation of ``images`` along the two components of ``axes`` (``principal_axes``)."""
    centre, components = axes
    return ((images.reshape(len(images), -1) - centre) @ components.T).std(axis=0)


def record_long_walks(path=LONG_WALKS_PATH, sigma=0.5):
    """Lesson 7's walk with the pretrained network, carried on to ``LONG_WALK_STEPS``; the spreads, to ``path``.

    The first 30 steps are the lesson's own (its start and its seed); each later stretch draws its noise with the
    step count it ends at as the seed.
    """
    from dae_reference.data import load_fashion_mnist
    from dae_reference.model import load_pretrained

    (x_train, _), _ = load_fashion_mnist()
    reference, model = x_train[:2000], load_pretrained()
    axes = principal_axes(reference)

    def denoiser(x):
        return np.asarray(model(np.clip(x, 0, 1).astype(np.float32), training=False))

    x = np.random.default_rng(0).normal(0.5, sigma, (64, 28, 28, 1)).astype(np.float32)
    spreads, done = {"training images": principal_spread(reference, axes).tolist()}, 0
    for steps in LONG_WALK_STEPS:
        x = langevin_sample(lambda v: tweedie_score(denoiser, v, sigma), x, sigma**2 / 4, steps - done,
                            seed=1 if done == 0 else steps)
        spreads[str(steps)] = {"walk": principal_spread(x, axes).tolist(),
                               "samples": principal_spread(denoiser(x), axes).tolist()}
        done = steps
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps({"sigma": sigma, "step_size": sigma**2 / 4, "chains": 64, "spreads": spreads},
                                     indent=2) + "\n")
    return spreads
