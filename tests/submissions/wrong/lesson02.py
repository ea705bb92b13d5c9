"""Lesson 2, noise models: typical wrong answers and the feedback each must get."""

import numpy as np

from tests.submissions import alternative as right
from tests.submissions.wrong import Mistake


def _unseeded(noise):
    """The noise function with its seed ignored."""
    return lambda x, *args, seed=None, **kwargs: noise(x, *args, seed=None, **kwargs)


def _fixed_seed(noise):
    """The noise function with seed 0 whatever the seed asked for."""
    return lambda x, *args, seed=None, **kwargs: noise(x, *args, seed=0, **kwargs)


def _gaussian_always_clipped(x, sigma=0.5, seed=None, clip=True):
    return np.clip(x + sigma * np.random.default_rng(seed).standard_normal(np.shape(x)), 0, 1)


def _gaussian_uniform(x, sigma=0.5, seed=None, clip=True):
    """Uniform noise scaled to standard deviation sigma: the right mean and std, the wrong distribution."""
    noisy = x + sigma * np.sqrt(3) * np.random.default_rng(seed).uniform(-1, 1, np.shape(x))
    return np.clip(noisy, 0, 1) if clip else noisy


def _gaussian_mean_sigma(x, sigma=0.5, seed=None, clip=True):
    noisy = x + np.random.default_rng(seed).normal(sigma, size=np.shape(x))  # sigma passed as the mean (loc)
    return np.clip(noisy, 0, 1) if clip else noisy


def _gaussian_in_place(x, sigma=0.5, seed=None, clip=True):
    x += sigma * np.random.default_rng(seed).standard_normal(np.shape(x)).astype(x.dtype)
    if clip:
        np.clip(x, 0, 1, out=x)
    return x


def _masking_in_place(x, fraction, seed=None):
    x[np.random.default_rng(seed).random(np.shape(x)) < fraction] = 0
    return x


def _masking_coin(x, fraction, seed=None):
    return np.where(np.random.default_rng(seed).integers(0, 2, np.shape(x)) == 0, 0.0, x)


def _masking_returns_mask(x, fraction, seed=None):
    return np.where(np.random.default_rng(seed).random(np.shape(x)) < fraction, 0.0, 1.0)


def _masking_fixed_count(x, fraction, seed=None):
    """Vincent et al.'s fixed count: exactly round(fraction * pixels) of each image, chosen at random."""
    rng = np.random.default_rng(seed)
    flat = np.array(x, dtype=np.float64).reshape(len(x), -1)
    for row in flat:
        row[rng.permutation(row.size)[: round(fraction * row.size)]] = 0
    return flat.reshape(np.shape(x))


def _masking_one_mask(x, fraction, seed=None):
    """One mask of an image's shape, broadcast over the batch."""
    return np.where(np.random.default_rng(seed).random(np.shape(x)[1:]) < fraction, 0.0, x)


def _salt_and_pepper_two_draws(x, fraction, seed=None):
    rng = np.random.default_rng(seed)
    pepper = np.where(rng.random(np.shape(x)) < fraction, 0.0, x)
    return np.where(rng.random(np.shape(x)) < fraction, 1.0, pepper)


def _salt_and_pepper_in_place(x, fraction, seed=None):
    rng = np.random.default_rng(seed)
    corrupted = rng.random(np.shape(x)) < fraction
    x[corrupted] = (rng.random(np.shape(x)) < 0.5)[corrupted]
    return x


def _stats_unclipped(x, sigma):
    effective = right.add_gaussian_noise(x, sigma, seed=0, clip=False) - x
    return {"mean": effective.mean(), "std": effective.std(), "mean_on_black": effective[x == 0].mean()}


def _stats_mean_over_all(x, sigma):
    effective = right.add_gaussian_noise(x, sigma, seed=0) - x
    return {"mean": effective.mean(), "std": effective.std(), "mean_on_black": effective.mean()}


def _stats_black_chosen_by_the_noisy_image(x, sigma):
    noisy = right.add_gaussian_noise(x, sigma, seed=0)
    noise = noisy - x
    return {"mean": float(noise.mean()), "std": float(noise.std()), "mean_on_black": float(noise[noisy == 0].mean())}


WRONG = {
    "add_gaussian_noise": [
        Mistake(lambda x, sigma=0.5, seed=None, clip=True: right.add_gaussian_noise(x, sigma**2, seed, clip), "variance",
                public=True),
        Mistake(lambda x, sigma=0.5, seed=None, clip=True: x + np.random.default_rng(seed).normal(0, sigma, np.shape(x)),
                "clip", public=True),
        Mistake(_gaussian_always_clipped, "clip is ignored", public=True),
        Mistake(_gaussian_uniform, "not normally distributed", public=True),
        Mistake(_gaussian_mean_sigma, "first argument is the mean", public=True),
        Mistake(_gaussian_in_place, "changed its input x in place", public=True),
        Mistake(_unseeded(right.add_gaussian_noise), "same seed", public=True),
        Mistake(_fixed_seed(right.add_gaussian_noise), "the seed is ignored", public=True),
    ],
    "add_masking_noise": [
        Mistake(lambda x, fraction, seed=None: right.add_masking_noise(x, 1 - fraction, seed), "instead of zeroing", public=True),
        Mistake(_masking_coin, "whatever `fraction` is", public=True),
        Mistake(_masking_returns_mask, "changed pixels it did not mask", public=True),
        Mistake(_masking_in_place, "changed its input x in place", public=True),
        Mistake(_masking_fixed_count, "a fixed count", public=True),
        Mistake(_masking_one_mask, "the same pixels in every image", public=True),
        Mistake(_unseeded(right.add_masking_noise), "same seed", public=True),
    ],
    "add_salt_and_pepper_noise": [
        Mistake(lambda x, fraction, seed=None: np.where(np.random.default_rng(seed).random(np.shape(x)) < fraction, 1.0, x),
                "salt only", public=True),
        Mistake(_salt_and_pepper_two_draws, "drawn separately", public=True),
        Mistake(_salt_and_pepper_in_place, "changed its input x in place", public=True),
        Mistake(_unseeded(right.add_salt_and_pepper_noise), "same seed", public=True),
        Mistake(lambda x, fraction, seed=None: np.where(np.random.default_rng(seed).random(np.shape(x)) < fraction, np.nan, x),
                "returned NaN", public=True),
    ],
    "psnr": [
        Mistake(lambda x, y, data_range=1.0: 20 * np.log10(data_range**2 / np.mean((x - y) ** 2)), "20 log10", public=True),
        Mistake(lambda x, y, data_range=1.0: 10 * np.log10(1 / np.mean((x - y) ** 2)), "data_range is ignored", public=True),
        Mistake(lambda x, y, data_range=1.0: 10 * np.log10(data_range / np.mean((x - y) ** 2)), "not squared", public=True),
        Mistake(lambda x, y, data_range=1.0: np.mean([10 * np.log10(data_range**2 / np.mean((a - b) ** 2)) for a, b in zip(x, y)]),
                "mean of the images' PSNRs", public=True),
    ],
    "clipped_noise_stats": [
        Mistake(lambda x, sigma: {"mean": 0.0, "std": sigma, "mean_on_black": 0.0}, "before clipping", public=True),
        Mistake(_stats_unclipped, "before clipping", public=True),
        Mistake(_stats_mean_over_all, "pixels where x == 0"),
        Mistake(_stats_black_chosen_by_the_noisy_image, "choose the pixels by the clean image", public=True),
    ],
}
