"""Lesson 7, from denoising to generation: typical wrong answers and the feedback each must get."""

import numpy as np

from tests.submissions import alternative as right
from tests.submissions.wrong import Mistake


def _same_draw(x, sigma, clip=True, seed=None):
    noisy = np.asarray(x) + sigma * np.random.default_rng(seed).standard_normal(np.shape(x))
    noisy = np.clip(noisy, 0, 1) if clip else noisy
    return noisy, noisy.copy()


def _same_seed_twice(x, sigma, clip=True, seed=None):
    """Two generators with the same seed: the same noise twice."""
    first = np.asarray(x) + sigma * np.random.default_rng(seed).standard_normal(np.shape(x))
    second = np.asarray(x) + sigma * np.random.default_rng(seed).standard_normal(np.shape(x))
    return (np.clip(first, 0, 1), np.clip(second, 0, 1)) if clip else (first, second)


def _clean_targets(x, sigma, clip=True, seed=None):
    inputs, _ = right.noise2noise_pairs(x, sigma, clip, seed)
    return inputs, np.array(x, copy=True)


def _always_clipped(x, sigma, clip=True, seed=None):
    return right.noise2noise_pairs(x, sigma, True, seed)


def _never_clipped(x, sigma, clip=True, seed=None):
    return right.noise2noise_pairs(x, sigma, False, seed)


def _variance(x, sigma, clip=True, seed=None):
    return right.noise2noise_pairs(x, sigma**2, clip, seed)


def _fixed_sigma(x, sigma, clip=True, seed=None):
    return right.noise2noise_pairs(x, 0.5, clip, seed)


def _unseeded(x, sigma, clip=True, seed=None):
    return right.noise2noise_pairs(x, sigma, clip, None)


def _langevin(score, x_start, step_size, steps, seed=None, sign=1.0, noise=np.sqrt(2), order="score first",
              reseed=False, extra=0, dtype=np.float64, drift=1.0, score_at_start=False, out=np.float32):
    rng = np.random.default_rng(seed)
    x = np.array(x_start, dtype=np.float32)
    first_score = np.asarray(score(x))
    for _ in range(steps + extra):
        if reseed:
            rng = np.random.default_rng(seed)
        z = noise * np.sqrt(step_size) * rng.standard_normal(x.shape, dtype=dtype)
        if order == "score first":
            x = x + sign * drift * step_size * (first_score if score_at_start else np.asarray(score(x))) + z
        else:
            x = x + z
            x = x + sign * step_size * np.asarray(score(x))
        x = x.astype(out)
    return x


def _langevin_in_place(score, x_start, step_size, steps, seed=None):
    """Right samples, but x starts as x_start itself and += writes every step into the caller's array."""
    rng = np.random.default_rng(seed)
    x = x_start
    for _ in range(steps):
        x += step_size * np.asarray(score(x)) + np.sqrt(2 * step_size) * rng.standard_normal(x.shape)
    return x


def _posterior(log_odds):
    """A two-point posterior mean computed from ``log_odds(x, sigma, p_white)`` (right unless the log-odds are wrong)."""
    def answer(x_noisy, sigma, p_white=0.5):
        return 0.5 * (1 + np.tanh(log_odds(np.asarray(x_noisy, dtype=np.float64), sigma, p_white) / 2))
    return answer


def _prior(p):
    return np.log(p / (1 - p))


def _ratio_of_densities(x_noisy, sigma, p_white=0.5):
    """The textbook formula, right on paper: 0/0 where both densities underflow."""
    x = np.asarray(x_noisy, dtype=np.float64)
    white = p_white * np.exp(-(x - 1) ** 2 / (2 * sigma**2))
    return white / (white + (1 - p_white) * np.exp(-x**2 / (2 * sigma**2)))


def _overflowing_logistic(x_noisy, sigma, p_white=0.5):
    """The right log-odds, and the logistic function as exp(t) / (1 + exp(t)): inf / inf for large t."""
    t = _prior(p_white) + (np.asarray(x_noisy, dtype=np.float64) - 0.5) / sigma**2
    return np.exp(t) / (1 + np.exp(t))


WRONG = {
    "noise2noise_pairs": [
        Mistake(_same_draw, "the same draw", public=True),
        Mistake(_same_seed_twice, "not a second generator with the same seed", public=True),
        Mistake(_clean_targets, "targets are the clean images", public=True),
        Mistake(_always_clipped, "clipped although clip=False", public=True),
        Mistake(_variance, "which is sigma**2", public=True),
        Mistake(_never_clipped, "with clip=True clip both copies", public=True),
        Mistake(_unseeded, "the same seed"),
        Mistake(_fixed_sigma, "not a fixed 0.5"),
    ],
    "two_point_posterior_mean": [
        Mistake(_ratio_of_densities, "round to 0, so their ratio is 0/0", public=True),
        Mistake(lambda x, s, p_white=0.5: 1 - right.two_point_posterior_mean(x, s, p_white), "the probability that the pixel is "
                "black", public=True),
        Mistake(lambda x, s, p_white=0.5: (right.two_point_posterior_mean(x, s, p_white) > 0.5) * 1.0, "the most likely value",
                public=True),
        Mistake(lambda x, s, p_white=0.5: (right.two_point_posterior_mean(x, s, p_white) >= 0.5) * 1.0,
                "the most likely value", public=True),
        Mistake(_posterior(lambda x, s, p: _prior(p) + (x - 0.5) / s), "divided by sigma", public=True),
        Mistake(_posterior(lambda x, s, p: _prior(p) + (x - 0.5) / (2 * s**2)), "comes out half as large",
                public=True),
        Mistake(_posterior(lambda x, s, p: _prior(p) + x / s**2), "instead of half-way", public=True),
        Mistake(_posterior(lambda x, s, p: (x - 0.5) / s**2), "p_white is ignored", public=True),
        Mistake(_posterior(lambda x, s, p: -_prior(p) + (x - 0.5) / s**2), "upside down", public=True),
        Mistake(_posterior(lambda x, s, p: np.log(p) + (x - 0.5) / s**2), "the prior enters as log(p_white)",
                public=True),
        Mistake(lambda x, s, p_white=0.3: right.two_point_posterior_mean(x, s, p_white), "p_white defaults to 0.5"),
        Mistake(_overflowing_logistic, "exp(t) overflows to inf", public=True),
        Mistake(_posterior(lambda x, s, p: 2 * (_prior(p) + (x - 0.5) / s**2)), "twice the log-odds t: in the tanh form",
                public=True),
        Mistake(_posterior(lambda x, s, p: _prior(p) + (np.clip(x, 0, 1) - 0.5) / s**2), "clipped to [0, 1] first",
                public=True),
    ],
    "tweedie_score": [
        Mistake(lambda d, x, s: (np.asarray(x) - d(x)) / s**2, "the sign is flipped", public=True),
        Mistake(lambda d, x, s: (d(x) - np.asarray(x)) / s, "divided by sigma: divide by the variance", public=True),
        Mistake(lambda d, x, s: (d(x) - np.asarray(x)) / (2 * s**2), "divided by 2 * sigma**2", public=True),
        Mistake(lambda d, x, s: d(x) - np.asarray(x), "division by sigma**2 is missing", public=True),
        Mistake(lambda d, x, s: (d(x) - np.asarray(x)) / 0.25, "with the sigma passed in"),
    ],
    "langevin_sample": [
        Mistake(lambda *a, **k: _langevin(*a, **k, noise=0.0), "the noise term sqrt(2 * step_size) * z is missing",
                public=True),
        Mistake(lambda *a, **k: _langevin(*a, **k, noise=1.0), "scaled by sqrt(step_size)", public=True),
        Mistake(lambda *a, **k: _langevin(*a, **k, reseed=True), "every step adds the same z", public=True),
        Mistake(lambda *a, **k: _langevin(*a, **k, extra=1), "run exactly `steps` updates", public=True),
        Mistake(lambda *a, **k: _langevin(*a, **k, dtype=np.float32), "z is drawn as float32", public=True),
        Mistake(lambda *a, **k: _langevin(*a, **k, sign=-1.0), "the steps go down the score"),
        Mistake(lambda *a, **k: _langevin(*a, **k, order="noise first"), "the score is taken after the noise"),
        Mistake(lambda *a, **k: _langevin(*a, **k, extra=-1), "one step too few"),
        Mistake(lambda *a, **k: _langevin(*a, **k, score_at_start=True), "the score is taken once, at x_start"),
        Mistake(lambda *a, **k: _langevin(*a, **k, drift=0.5), "the score term is halved"),
        Mistake(lambda *a, **k: _langevin(*a, **k, out=np.float64), "expected float32", public=True),
        Mistake(_langevin_in_place, "changed x_start in place", public=True),
    ],
}
