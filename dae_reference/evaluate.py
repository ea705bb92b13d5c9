"""Judge a denoiser: per-image MSE, PSNR and SSIM, per-class error, baselines.

A denoiser here is any function ``denoise(x_noisy) -> x_hat`` on float arrays
of shape ``(n, 28, 28, 1)`` in [0, 1]. The autoencoder is judged next to the
noisy input itself (doing nothing) and two classical denoisers whose single
parameter is tuned on held-out training images, never on the test set:

* a Gaussian blur (``scipy.ndimage``), tuned over its width ``sigma``;
* total-variation denoising (Chambolle's algorithm, scikit-image), tuned
  over its ``weight``.
"""

import numpy as np
from scipy import ndimage
from skimage.metrics import structural_similarity
from skimage.restoration import denoise_tv_chambolle

from dae_reference.data import CLASS_NAMES
from dae_reference.noise import add_gaussian_noise

BLUR_SIGMAS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
TV_WEIGHTS = (0.05, 0.1, 0.15, 0.2, 0.3, 0.4)


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


def gaussian_blur(x_noisy, sigma):
    """Blur each image ``(n, 28, 28, 1)`` with a Gaussian of width ``sigma`` pixels."""
    return ndimage.gaussian_filter(x_noisy, sigma=(0, sigma, sigma, 0), mode="nearest")


def total_variation(x_noisy, weight):
    """Chambolle total-variation denoising of each image ``(n, 28, 28, 1)``."""
    stack = np.moveaxis(x_noisy[..., 0], 0, -1)  # images side by side as channels, denoised one by one
    return np.moveaxis(denoise_tv_chambolle(stack, weight=weight, channel_axis=-1), -1, 0)[..., None]


def tune(denoiser, grid, x_noisy, x_clean):
    """The value in ``grid`` for which ``denoiser(x_noisy, value)`` has the lowest MSE."""
    losses = [reconstruction_errors(x_clean, denoiser(x_noisy, value)).mean() for value in grid]
    return grid[int(np.argmin(losses))]


def classical_baselines(x_tune_noisy, x_tune_clean):
    """Tune the classical denoisers on held-out images.

    Returns
    -------
    dict of name -> function ``(n, 28, 28, 1) -> (n, 28, 28, 1)``
    """
    blur_sigma = tune(gaussian_blur, BLUR_SIGMAS, x_tune_noisy, x_tune_clean)
    tv_weight = tune(total_variation, TV_WEIGHTS, x_tune_noisy, x_tune_clean)
    return {
        f"gaussian blur (sigma={blur_sigma})": lambda x: gaussian_blur(x, blur_sigma),
        f"total variation (weight={tv_weight})": lambda x: total_variation(x, tv_weight),
    }


def compare_denoisers(denoisers, x_noisy, x_clean, labels):
    """Score every denoiser on the same noisy images.

    Parameters
    ----------
    denoisers : dict of name -> function
    x_noisy, x_clean : float arrays ``(n, 28, 28, 1)`` in [0, 1]
    labels : int array ``(n,)``

    Returns
    -------
    dict of name -> ``{'mse', 'psnr', 'ssim', 'per_class_mse': {class: mse}}``
    outputs : dict of name -> denoised images, for the figures
    """
    report, outputs = {}, {}
    for name, denoise in denoisers.items():
        estimate = np.asarray(denoise(x_noisy), dtype=np.float32)
        outputs[name] = estimate
        report[name] = denoising_scores(x_clean, estimate)
        by_class = per_class_mse(reconstruction_errors(x_clean, estimate), labels)
        report[name]["per_class_mse"] = dict(zip(CLASS_NAMES, by_class.round(6).tolist()))
    return report, outputs


def _check_pair(clean, estimate):
    clean, estimate = np.asarray(clean, dtype=np.float64), np.asarray(estimate, dtype=np.float64)
    if clean.shape != estimate.shape:
        raise ValueError(f"clean has shape {clean.shape} but estimate has shape {estimate.shape}; they must match")
    if clean.ndim < 2:
        raise ValueError(f"expected a batch of images (n, height, width[, channels]), got shape {clean.shape}")
    return clean, estimate
