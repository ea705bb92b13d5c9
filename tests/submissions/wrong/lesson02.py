"""Lesson 2, noise models: typical wrong answers and the feedback each must get."""

import numpy as np

from tests.submissions import alternative as right


def _unseeded(noise):
    """The noise function with its seed ignored."""
    return lambda x, *args, seed=None, **kwargs: noise(x, *args, seed=None, **kwargs)


WRONG = {
    "add_gaussian_noise": [
        (lambda x, sigma=0.5, seed=None, clip=True: right.add_gaussian_noise(x, sigma**2, seed, clip), "variance"),
        (lambda x, sigma=0.5, seed=None, clip=True: x + np.random.default_rng(seed).normal(0, sigma, np.shape(x)), "clip"),
        (_unseeded(right.add_gaussian_noise), "same seed"),
    ],
    "add_masking_noise": [(lambda x, fraction, seed=None: right.add_masking_noise(x, 1 - fraction, seed), "instead of zeroing"),
                          (_unseeded(right.add_masking_noise), "same seed")],
    "add_salt_and_pepper_noise": [
        (lambda x, fraction, seed=None: np.where(np.random.default_rng(seed).random(np.shape(x)) < fraction, 1.0, x), "half"),
        (_unseeded(right.add_salt_and_pepper_noise), "same seed"),
        (lambda x, fraction, seed=None: np.where(np.random.default_rng(seed).random(np.shape(x)) < fraction, np.nan, x),
         "returned NaN"),
    ],
    "psnr": [(lambda x, y, data_range=1.0: 20 * np.log10(data_range**2 / np.mean((x - y) ** 2)), "20 log10")],
    "clipped_noise_stats": [(lambda x, sigma: {"mean": 0.0, "std": sigma, "mean_on_black": 0.0}, "after clipping")],
}
