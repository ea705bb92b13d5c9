"""Lesson 2, noise models: typical wrong answers and the feedback each must get."""

import numpy as np
from scipy.special import ndtr

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


def _gaussian_one_image_of_noise(x, sigma=0.5, seed=None, clip=True):
    """Noise of one image's shape, broadcast over the batch: every image gets the same noise."""
    noisy = x + sigma * np.random.default_rng(seed).standard_normal(np.shape(x)[1:])
    return np.clip(noisy, 0, 1) if clip else noisy


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


def _terms(x, sigma):
    """a, b, P(0 < x + sigma Z < 1) and sigma (phi(a) - phi(b)) of the formula for m(x)."""
    x = np.asarray(x, dtype=np.float64)
    a, b = -x / sigma, (1 - x) / sigma
    return a, b, ndtr(b) - ndtr(a), sigma * (_pdf(a) - _pdf(b))


def _pdf(z):
    return np.exp(-z**2 / 2) / np.sqrt(2 * np.pi)


def _mean_unsafe(x, sigma):
    """The right formula with nothing for sigma = 0, where a and b are 0 / 0 at x = 0 and x = 1."""
    a, b, inside, density = _terms(x, sigma)
    return x * inside + density + ndtr(-b)


def _mean_without_clipping_at_1(x, sigma):
    a, b, inside, density = _terms(x, sigma)
    return x * inside + density


def _mean_clipped_at_1_only(x, sigma):
    """The mean of min(x + sigma Z, 1): the draws below 0 kept as they are."""
    a, b, inside, density = _terms(x, sigma)
    return x * ndtr(b) - sigma * _pdf(b) + ndtr(-b)


def _mean_clipped_at_0_only(x, sigma):
    a, b, inside, density = _terms(x, sigma)
    return x * ndtr(-a) + sigma * _pdf(a)


def _mean_ab_over_variance(x, sigma):
    """a and b divided by sigma**2, the density term still multiplied by sigma."""
    x = np.asarray(x, dtype=np.float64)
    a, b = -x / sigma**2, (1 - x) / sigma**2
    return x * (ndtr(b) - ndtr(a)) + sigma * (_pdf(a) - _pdf(b)) + ndtr(-b)


def _mean_density_sign_flipped(x, sigma):
    a, b, inside, density = _terms(x, sigma)
    return x * inside - density + ndtr(-b)


def _mean_of_the_unclipped_draws(x, sigma):
    """The mean over the draws that fell in [0, 1] (a truncated normal's): the analogue of choosing pixels by the noisy image."""
    a, b, inside, density = _terms(x, sigma)
    return (x * inside + density) / inside


def _mean_over_all_pixels(x, sigma):
    """One number, the mean of m over the whole array, in every pixel (the old exercise's mean over all pixels)."""
    m = right.clipped_noise_mean(x, sigma)
    return np.full(np.shape(x), np.mean(m))


def _mean_flattened(x, sigma):
    return np.ravel(right.clipped_noise_mean(x, sigma))


def _mean_sampled(x, sigma, draws=10_000):
    """Monte Carlo: the mean of 10,000 clipped noisy copies of each pixel, close but not exact."""
    x = np.asarray(x, dtype=np.float64)
    noise = np.random.default_rng(0).standard_normal((*x.shape, draws))
    return np.clip(x[..., None] + sigma * noise, 0, 1).mean(axis=-1)


def _mean_sampled_unclipped(x, sigma, draws=10_000):
    """Monte Carlo with clip=False: the mean of the noise before clipping, about x."""
    x = np.asarray(x, dtype=np.float64)
    return right.add_gaussian_noise(np.broadcast_to(x, (draws, *x.shape)), sigma, seed=0, clip=False).mean(axis=0)


def _mean_sigma_0_unclipped(x, sigma):
    """sigma = 0 handled by returning x: right inside [0, 1], wrong outside."""
    return np.asarray(x, dtype=np.float64) if sigma == 0 else right.clipped_noise_mean(x, sigma)


def _mean_of_clipped_x(x, sigma):
    """x clipped before the noise is added: right inside [0, 1], wrong outside."""
    return right.clipped_noise_mean(np.clip(x, 0, 1), sigma)


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
        Mistake(_gaussian_one_image_of_noise, "every image got the same noise", public=True),
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
    "clipped_noise_mean": [
        # The old Monte Carlo exercise's mistakes, carried over: the mean before clipping (twice), the mean over
        # all pixels, and conditioning on the noisy value (here: only the draws that were not clipped).
        Mistake(lambda x, sigma: np.asarray(x, dtype=np.float64), "before clipping", public=True),
        Mistake(_mean_sampled_unclipped, "before clipping", public=True),
        Mistake(_mean_over_all_pixels, "the mean over all the values of x", public=True),
        Mistake(_mean_of_the_unclipped_draws, "the draws that were not clipped", public=True),
        Mistake(_mean_without_clipping_at_1, "the draws clipped at 1 are missing", public=True),
        Mistake(_mean_clipped_at_1_only, "clips at 1 only", public=True),
        Mistake(_mean_clipped_at_0_only, "clips at 0 only", public=True),
        Mistake(lambda x, sigma: right.clipped_noise_mean(x, sigma**2), "sigma**2, the variance", public=True),
        Mistake(_mean_ab_over_variance, "a and b divide by sigma, the standard deviation, not by sigma ** 2", public=True),
        Mistake(_mean_density_sign_flipped, "the wrong sign", public=True),
        Mistake(_mean_sampled, "a sampled estimate", public=True),
        Mistake(_mean_flattened, "without reducing or flattening x", public=True),
        Mistake(_mean_unsafe, "0 / 0"),
        Mistake(_mean_sigma_0_unclipped, "the clipping stays"),
        Mistake(_mean_of_clipped_x, "x was clipped to [0, 1] before the noise"),
    ],
}
