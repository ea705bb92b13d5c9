"""Lesson 2, noise models: the three corruptions, psnr and clipped_noise_stats."""

from unittest import mock

import numpy as np

from autograder.core import Exercise, Wrong, as_array, as_number, expect_close, expect_shape
from dae_reference import evaluate, noise

LESSON = "02_noise_models"
rng = np.random.default_rng


def _images(seed, shape=(8, 28, 28, 1)):
    return rng(seed).random(shape, dtype=np.float32)


def _corrupted(fn, what, *args, **kwargs):
    """The student's corruption of ``args``, as an array of numbers."""
    out = as_array(fn(*args, **kwargs), what)
    if np.issubdtype(out.dtype, np.floating) and np.isnan(out).any():
        raise Wrong(f"{what} returned NaN in {np.isnan(out).sum()} of its {out.size} values, where noisy pixels were expected")
    return out


def _same_shape_and_untouched(fn, what, **kwargs):
    x = _images(20)
    before = x.copy()
    out = _corrupted(fn, what, x, **kwargs, seed=0)
    expect_shape(out, x.shape, what)
    if not np.issubdtype(out.dtype, np.floating):
        raise Wrong(f"{what} returned dtype {out.dtype}, expected a float array")
    if not np.array_equal(x, before):
        raise Wrong(f"{what} changed its input x; corrupt a copy (x + noise, np.where(...)) instead")
    return out


def _reproducible(fn, what, **kwargs):
    x = _images(21, (4, 6, 6, 1))
    first, again = (_corrupted(fn, what, x, **kwargs, seed=7) for _ in range(2))
    other = _corrupted(fn, what, x, **kwargs, seed=8)
    if not np.array_equal(first, again):
        raise Wrong(f"{what} gave different results for the same seed: draw from np.random.default_rng(seed)")
    if np.array_equal(first, other):
        raise Wrong(f"{what} gave the same result for seeds 7 and 8: is the seed used?")


add_gaussian_noise = Exercise("add_gaussian_noise", LESSON)


@add_gaussian_noise.part(1, public=True)
def _gaussian_shape(fn):
    """returns a float array of the input's shape in [0, 1] and leaves the input alone"""
    out = _same_shape_and_untouched(fn, "add_gaussian_noise(x, sigma=0.5, seed=0)", sigma=0.5)
    if out.min() < 0 or out.max() > 1:
        raise Wrong(f"values range from {out.min():.3f} to {out.max():.3f}, expected [0, 1]: clip with np.clip(..., 0, 1)")


@add_gaussian_noise.part(1, public=True)
def _gaussian_std(fn):
    """the noise has mean 0 and standard deviation sigma before clipping"""
    grey = np.full((20, 28, 28, 1), 0.5, dtype=np.float32)
    for sigma in (0.1, 0.3):
        what = f"add_gaussian_noise(x, sigma={sigma}, clip=False)"
        added = _corrupted(fn, what, grey, sigma=sigma, seed=1, clip=False) - grey
        std, mean = float(added.std()), float(added.mean())
        if abs(std - sigma) > 0.05 * sigma:
            hint = "did you scale N(0, 1) by sigma**2 (the variance) instead of sigma?" if abs(std - sigma**2) < 0.05 * sigma else "did you scale N(0, 1) by sigma?"
            raise Wrong(f"with sigma={sigma} the noise has std {std:.3f}, expected about {sigma}: {hint}")
        if abs(mean) > 0.02:
            raise Wrong(f"with sigma={sigma} the noise has mean {mean:.3f}, expected about 0: use a normal distribution centred on 0")


@add_gaussian_noise.part(1)
def _gaussian_clip_switch(fn):
    """clip=True (the default) clips to [0, 1], clip=False does not"""
    black = np.zeros((4, 28, 28, 1), dtype=np.float32)
    clipped = _corrupted(fn, "add_gaussian_noise(x, sigma=0.5)", black, sigma=0.5, seed=2)
    raw = _corrupted(fn, "add_gaussian_noise(x, sigma=0.5, clip=False)", black, sigma=0.5, seed=2, clip=False)
    if clipped.min() < 0:
        raise Wrong("with the default clip=True the result has negative values: clip unless clip=False")
    if raw.min() >= 0:
        raise Wrong("with clip=False on a black image no value is below 0: clip only when clip=True")


@add_gaussian_noise.part(1)
def _gaussian_seed(fn):
    """the same seed gives the same noise, another seed other noise"""
    _reproducible(fn, "add_gaussian_noise(x, sigma=0.5, seed=7)", sigma=0.5)


add_masking_noise = Exercise("add_masking_noise", LESSON)


def _check_masked_fraction(fn, fraction, seed):
    ones = np.ones((40, 28, 28, 1), dtype=np.float32)
    what = f"add_masking_noise(x, fraction={fraction})"
    out = _corrupted(fn, what, ones, fraction=fraction, seed=seed)
    zeroed = float(np.mean(out == 0))
    if abs(zeroed - fraction) > 0.02:
        hint = ": you kept `fraction` of the pixels instead of zeroing them" if abs(zeroed - (1 - fraction)) < 0.02 else ""
        raise Wrong(f"{what} set {zeroed:.3f} of the pixels to 0, expected about {fraction}{hint}")
    if not np.all((out == 0) | (out == 1)):
        raise Wrong(f"{what} changed pixels it did not mask: the others must keep their value")


@add_masking_noise.part(1, public=True)
def _masking_fraction(fn):
    """zeroes about `fraction` of the pixels and keeps the others"""
    _same_shape_and_untouched(fn, "add_masking_noise(x, fraction=0.3, seed=0)", fraction=0.3)
    _check_masked_fraction(fn, 0.3, seed=3)


@add_masking_noise.part(1)
def _masking_other_fractions(fn):
    """fractions 0, 0.1, 0.75 and 1"""
    for fraction in (0.1, 0.75):
        _check_masked_fraction(fn, fraction, seed=4)
    x = _images(22, (3, 5, 5, 1))
    for fraction, expected in ((0.0, x), (1.0, np.zeros_like(x))):
        what = f"add_masking_noise(x, fraction={fraction:g})"
        expect_close(_corrupted(fn, what, x, fraction=fraction, seed=5), expected, what)


@add_masking_noise.part(1)
def _masking_seed(fn):
    """the same seed gives the same mask, another seed another mask"""
    _reproducible(fn, "add_masking_noise(x, fraction=0.5, seed=7)", fraction=0.5)


add_salt_and_pepper_noise = Exercise("add_salt_and_pepper_noise", LESSON)


def _check_salt_and_pepper(fn, fraction, seed):
    grey = np.full((40, 28, 28, 1), 0.5, dtype=np.float32)
    what = f"add_salt_and_pepper_noise(x, fraction={fraction})"
    out = _corrupted(fn, what, grey, fraction=fraction, seed=seed)
    changed = out != 0.5
    if abs(changed.mean() - fraction) > 0.02:
        raise Wrong(f"{what} changed {changed.mean():.3f} of the pixels, expected about {fraction}")
    if not np.all((out[changed] == 0) | (out[changed] == 1)):
        raise Wrong(f"{what} set pixels to values other than 0 and 1")
    salt = float(np.mean(out[changed] == 1)) if changed.any() else 0.5
    if abs(salt - 0.5) > 0.06:
        raise Wrong(f"{what}: {salt:.2f} of the corrupted pixels are white (1), expected about half, the other half black")


@add_salt_and_pepper_noise.part(1, public=True)
def _salt_and_pepper_fraction(fn):
    """sets about `fraction` of the pixels to 0 or 1, half each"""
    _same_shape_and_untouched(fn, "add_salt_and_pepper_noise(x, fraction=0.2, seed=0)", fraction=0.2)
    _check_salt_and_pepper(fn, 0.2, seed=3)


@add_salt_and_pepper_noise.part(1)
def _salt_and_pepper_other_fractions(fn):
    """fractions 0.05, 0.5 and 0"""
    for fraction in (0.05, 0.5):
        _check_salt_and_pepper(fn, fraction, seed=4)
    x = _images(23, (3, 5, 5, 1))
    what = "add_salt_and_pepper_noise(x, fraction=0)"
    expect_close(_corrupted(fn, what, x, fraction=0.0, seed=5), x, what)


@add_salt_and_pepper_noise.part(1)
def _salt_and_pepper_seed(fn):
    """the same seed gives the same corruption, another seed another"""
    _reproducible(fn, "add_salt_and_pepper_noise(x, fraction=0.5, seed=7)", fraction=0.5)


psnr = Exercise("psnr", LESSON)


@psnr.part(1, public=True)
def _psnr_of_images(fn):
    """10 log10(data_range^2 / MSE) in dB for images in [0, 1]"""
    x, y = _images(24), _images(25)
    m = evaluate.mse(x, y)
    got = as_number(fn(x, y), "psnr(x, y)")
    expect_close(got, evaluate.psnr(x, y), "psnr(x, y)", rtol=1e-4, likely={
        "that is 20 log10(1 / MSE): use 10 log10 with the MSE, or 20 log10 with the RMSE": 20 * np.log10(1 / m),
        "that is the natural log; use log10": 10 * np.log(1 / m),
        "the sign is flipped: it is data_range^2 over the MSE": 10 * np.log10(m),
    })


@psnr.part(1)
def _psnr_data_range(fn):
    """uses data_range (255 for 8-bit images); identical images give inf"""
    x = rng(26).integers(0, 256, (4, 10, 10)).astype(np.float64)
    y = np.clip(x + rng(27).normal(0, 20, x.shape), 0, 255)
    got = as_number(fn(x, y, data_range=255.0), "psnr(x, y, data_range=255)")
    expect_close(got, evaluate.psnr(x, y, 255.0), "psnr(x, y, data_range=255)", rtol=1e-4)
    same = as_number(fn(x, x.copy(), data_range=255.0), "psnr(x, x)")
    if not same >= 100:
        raise Wrong(f"psnr(x, x) of identical images is {same:.4g}, expected inf (no error at all)")


clipped_noise_stats = Exercise("clipped_noise_stats", LESSON)


def _compare_stats(fn, x, sigma, keys):
    what = f"clipped_noise_stats(x, sigma={sigma})"
    # Graded with a correct add_gaussian_noise, so that a mistake there is not counted twice.
    with mock.patch.dict(fn.__globals__, {"add_gaussian_noise": noise.add_gaussian_noise}):
        got = fn(x, sigma)
    if not isinstance(got, dict) or not set(keys) <= set(got):
        raise Wrong(f"{what} should return a dict with keys {sorted(keys)}, got {got!r:.80}")
    expected = noise.clipped_noise_stats(x, sigma)
    for key in keys:
        value = as_number(got[key], f"{what}[{key!r}]")
        if abs(value - expected[key]) > 0.01:
            raise Wrong(f"{what}[{key!r}] is {value:.4f}, expected about {expected[key]:.4f}: the effective noise is "
                        "add_gaussian_noise(x, sigma) - x, after clipping")


@clipped_noise_stats.part(1, public=True)
def _stats_on_black(fn):
    """on a black image the clipped noise has a positive mean (about +0.2 for sigma 0.5)"""
    _compare_stats(fn, np.zeros((40, 28, 28, 1), dtype=np.float32), 0.5, ["mean", "std", "mean_on_black"])


@clipped_noise_stats.part(1)
def _stats_on_mixed_images(fn):
    """on images with black, grey and white pixels, for two noise levels"""
    x = np.zeros((100, 28, 28, 1), dtype=np.float32)
    x[:, 7:21] = 0.5
    x[:, 21:] = 1.0
    for sigma in (0.2, 0.8):
        _compare_stats(fn, x, sigma, ["mean", "std", "mean_on_black"])
