"""Lesson 5, evaluation: typical wrong answers and the feedback each must get."""

import numpy as np
from skimage.metrics import structural_similarity

from tests.submissions import alternative as right
from tests.submissions.wrong import Mistake


def _per_image(x):
    return np.asarray(x, dtype=np.float64).reshape(len(x), -1)


def _scores(estimate, clean, ssim_range=lambda clean, estimate: 1.0, peak=1.0):
    """Mean per-image MSE, PSNR and SSIM, with the mistakes below plugged in."""
    errors = np.mean((_per_image(clean) - _per_image(estimate)) ** 2, axis=1)
    ssims = [structural_similarity(c.squeeze(), e.squeeze(), data_range=ssim_range(c, e)) for c, e in zip(clean, estimate)]
    return {"mse": errors.mean(), "psnr": np.mean(10 * np.log10(peak**2 / errors)), "ssim": np.mean(ssims)}


def _robustness(model, x, sigmas, seed=0, clip=True, against_noisy=False, call_model=True):
    results = []
    for sigma in sigmas:
        noisy = right.add_gaussian_noise(x, sigma, seed) if clip else (x + sigma * np.random.default_rng(seed).standard_normal(x.shape)).astype(np.float32)
        output = model.predict(noisy, verbose=0) if call_model else noisy
        results.append(np.mean((output - (noisy if against_noisy else x)) ** 2))
    return np.array(results)


WRONG = {
    "reconstruction_errors": [
        Mistake(lambda a, b: np.mean((a - b) ** 2, axis=0), "one mean squared error per image", public=True),
        Mistake(lambda a, b: np.mean((a - b) ** 2), "the mean over the whole batch", public=True),
        Mistake(lambda a, b: np.sqrt(np.mean((_per_image(a) - _per_image(b)) ** 2, axis=1)), "drop the square root", public=True),
        Mistake(lambda a, b: np.sum((_per_image(a) - _per_image(b)) ** 2, axis=1), "sums of squared errors", public=True),
    ],
    "evaluate_denoiser": [
        Mistake(lambda f, noisy, clean: {"mse": float(np.mean((f(noisy) - clean) ** 2)), "psnr": 0.0, "ssim": 0.0}, "mean of the per-image PSNRs", public=True),
        Mistake(lambda f, noisy, clean: _scores(noisy, clean), "call denoise_fn(x_noisy)", public=True),  # never calls f
        Mistake(lambda f, noisy, clean: _scores(f(clean), noisy), "(noisy, clean) swapped", public=True),
        Mistake(lambda f, noisy, clean: _scores(f(noisy), clean, ssim_range=lambda c, e: c.max() - c.min()), "each image's own range", public=True),
        Mistake(lambda f, noisy, clean: _scores(f(noisy), clean, ssim_range=lambda c, e: 255), "data_range=255", public=True),
        Mistake(lambda f, noisy, clean: _scores(f(noisy), clean, peak=255), "not 255", public=True),
    ],
    "per_class_mse": [
        Mistake(lambda e, y: np.bincount(y, weights=e, minlength=10), "sums per class", public=True),
        Mistake(lambda e, y: np.bincount(y, weights=e, minlength=10) / len(e), "divided by the number of all images", public=True),
        Mistake(lambda e, y: np.array([np.median(e[y == k]) for k in range(10)]), "those are medians", public=True),
    ],
    "worst_k": [
        Mistake(lambda e, k=10: np.argsort(e)[:k], "smallest errors", public=True),  # best first
        Mistake(lambda e, k=10: np.argsort(e)[-k:], "in the wrong order", public=True),  # the worst, but best of them first
        Mistake(lambda e, k=10: np.sort(e)[::-1][:k], "not their errors", public=True),
    ],
    "noise_robustness": [
        Mistake(lambda model, x, sigmas, seed=0: _robustness(model, x, sigmas, seed, call_model=False), "the model was never called", public=True),
        Mistake(lambda model, x, sigmas, seed=0: _robustness(model, x, sigmas, seed, against_noisy=True), "compare it with x_clean", public=True),
        Mistake(lambda model, x, sigmas, seed=0: _robustness(model, x, sigmas, seed, clip=False), "not clipped", public=True),
    ],
}
