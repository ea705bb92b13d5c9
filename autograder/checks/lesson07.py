"""Lesson 7, from denoising to generation: Noise2Noise pairs, a two-point posterior mean, Tweedie's score, Langevin
sampling."""

import numpy as np

from autograder.core import Exercise, Wrong, as_array, expect_close, expect_shape
from dae_reference import generation
from dae_reference import noise as noise_models

LESSON = "07_denoising_to_generation"
rng = np.random.default_rng

# noise2noise_pairs is judged by the statistics of its noise, not by the values of one random stream, so that any
# generator seeded by `seed` passes. On the public part's 31,360 pixels the standard error of the noise's mean is
# sigma / 177 = 0.0028, of its standard deviation over sigma 0.004 and of the correlation of two independent noises
# 0.0056; the hidden clipped part's 24,000 pixels give 0.0065 for the correlation and about 0.003 for the mean on
# its ~12,000 black pixels. Each tolerance below is at least 5 standard errors, and far below what the mistakes give
# (a correlation of 1 for a shared draw, a standard deviation of sigma**2 / sigma = 0.5 for the variance).
MEAN_TOLERANCE = 0.03
STD_TOLERANCE = 0.05  # relative
CORRELATION_TOLERANCE = 0.05
BLACK_MEAN_TOLERANCE = 0.02


def _images(seed, shape, dtype=np.float32):
    return rng(seed).random(shape).astype(dtype)


def _pairs(fn, x, sigma, clip, seed):
    what = f"noise2noise_pairs(x, sigma={sigma}, clip={clip}, seed={seed})"
    before = x.copy()
    returned = fn(x, sigma, clip=clip, seed=seed)
    if not isinstance(returned, (tuple, list)) or len(returned) != 2:
        raise Wrong(f"{what} returned a {type(returned).__name__}, expected a pair (inputs, targets): "
                    "return inputs, targets")
    inputs, targets = (as_array(a, f"{what}'s {name}") for a, name in zip(returned, ("inputs", "targets")))
    if not np.array_equal(x, before):
        raise Wrong(f"{what} changed its input x in place; build the noisy copies as new arrays (x + noise)")
    for array, name in ((inputs, "inputs"), (targets, "targets")):
        expect_shape(array, x.shape, f"{what}'s {name}", "one noisy copy of each pixel")
        if not np.issubdtype(array.dtype, np.floating):
            raise Wrong(f"{what}'s {name} have dtype {array.dtype}, expected a float array like the images")
        if np.isnan(array).any():
            raise Wrong(f"{what}'s {name} hold NaN in {np.isnan(array).sum()} of their {array.size} values")
    return inputs.astype(np.float64), targets.astype(np.float64), what


def _correlation(a, b):
    a, b = a - a.mean(), b - b.mean()
    return float((a * b).mean() / np.sqrt((a**2).mean() * (b**2).mean()))


def _expect_noisy(noise, name, what):
    if np.abs(noise).max() < 1e-6:
        if name == "targets":
            raise Wrong(f"{what}'s targets are the clean images: Noise2Noise never sees a clean image; the target is "
                        "a second noisy copy, with its own noise draw")
        raise Wrong(f"{what}'s inputs are the clean images: the input is a noisy copy too")


def _expect_independent(noise_in, noise_target, what):
    correlation = _correlation(noise_in, noise_target)
    if correlation > 0.9:
        raise Wrong(f"{what}: the inputs' and the targets' noise are the same draw (correlation {correlation:.2f}): a "
                    "network trained to map a noisy image to itself learns the identity; draw the target's noise "
                    "separately (a second rng.standard_normal call from the same generator, not a second generator "
                    "with the same seed)")
    if abs(correlation) > CORRELATION_TOLERANCE:
        raise Wrong(f"{what}: the inputs' and the targets' noise are correlated ({correlation:.2f}), expected "
                    "independent draws: draw each copy's noise with its own rng.standard_normal(x.shape) call")


noise2noise_pairs = Exercise("noise2noise_pairs", LESSON)


@noise2noise_pairs.part(1, public=True)
def _pairs_unclipped(fn):
    """two noisy copies of x; with clip=False each adds noise of mean 0 and standard deviation sigma, independent draws"""
    x = _images(90, (40, 28, 28, 1))
    inputs, targets, what = _pairs(fn, x, 0.5, False, 3)
    noise_in, noise_target = inputs - x, targets - x
    _expect_noisy(noise_in, "inputs", what)
    _expect_noisy(noise_target, "targets", what)
    for noise, name in ((noise_in, "inputs"), (noise_target, "targets")):
        copy = noise + x
        if copy.min() >= 0 and copy.max() <= 1:
            raise Wrong(f"{what}'s {name} all lie in [0, 1]: they were clipped although clip=False; clip only when "
                        "clip is True")
        std, mean = noise.std(), noise.mean()
        if abs(std / 0.25 - 1) < STD_TOLERANCE:
            raise Wrong(f"{what}'s {name}' noise has standard deviation {std:.3f}, which is sigma**2: sigma is the "
                        "standard deviation, multiply N(0, 1) draws by sigma")
        if abs(std / 0.5 - 1) > STD_TOLERANCE:
            raise Wrong(f"{what}'s {name}' noise has standard deviation {std:.3f}, expected sigma = 0.5: add "
                        "sigma * rng.standard_normal(x.shape)")
        if abs(mean) > MEAN_TOLERANCE:
            raise Wrong(f"{what}'s {name}' noise has mean {mean:.3f}, expected 0: Noise2Noise needs zero-mean noise, "
                        "sigma * rng.standard_normal(x.shape)")
    _expect_independent(noise_in, noise_target, what)


@noise2noise_pairs.part(1, public=True)
def _pairs_clipped(fn):
    """with clip=True both copies lie in [0, 1], a black pixel's copies average m(0), the noises are independent"""
    x = _images(91, (60, 20, 20, 1))
    x[x < 0.5] = 0.0  # half the pixels black, like a garment's background
    sigma = 0.4
    inputs, targets, what = _pairs(fn, x, sigma, True, 11)
    for array, name in ((inputs, "inputs"), (targets, "targets")):
        if array.min() < 0 or array.max() > 1:
            raise Wrong(f"{what}'s {name} range from {array.min():.3f} to {array.max():.3f}, expected [0, 1]: with "
                        "clip=True clip both copies with np.clip(..., 0, 1)")
    _expect_noisy(targets - x, "targets", what)
    _expect_noisy(inputs - x, "inputs", what)
    expected = float(noise_models.clipped_noise_mean(0.0, sigma))
    black = x == 0
    for array, name in ((inputs, "inputs"), (targets, "targets")):
        got = float(array[black].mean())
        if abs(got - expected) > BLACK_MEAN_TOLERANCE:
            raise Wrong(f"{what}'s {name} average {got:.3f} on black pixels, expected m(0) = {expected:.3f}, the mean "
                        "of clip(0 + sigma * Z, 0, 1): add sigma * N(0, 1) noise, then clip")
    mean = noise_models.clipped_noise_mean(x, sigma)  # what each copy averages, pixel by pixel
    _expect_independent(inputs - mean, targets - mean, what)


@noise2noise_pairs.part(1)
def _pairs_seeded(fn):
    """the same seed gives the same pairs, another seed others; another sigma and float64 images"""
    x = _images(92, (6, 10, 10, 1), np.float64)
    first = _pairs(fn, x, 0.2, False, 7)
    again = _pairs(fn, x.copy(), 0.2, False, 7)
    other = _pairs(fn, x.copy(), 0.2, False, 8)
    what = first[2]
    if not (np.array_equal(first[0], again[0]) and np.array_equal(first[1], again[1])):
        raise Wrong(f"{what} gave different pairs for the same seed: draw both copies' noise from "
                    "rng = np.random.default_rng(seed)")
    if np.array_equal(first[0], other[0]) or np.array_equal(first[1], other[1]):
        raise Wrong(f"{what} gave the same noise for seeds 7 and 8: the seed is ignored; pass it to "
                    "np.random.default_rng(seed)")
    noise = np.concatenate([(first[0] - x).ravel(), (first[1] - x).ravel()])
    if abs(noise.std() / 0.2 - 1) > 0.1:  # 1,200 draws: standard error 0.02
        raise Wrong(f"{what}: the noise has standard deviation {noise.std():.3f}, expected sigma = 0.2: scale the "
                    "N(0, 1) draws by the sigma passed in, not a fixed 0.5")


two_point_posterior_mean = Exercise("two_point_posterior_mean", LESSON)


def _logistic(log_odds):
    return 0.5 * (1 + np.tanh(np.asarray(log_odds, dtype=np.float64) / 2))


def _posterior_mistakes(x_noisy, sigma, p_white):
    """What the common derivation mistakes give, each as the logistic function of a wrong log-odds."""
    x = np.asarray(x_noisy, dtype=np.float64)
    prior = np.log(p_white / (1 - p_white))
    right = prior + (x - 0.5) / sigma**2
    return {
        "that is the probability that the pixel is black, P(x = 0 | x_noisy); the mean of a pixel that is 0 or 1 is "
        "the probability that it is 1, P(x = 1 | x_noisy)": 1 - _logistic(right),
        "that is the most likely value, 0 or 1, a hard decision; the posterior mean weighs the two values by their "
        "probabilities, a smooth step": (right > 0).astype(np.float64),
        "the log-likelihood ratio is divided by sigma: each Gaussian's exponent is a square divided by 2 * sigma**2, "
        "so their difference is divided by a variance, not by a standard deviation": _logistic(prior + (x - 0.5) / sigma),
        "the log-likelihood ratio comes out half as large as it should: expand the two squares of the exponents "
        "again and simplify their difference": _logistic(prior + (x - 0.5) / (2 * sigma**2)),
        "the step sits at x_noisy = 0 instead of half-way between the two pixel values: expanding (x_noisy - 1)**2 "
        "leaves a constant term in the log-likelihood ratio; keep it": _logistic(prior + x / sigma**2),
        "p_white is ignored: Bayes' rule multiplies the likelihood ratio by the prior odds, p_white / (1 - p_white), "
        "so add their log to the log-odds": _logistic((x - 0.5) / sigma**2),
        "the prior odds are upside down: the odds of white are p_white / (1 - p_white), so a pixel that is white more "
        "often needs less evidence to be called white": _logistic(-prior + (x - 0.5) / sigma**2),
        "the prior enters as log(p_white): the log-odds take the log of the prior odds, "
        "log(p_white / (1 - p_white))": _logistic(np.log(p_white) + (x - 0.5) / sigma**2),
        "that is the logistic function of twice the log-odds t: in the tanh form, (1 + tanh(t / 2)) / 2, half the "
        "log-odds go inside the tanh; if you wrote the logistic function another way, check t itself, where each "
        "Gaussian's exponent is divided by 2 * sigma**2": _logistic(2 * right),
        "x_noisy is clipped to [0, 1] first: here nothing is clipped, and a noisy value below 0 or above 1 is "
        "stronger evidence than one at 0 or 1": _logistic(prior + (np.clip(x, 0, 1) - 0.5) / sigma**2),
    }


def _posterior(fn, x_noisy, sigma, p_white, what):
    got = as_array(fn(x_noisy, sigma) if p_white is None else fn(x_noisy, sigma, p_white=p_white), what)
    expect_shape(got, np.shape(x_noisy), what, "one posterior mean per value of x_noisy")
    return got


def _expect_default_prior(fn, got, x_noisy, sigma, what):
    """Without p_white, the answer must be its own answer for p_white=0.5."""
    half = as_array(fn(x_noisy, sigma, p_white=0.5), "two_point_posterior_mean(x_noisy, sigma, p_white=0.5)")
    if half.shape == got.shape and not np.allclose(np.asarray(got, np.float64), np.asarray(half, np.float64),
                                                   rtol=1e-6, atol=1e-9, equal_nan=True):
        raise Wrong(f"{what} differs from the same call with p_white=0.5: p_white defaults to 0.5, "
                    "def two_point_posterior_mean(x_noisy, sigma, p_white=0.5)")


def _expect_posterior(fn, x_noisy, sigma, p_white, rtol=1e-5, atol=1e-6, got=None):
    """``fn``'s answer (``got``, if the caller already has it) against the reference, naming the likely mistake."""
    what = (f"two_point_posterior_mean(x_noisy, sigma={sigma})" if p_white is None
            else f"two_point_posterior_mean(x_noisy, sigma={sigma}, p_white={p_white})")
    got = _posterior(fn, x_noisy, sigma, p_white, what) if got is None else got
    p = 0.5 if p_white is None else p_white
    expected = generation.two_point_posterior_mean(np.asarray(x_noisy, dtype=np.float64), sigma, p)
    if p_white is None:
        _expect_default_prior(fn, got, x_noisy, sigma, what)
    expect_close(got, expected, what, rtol=rtol, atol=atol, likely=_posterior_mistakes(x_noisy, sigma, p),
                 otherwise="Bayes' rule: P(x = 1 | x_noisy) = p_white N(x_noisy; 1, sigma**2) / (p_white N(x_noisy; "
                           "1, sigma**2) + (1 - p_white) N(x_noisy; 0, sigma**2)); write its log-odds first")


@two_point_posterior_mean.part(1, public=True)
def _posterior_by_bayes(fn):
    """with sigma 0.4, for equal chances and for a pixel white one time in four: the logistic function of the posterior log-odds"""
    x_noisy = np.linspace(-1.0, 2.0, 60)  # (not 0.5, where a hard decision's > and >= differ)
    _expect_posterior(fn, x_noisy, 0.4, None)
    _expect_posterior(fn, x_noisy, 0.4, 0.25)


@two_point_posterior_mean.part(1, public=True)
def _posterior_without_overflow(fn):
    """with weak noise (sigma 0.05) and values far from 0 and 1: finite numbers in [0, 1], where both densities underflow"""
    sigma, p_white = 0.05, 0.3
    x_noisy = np.linspace(-5.0, 6.0, 1101)
    what = f"two_point_posterior_mean(x_noisy, sigma={sigma}, p_white={p_white}) for x_noisy from -5 to 6"
    with np.errstate(all="ignore"):
        got = _posterior(fn, x_noisy, sigma, p_white, what).astype(np.float64)
    bad = ~np.isfinite(got)
    if bad.any():
        first = float(x_noisy[np.argmax(bad)])
        found = f"{what} is {got[np.argmax(bad)]} at x_noisy = {first:g} (and {bad.sum() - 1} more values)"
        if bad[0]:  # far below 0, where the log-odds are very negative: nothing overflows, both densities underflow
            raise Wrong(f"{found}: there both Gaussian densities, exp(-(x_noisy - 1)**2 / (2 * sigma**2)) and "
                        "exp(-x_noisy**2 / (2 * sigma**2)), are too small for a float and round to 0, so their ratio is "
                        "0/0; compute the log-odds t, which never underflows, and return the logistic function of t, "
                        "(1 + tanh(t / 2)) / 2")
        raise Wrong(f"{found}, only where x_noisy is large: there the log-odds t are large, exp(t) overflows to inf, and "
                    "exp(t) / (1 + exp(t)) is inf / inf; write the logistic function as 1 / (1 + exp(-t)) or, with no "
                    "overflow at all, (1 + tanh(t / 2)) / 2")
    if got.min() < 0 or got.max() > 1:
        raise Wrong(f"{what} ranges from {got.min():.4g} to {got.max():.4g}: a probability lies in [0, 1]")
    _expect_posterior(fn, x_noisy, sigma, p_white, got=got)


@two_point_posterior_mean.part(1)
def _posterior_of_another_pixel(fn):
    """another noise level and prior, float32 values of any shape, and p_white = 0.5 when it is not given"""
    x_noisy = rng(97).normal(0.5, 0.6, (3, 5, 7)).astype(np.float32)
    _expect_posterior(fn, x_noisy, 0.2, 0.8, atol=1e-5)
    _expect_posterior(fn, x_noisy, 0.2, None, atol=1e-5)


tweedie_score = Exercise("tweedie_score", LESSON)


def _shrinkage(mean, signal_variance, sigma):
    """The posterior mean E[x | x_noisy] for x ~ N(mean, signal_variance) per pixel and x_noisy = x + sigma Z."""
    gain = signal_variance / (signal_variance + sigma**2)
    return lambda x_noisy: mean + gain * (np.asarray(x_noisy) - mean)


def _score_mistakes(expected, sigma):
    return {
        "the sign is flipped: the score is (denoiser(x_noisy) - x_noisy) / sigma**2, pointing from the noisy image "
        "towards the denoised one": -expected,
        "that is divided by sigma: divide by the variance, sigma**2": expected * sigma,
        "the division by sigma**2 is missing": expected * sigma**2,
        "that is divided by 2 * sigma**2: Tweedie's formula divides by sigma**2 alone": expected / 2,
    }


@tweedie_score.part(1, public=True)
def _score_of_gaussian_data(fn):
    """for Gaussian images and their exact denoiser, the score of the noisy images, -(x_noisy - mean) / (s**2 + sigma**2)"""
    # sigma 0.4, not 0.5: at 0.5, 2 * sigma**2 equals sigma, and two mistakes would give one number
    mean, signal_variance, sigma = 0.3, 0.04, 0.4
    x_noisy = (mean + np.sqrt(signal_variance + sigma**2) * rng(93).standard_normal((6, 28, 28, 1))).astype(np.float32)
    expected = -(x_noisy.astype(np.float64) - mean) / (signal_variance + sigma**2)  # the exact score of p_sigma
    what = "tweedie_score(denoiser, x_noisy, sigma=0.4)"
    got = as_array(fn(_shrinkage(mean, signal_variance, sigma), x_noisy, sigma), what)
    expect_shape(got, x_noisy.shape, what, "one score per pixel")
    expect_close(got, expected, what, rtol=1e-4, atol=1e-5, likely=_score_mistakes(expected, sigma),
                 otherwise="solve Tweedie's formula, E[x | x_noisy] = x_noisy + sigma**2 * score, for the score, with "
                           "denoiser(x_noisy) in place of E[x | x_noisy]")


@tweedie_score.part(1)
def _score_of_another_denoiser(fn):
    """another denoiser, noise level and shape"""
    sigma = 0.3
    x_noisy = rng(94).normal(0.4, 0.5, (3, 5, 7))
    denoiser = lambda x: 0.5 + 0.4 * np.tanh(np.asarray(x) - 0.5)  # noqa: E731
    expected = generation.tweedie_score(denoiser, x_noisy, sigma)
    what = "tweedie_score(denoiser, x_noisy, sigma=0.3)"
    got = as_array(fn(denoiser, x_noisy, sigma), what)
    expect_shape(got, x_noisy.shape, what, "one score per pixel")
    expect_close(got, expected, what, rtol=1e-4, atol=1e-6, likely=_score_mistakes(expected, sigma),
                 otherwise="solve Tweedie's formula, E[x | x_noisy] = x_noisy + sigma**2 * score, for the score, "
                           "with the sigma passed in and denoiser(x_noisy) in place of E[x | x_noisy]")


langevin_sample = Exercise("langevin_sample", LESSON)


def _zero_score(x):
    return np.zeros_like(np.asarray(x))


def _sample(fn, score, x_start, step_size, steps, seed, what, keeps_input=False):
    """The student's samples; with ``keeps_input`` (one part's worth), also that x_start is left as it was."""
    given = x_start.copy()
    got = as_array(fn(score, given, step_size, steps, seed=seed), what)
    if keeps_input and not np.array_equal(given, x_start):
        raise Wrong(f"{what} changed x_start in place (x = x_start, then x += ..., updates the caller's array: the "
                    "figure's start row would show the end): start from a copy, x = np.array(x_start, dtype=np.float32)")
    expect_shape(got, x_start.shape, what, "one value per pixel of x_start")
    return got


@langevin_sample.part(1, public=True)
def _noise_steps(fn):
    """steps=0 returns x_start; with a zero score each step adds sqrt(2 * step_size) * z, z from default_rng(seed); float32; x_start is left unchanged"""
    x_start = _images(95, (4, 6, 6, 1))
    what = "langevin_sample(score, x_start, step_size=0.01, steps=0, seed=1)"
    expect_close(_sample(fn, _zero_score, x_start, 0.01, 0, 1, what), x_start, what, rtol=1e-6, atol=1e-6,
                 otherwise="with steps=0 nothing happens: run exactly `steps` updates and return x")
    expected = generation.langevin_sample(_zero_score, x_start, 0.01, 5, seed=2)
    one_step = generation.langevin_sample(_zero_score, x_start, 0.01, 1, seed=2)
    what = "langevin_sample(zero score, x_start, step_size=0.01, steps=5, seed=2)"
    moved = expected.astype(np.float64) - x_start
    draws32 = rng(2)
    float32_draws = x_start + sum(np.sqrt(0.02) * draws32.standard_normal(x_start.shape, dtype=np.float32) for _ in range(5))
    got = _sample(fn, _zero_score, x_start, 0.01, 5, 2, what, keeps_input=True)
    expect_close(got, expected, what, rtol=1e-5, atol=1e-5, likely={
        "x did not move: the noise term sqrt(2 * step_size) * z is missing; without it the steps climb to a peak "
        "of the density and stop there, they do not sample": x_start,
        "the noise is scaled by sqrt(step_size): Langevin's is sqrt(2 * step_size)": x_start + moved / np.sqrt(2),
        "the noise is scaled by step_size: Langevin's is sqrt(2 * step_size)": x_start + moved * 0.01 / np.sqrt(0.02),
        "every step adds the same z: create rng = np.random.default_rng(seed) once, before the loop, and draw a new "
        "z each step": x_start + 5 * (one_step.astype(np.float64) - x_start),
        "z is drawn as float32 (standard_normal(..., dtype=np.float32)), which gives other numbers than the float64 "
        "draws the steps are defined with: draw z = rng.standard_normal(x.shape)": float32_draws,
    }, otherwise="create rng = np.random.default_rng(seed) once, then each step draw z = rng.standard_normal(x.shape) "
                 "and add sqrt(2 * step_size) * z")
    if got.dtype != np.float32:
        raise Wrong(f"{what} returned dtype {got.dtype}, expected float32, the images' dtype: the float64 noise "
                    "(and score) make x float64; cast it back with x.astype(np.float32)")


def _mistaken(score, x_start, step_size, steps, seed, mistake):
    random = rng(seed)
    x = np.array(x_start, dtype=np.float32)
    for _ in range(steps):
        z = np.sqrt(2 * step_size) * random.standard_normal(x.shape)
        if mistake == "down":
            x = x - step_size * np.asarray(score(x)) + z
        elif mistake == "score at the start":
            x = x + step_size * np.asarray(score(np.array(x_start, dtype=np.float32))) + z
        elif mistake == "half the drift":
            x = x + 0.5 * step_size * np.asarray(score(x)) + z
        else:  # the noise first, the score at the noised x
            x = x + z
            x = x + step_size * np.asarray(score(x))
        x = x.astype(np.float32)
    return x


def _compare_runs(fn, score, x_start, step_size, steps, seed, what):
    expected = generation.langevin_sample(score, x_start, step_size, steps, seed=seed)
    got = _sample(fn, score, x_start, step_size, steps, seed, what)
    expect_close(got, expected, what, rtol=1e-4, atol=1e-4, likely={
        "the steps go down the score: x + step_size * score(x) climbs the log-density, x - ... descends it":
            _mistaken(score, x_start, step_size, steps, seed, "down"),
        "the score is taken after the noise is added: take score(x) at the current x, then add the noise":
            _mistaken(score, x_start, step_size, steps, seed, "noise first"),
        "the score is taken once, at x_start: take score(x) at the current x in every step":
            _mistaken(score, x_start, step_size, steps, seed, "score at the start"),
        "the score term is halved: with noise sqrt(2 * step_size) * z the step moves by step_size * score(x), "
        "not 0.5 * step_size * score(x)": _mistaken(score, x_start, step_size, steps, seed, "half the drift"),
        "one step too few: run exactly `steps` updates":
            generation.langevin_sample(score, x_start, step_size, steps - 1, seed=seed),
        "one step too many: run exactly `steps` updates":
            generation.langevin_sample(score, x_start, step_size, steps + 1, seed=seed),
    }, otherwise="each step: x + step_size * score(x) + sqrt(2 * step_size) * rng.standard_normal(x.shape)")


@langevin_sample.part(1, public=True)
def _gaussian_score_steps(fn):
    """the steps follow a Gaussian's score: x + step_size * score(x), then the noise"""
    mean, variance = 0.4, 0.3
    score = lambda x: -(np.asarray(x) - mean) / variance  # noqa: E731
    _compare_runs(fn, score, _images(96, (3, 8, 8, 1)) * 2 - 0.5, 0.05, 6, 4,
                  "langevin_sample(Gaussian score, x_start, step_size=0.05, steps=6, seed=4)")


@langevin_sample.part(1)
def _samples_follow_the_density(fn):
    """started far away, many steps on a Gaussian's score end distributed as that Gaussian"""
    mean, variance = -1.0, 0.5
    score = lambda x: -(np.asarray(x) - mean) / variance  # noqa: E731
    x_start = np.full((4000, 1), 3.0, dtype=np.float32)
    what = "langevin_sample(Gaussian score, 4,000 chains from 3.0, step_size=0.02, steps=400, seed=5)"
    _compare_runs(fn, score, x_start[:50], 0.02, 20, 6, "langevin_sample(Gaussian score, step_size=0.02, steps=20)")
    got = _sample(fn, score, x_start, 0.02, 400, 5, what).astype(np.float64)
    # 400 steps of 0.02 shrink the start's offset by (1 - 0.04)**400 < 1e-7; the discretisation inflates the
    # variance by 2% ((1 - step / (2 variance))**-1); 4,000 chains: standard errors 0.011 (mean) and 2.2% (variance)
    if abs(got.mean() - mean) > 0.1 or abs(got.var() / variance - 1) > 0.15:
        raise Wrong(f"{what} ends with mean {got.mean():.3f} and variance {got.var():.3f}, expected about {mean} "
                    f"and {variance}: each step is x + step_size * score(x) + sqrt(2 * step_size) * z")
