"""Judge a denoiser: per-image MSE, PSNR and SSIM, per-class error, baselines.

A denoiser here is any function ``denoise(x_noisy) -> x_hat`` on float arrays
of shape ``(n, 28, 28, 1)`` in [0, 1]. The autoencoder is judged next to the
noisy input itself (doing nothing) and baselines whose parameters are fitted
and tuned on training images, never on the test set:

* a Gaussian blur (``scipy.ndimage``), tuned over its width ``sigma``;
* total-variation denoising (Chambolle's algorithm, scikit-image), tuned
  over its ``weight``;
* the same two followed by a correction of the bias of clipped noise
  (clipping pulls every pixel toward 0.5): either the inverse of the clipped
  mean ``m(x)`` in closed form, or a lookup table fitted on training pairs;
* PCA projection on the ``k`` leading components of clean training images;
* the linear minimum-MSE (Wiener) filter on the 784 pixels, in closed form.

The last two learn from data, as the autoencoder does; the linear filter is
the best any linear map can do, so the autoencoder's margin over it is what
its nonlinearity is worth.
"""

import numpy as np
from scipy import ndimage
from skimage.metrics import structural_similarity
from skimage.restoration import denoise_tv_chambolle

from dae_reference.data import CLASS_NAMES
from dae_reference.noise import add_gaussian_noise, clipped_noise_mean

BLUR_SIGMAS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
TV_WEIGHTS = (0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.6)
PCA_COMPONENTS = (8, 16, 24, 32, 48, 64, 96, 128)
LOOKUP_BINS = 64


def mse(x, x_hat):
    """Mean squared error over all elements of two arrays of the same shape: a float."""
    x, x_hat = np.asarray(x, dtype=np.float64), np.asarray(x_hat, dtype=np.float64)
    if x.shape != x_hat.shape:
        raise ValueError(f"x has shape {x.shape} but x_hat has shape {x_hat.shape}; they must match")
    return float(np.mean((x - x_hat) ** 2))


def psnr(x, y, data_range=1.0):
    """Peak signal-to-noise ratio of ``y`` against ``x`` in dB, over all elements: a float, inf if equal."""
    with np.errstate(divide="ignore"):
        return float(10 * np.log10(np.float64(data_range) ** 2 / mse(x, y)))


def reconstruction_errors(clean, estimate):
    """Mean squared error of each image: float64 array of shape ``(n,)``."""
    clean, estimate = _check_pair(clean, estimate)
    return np.mean((clean - estimate) ** 2, axis=tuple(range(1, clean.ndim)))


def per_image_psnr(clean, estimate, data_range=1.0):
    """Peak signal-to-noise ratio of each image in dB, ``(n,)``; inf where identical."""
    mse = reconstruction_errors(clean, estimate)
    with np.errstate(divide="ignore"):
        return 10 * np.log10(data_range**2 / mse)


def per_image_ssim(clean, estimate, data_range=1.0):
    """Structural similarity (Wang et al. 2004) of each image, ``(n,)`` in [-1, 1]."""
    clean, estimate = _check_pair(clean, estimate)
    return np.array([
        structural_similarity(c.squeeze(), e.squeeze(), data_range=data_range)
        for c, e in zip(clean, estimate)
    ])


def denoising_scores(clean, estimate):
    """Mean ``{'mse', 'psnr', 'ssim'}`` over the images (PSNR averaged in dB)."""
    return {
        "mse": float(reconstruction_errors(clean, estimate).mean()),
        "psnr": float(per_image_psnr(clean, estimate).mean()),
        "ssim": float(per_image_ssim(clean, estimate).mean()),
    }


def evaluate_denoiser(denoise_fn, x_noisy, x_clean):
    """Run ``denoise_fn`` on ``x_noisy`` and score it against ``x_clean``.

    Parameters
    ----------
    denoise_fn : function, ``(n, 28, 28, 1) -> (n, 28, 28, 1)``
    x_noisy, x_clean : float arrays ``(n, 28, 28, 1)`` in [0, 1]

    Returns
    -------
    dict ``{'mse', 'psnr', 'ssim'}`` of floats, means over the images
    """
    return denoising_scores(x_clean, np.asarray(denoise_fn(x_noisy)))


def worst_k(errors, k=10):
    """Indices of the ``k`` largest ``errors``, the worst first: int array ``(min(k, n),)``."""
    errors = np.asarray(errors)
    return np.argsort(errors, kind="stable")[::-1][:k]


def noise_robustness(model, x_clean, sigmas, seed=0):
    """MSE of ``model``'s reconstructions when the input noise has each level in ``sigmas``.

    Parameters
    ----------
    model : keras.Model or function, ``(n, 28, 28, 1) -> (n, 28, 28, 1)``
    x_clean : float array ``(n, 28, 28, 1)`` in [0, 1]
    sigmas : sequence of floats >= 0
    seed : int
        Seeds the noise; the same seed is used at every level.

    Returns
    -------
    float64 array ``(len(sigmas),)``
    """
    x_clean = np.asarray(x_clean, dtype=np.float32)
    errors = []
    for sigma in sigmas:
        x_noisy = add_gaussian_noise(x_clean, sigma, seed=seed)
        estimate = model.predict(x_noisy, verbose=0) if hasattr(model, "predict") else model(x_noisy)
        errors.append(mse(x_clean, estimate))
    return np.array(errors)


def per_class_mse(errors, labels, n_classes=len(CLASS_NAMES)):
    """Mean of ``errors`` ``(n,)`` over the images of each class: ``(n_classes,)``, NaN for an absent class."""
    errors, labels = np.asarray(errors, dtype=np.float64), np.asarray(labels)
    if errors.shape != labels.shape:
        raise ValueError(f"errors has shape {errors.shape} but labels has shape {labels.shape}; expected one label per error")
    sums = np.bincount(labels, weights=errors, minlength=n_classes)
    counts = np.bincount(labels, minlength=n_classes)
    with np.errstate(invalid="ignore"):
        return sums / counts


def error_report(x_clean, x_denoised, labels, k=10):
    """Where a denoiser fails: the error of each image, the mean error of each class, the worst images.

    Parameters
    ----------
    x_clean, x_denoised : float arrays ``(n, h, w)`` or ``(n, h, w, c)``
    labels : int array ``(n,)``, classes 0 to 9
    k : int >= 1, default=10

    Returns
    -------
    dict with ``'errors'`` (float64 ``(n,)``, ``reconstruction_errors``),
    ``'per_class'`` (``(10,)``, ``per_class_mse`` of those errors, NaN for an
    absent class) and ``'worst'`` (int ``(min(k, n),)``, ``worst_k`` of them)
    """
    errors = reconstruction_errors(x_clean, x_denoised)
    return {"errors": errors, "per_class": per_class_mse(errors, labels), "worst": worst_k(errors, k)}


def gaussian_blur(x_noisy, sigma):
    """Blur each image ``(n, 28, 28, 1)`` with a Gaussian of width ``sigma`` pixels."""
    return ndimage.gaussian_filter(x_noisy, sigma=(0, sigma, sigma, 0), mode="nearest")


def total_variation(x_noisy, weight):
    """Chambolle total-variation denoising of each image ``(n, 28, 28, 1)``."""
    stack = np.moveaxis(x_noisy[..., 0], 0, -1)  # images side by side as channels, denoised one by one
    return np.moveaxis(denoise_tv_chambolle(stack, weight=weight, channel_axis=-1), -1, 0)[..., None]


def tune(denoiser, grid, x_noisy, x_clean):
    """The value in ``grid`` for which ``denoiser(x_noisy, value)`` has the lowest MSE."""
    losses = [mse(x_clean, denoiser(x_noisy, value)) for value in grid]
    return grid[int(np.argmin(losses))]


def unclip(y, sigma, grid_size=4001):
    """Undo the bias of clipped noise: the ``x`` in [0, 1] with ``clipped_noise_mean(x, sigma) = y``, per pixel.

    ``m = clipped_noise_mean`` (``noise.py``) increases
    (``m'(x) = Phi(b) - Phi(a) > 0``) from ``m(0) > 0`` to ``m(1) < 1``: clipping
    pulls every pixel toward 0.5. It is inverted by linear interpolation in a
    table of ``m`` on ``grid_size`` values of ``x`` evenly spaced in [0, 1]
    (error below 1e-6 for ``sigma = 0.5``). Values below ``m(0)`` map to 0 and
    values above ``m(1)`` to 1. Apply it to a *smoothed* noisy
    image, whose pixels estimate ``m`` of the clean pixels around them; on
    raw noisy pixels, which are often outside ``[m(0), m(1)]``, it mostly
    stretches the noise.

    Parameters
    ----------
    y : float array, any shape
    sigma : float > 0
    grid_size : int >= 2

    Returns
    -------
    float32 array of the shape of ``y``, values in [0, 1]
    """
    if _check_sigma(sigma) == 0:
        raise ValueError(f"sigma={sigma!r}: with no noise there is no bias to undo; expected sigma > 0")
    grid = np.linspace(0.0, 1.0, grid_size)
    return np.interp(np.asarray(y, dtype=np.float64), clipped_noise_mean(grid, sigma), grid).astype(np.float32)


def fit_lookup(estimate, clean, bins=LOOKUP_BINS):
    """A monotone table from an estimate's pixel values to the mean clean value, fitted on training pairs.

    Pixels are grouped by the value of ``estimate`` into ``bins`` equal bins
    over [0, 1]; the table maps each bin's mean estimate to its mean clean
    value (made non-decreasing), and interpolates linearly in between.

    Parameters
    ----------
    estimate, clean : float arrays of one shape, e.g. ``(n, 28, 28, 1)``
    bins : int >= 2

    Returns
    -------
    function: float array -> float32 array of the same shape
    """
    clean, estimate = _check_pair(clean, estimate)
    where = np.clip((estimate.ravel() * bins).astype(int), 0, bins - 1)
    counts = np.bincount(where, minlength=bins)
    filled = counts > 0
    knots = np.bincount(where, weights=estimate.ravel(), minlength=bins)[filled] / counts[filled]
    values = np.maximum.accumulate(np.bincount(where, weights=clean.ravel(), minlength=bins)[filled] / counts[filled])
    return lambda x: np.interp(np.asarray(x, dtype=np.float64), knots, values).astype(np.float32)


def classical_baselines(x_tune_noisy, x_tune_clean, sigma=0.5):
    """Blur and total variation, raw and corrected for the bias of clipped noise, tuned on held-out images.

    Each smoother's parameter is tuned three times: alone, followed by
    ``unclip`` (the closed-form correction), and followed by a ``fit_lookup``
    table fitted on the same tuning pairs.

    Parameters
    ----------
    x_tune_noisy, x_tune_clean : float arrays ``(n, 28, 28, 1)`` in [0, 1], training images
    sigma : float > 0
        The noise level, for ``unclip``.

    Returns
    -------
    denoisers : dict of name -> function ``(n, 28, 28, 1) -> (n, 28, 28, 1)``
    settings : dict of name -> str, the tuned parameter
    """
    denoisers, settings = {}, {}
    for name, smoother, grid, unit in [("gaussian blur", gaussian_blur, BLUR_SIGMAS, "sigma"),
                                       ("total variation", total_variation, TV_WEIGHTS, "weight")]:
        smoothed = {value: smoother(x_tune_noisy, value) for value in grid}
        cached = _Cached(smoother)  # raw and corrected variants often share a parameter: smooth once
        corrections = {
            "": lambda s: (lambda x: x),
            ", corrected by the inverse clipped mean": lambda s: (lambda x: unclip(x, sigma)),
            ", corrected by a lookup fitted on training pairs": lambda s: fit_lookup(s, x_tune_clean),
        }
        for suffix, correction in corrections.items():
            fitted = {value: correction(s) for value, s in smoothed.items()}
            losses = [mse(x_tune_clean, fitted[v](smoothed[v])) for v in grid]
            best = grid[int(np.argmin(losses))]
            denoisers[name + suffix] = _compose(cached, best, fitted[best])
            settings[name + suffix] = f"{unit}={best}"
    return denoisers, settings


def pair_moments(x_noisy, x_clean, batch_size=10_000):
    """Means and covariances of noisy and clean training images, flattened, in float64.

    Parameters
    ----------
    x_noisy, x_clean : float arrays ``(n, 28, 28, 1)``, pairs of one image
    batch_size : int
        Images accumulated at a time, to bound the memory used.

    Returns
    -------
    dict with ``mean_noisy``, ``mean_clean`` ``(d,)`` and ``cov_noisy``,
    ``cov_noisy_clean``, ``cov_clean`` ``(d, d)``, where ``d = 784``
    """
    x_clean, x_noisy = _check_pair(x_clean, x_noisy)
    y, x = x_noisy.reshape(len(x_noisy), -1), x_clean.reshape(len(x_clean), -1)
    n, d = y.shape
    sums = {"yy": np.zeros((d, d)), "yx": np.zeros((d, d)), "xx": np.zeros((d, d))}
    for start in range(0, n, batch_size):
        yb, xb = y[start:start + batch_size], x[start:start + batch_size]
        sums["yy"] += yb.T @ yb
        sums["yx"] += yb.T @ xb
        sums["xx"] += xb.T @ xb
    mean_y, mean_x = y.mean(axis=0), x.mean(axis=0)
    return {"mean_noisy": mean_y, "mean_clean": mean_x, "cov_noisy": sums["yy"] / n - np.outer(mean_y, mean_y),
            "cov_noisy_clean": sums["yx"] / n - np.outer(mean_y, mean_x),
            "cov_clean": sums["xx"] / n - np.outer(mean_x, mean_x)}


def linear_mmse(moments, ridge=1e-6):
    """The linear minimum-MSE (Wiener) estimate of the clean image from the noisy one, in closed form.

    ``x_hat = mean_clean + (y - mean_noisy) W`` with ``W = C_yy^-1 C_yx``,
    the affine map with the lowest expected squared error on the pairs the
    moments come from (its output is then clipped to [0, 1]). ``ridge`` times the mean variance is added to the
    diagonal of ``C_yy`` only for numerical safety (it is well conditioned:
    the noise gives every pixel variance).

    Parameters
    ----------
    moments : dict from ``pair_moments``
    ridge : float >= 0

    Returns
    -------
    function: float array ``(n, 28, 28, 1)`` -> float32 array of the same shape
    """
    cov = moments["cov_noisy"]
    regularised = cov + ridge * np.trace(cov) / len(cov) * np.eye(len(cov))
    weights = np.linalg.solve(regularised, moments["cov_noisy_clean"])
    return _affine(moments["mean_noisy"], weights, moments["mean_clean"])


def pca_projection(moments, k):
    """Project the noisy image on the ``k`` leading principal components of clean images.

    ``x_hat = mean_clean + (y - mean_noisy) U U^T`` with ``U`` the ``(d, k)``
    leading eigenvectors of the clean covariance, clipped to [0, 1].

    Parameters
    ----------
    moments : dict from ``pair_moments``
        The eigenvectors are computed on the first call and kept in it
        (key ``principal_directions``).
    k : int, 0 <= k <= 784

    Returns
    -------
    function: float array ``(n, 28, 28, 1)`` -> float32 array of the same shape
    """
    d = len(moments["cov_clean"])
    if not isinstance(k, (int, np.integer)) or not 0 <= k <= d:
        raise ValueError(f"k={k!r} is invalid: expected an integer in [0, {d}]")
    if "principal_directions" not in moments:  # computed once, for every k tried
        moments["principal_directions"] = np.linalg.eigh(moments["cov_clean"])[1][:, ::-1]  # columns, largest first
    top = moments["principal_directions"][:, :k]
    return _affine(moments["mean_noisy"], top @ top.T, moments["mean_clean"])


def learned_linear_baselines(x_fit_noisy, x_fit_clean, x_tune_noisy, x_tune_clean):
    """PCA projection (``k`` tuned on held-out images) and the linear MMSE filter, fitted on training pairs.

    Parameters
    ----------
    x_fit_noisy, x_fit_clean : float arrays ``(n, 28, 28, 1)``, training pairs to fit on
    x_tune_noisy, x_tune_clean : float arrays ``(m, 28, 28, 1)``, other training images, to tune ``k``

    Returns
    -------
    denoisers : dict of name -> function ``(n, 28, 28, 1) -> (n, 28, 28, 1)``
    settings : dict of name -> str
    """
    moments = pair_moments(x_fit_noisy, x_fit_clean)
    k = tune(lambda x, k: pca_projection(moments, k)(x), PCA_COMPONENTS, x_tune_noisy, x_tune_clean)
    denoisers = {"PCA projection": pca_projection(moments, k), "linear MMSE filter": linear_mmse(moments)}
    settings = {"PCA projection": f"k={k}", "linear MMSE filter": f"fitted on {len(x_fit_noisy):,} training pairs"}
    return denoisers, settings


def fair_baselines(x_train, sigma=0.5, seed=0, n_tune=500, n_fit=None):
    """Every baseline, fitted and tuned on training images only.

    The last ``n_tune`` training images tune the parameters; the linear
    methods are fitted on the ``n_fit`` images before them (all of them by
    default). Each set gets its own noise (``seed + 1``, ``seed + 2``).

    Parameters
    ----------
    x_train : float array ``(N, 28, 28, 1)`` in [0, 1], N > n_tune
    sigma : float > 0
    seed : int
    n_tune : int
    n_fit : int or None

    Returns
    -------
    denoisers : dict of name -> function ``(n, 28, 28, 1) -> (n, 28, 28, 1)``
    settings : dict of name -> str, what was tuned or fitted
    """
    from dae_reference.noise import add_gaussian_noise

    if not 0 < n_tune < len(x_train):
        raise ValueError(f"n_tune={n_tune!r} is invalid: expected 0 < n_tune < {len(x_train)}, the training images")
    x_tune, x_fit = x_train[-n_tune:], x_train[:-n_tune][:n_fit]
    x_tune_noisy = add_gaussian_noise(x_tune, sigma, seed=seed + 1)
    denoisers, settings = classical_baselines(x_tune_noisy, x_tune, sigma)
    linear, linear_settings = learned_linear_baselines(add_gaussian_noise(x_fit, sigma, seed=seed + 2), x_fit,
                                                       x_tune_noisy, x_tune)
    return {**denoisers, **linear}, {**settings, **linear_settings}


class _Cached:
    """``smoother(x, value)``, remembered for the last array ``x`` passed (the same object, not equal values)."""

    def __init__(self, smoother):
        self.smoother, self.last, self.outputs = smoother, None, {}

    def __call__(self, x, value):
        if x is not self.last:
            self.last, self.outputs = x, {}
        if value not in self.outputs:
            self.outputs[value] = self.smoother(x, value)
        return self.outputs[value]


def _compose(smoother, value, correction):
    return lambda x: correction(smoother(x, value))


def _affine(mean_in, weights, mean_out):
    """``x -> mean_out + (x - mean_in) weights`` on flattened images, clipped to [0, 1], where clean images lie
    (clipping can only lower each pixel's error)."""

    def apply(x):
        flat = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
        return np.clip((flat - mean_in) @ weights + mean_out, 0.0, 1.0).astype(np.float32).reshape(np.shape(x))

    return apply


def _check_sigma(sigma):
    if isinstance(sigma, bool) or not isinstance(sigma, (int, float, np.floating, np.integer)) or not sigma >= 0:
        raise ValueError(f"sigma={sigma!r} is invalid: expected a number >= 0")
    return float(sigma)


def compare_denoisers(denoisers, x_noisy, x_clean, labels, settings=None):
    """Score every denoiser on the same noisy images.

    Parameters
    ----------
    denoisers : dict of name -> function
    x_noisy, x_clean : float arrays ``(n, 28, 28, 1)`` in [0, 1]
    labels : int array ``(n,)``
    settings : dict of name -> str, optional
        What was tuned or fitted, recorded next to the scores.

    Returns
    -------
    dict of name -> ``{'mse', 'psnr', 'ssim', 'per_class_mse': {class: mse}[, 'setting']}``
    outputs : dict of name -> denoised images, for the figures
    """
    report, outputs = {}, {}
    for name, denoise in denoisers.items():
        estimate = np.asarray(denoise(x_noisy), dtype=np.float32)
        outputs[name] = estimate
        report[name] = denoising_scores(x_clean, estimate)
        by_class = per_class_mse(reconstruction_errors(x_clean, estimate), labels)
        report[name]["per_class_mse"] = dict(zip(CLASS_NAMES, by_class.round(6).tolist()))
        if settings and name in settings:
            report[name]["setting"] = settings[name]
    return report, outputs


def _check_pair(clean, estimate):
    clean, estimate = np.asarray(clean, dtype=np.float64), np.asarray(estimate, dtype=np.float64)
    if clean.shape != estimate.shape:
        raise ValueError(f"clean has shape {clean.shape} but estimate has shape {estimate.shape}; they must match")
    if clean.ndim < 2:
        raise ValueError(f"expected a batch of images (n, height, width[, channels]), got shape {clean.shape}")
    return clean, estimate
