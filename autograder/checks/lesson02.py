"""Lesson 2, noise models: the three corruptions, psnr and the mean of clipped noise."""

import statistics

import numpy as np

from autograder.core import Exercise, Wrong, as_array, as_number, expect_close, expect_shape, neighbour_correlation
from dae_reference import evaluate, noise

LESSON = "02_noise_models"
rng = np.random.default_rng

# Quantiles at which the added noise is compared with a normal distribution's.
QUANTILES = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)
# On 31,360 draws (40 images of 28x28) the standard error of a standardised
# quantile is at most 0.021 (at 1% and 99%) and that of the excess kurtosis
# 0.028; uniform noise differs from normal noise by 0.63 at the 99% quantile
# and by 1.2 in kurtosis. The tolerances sit well between the two.
QUANTILE_TOLERANCE = 0.15
KURTOSIS_TOLERANCE = 0.3
# The correlation of one image's added noise with the next image's, averaged over the 39 pairs of 40 grey images:
# with the reference (seeds 0 to 299, sigma 0.3 and 0.1) it lay within 0.02 of 0; the same noise in every image
# gives 1. The bound sits far between the two.
SAME_NOISE_CORRELATION = 0.5


def _images(seed, shape=(8, 28, 28, 1)):
    return rng(seed).random(shape, dtype=np.float32)


def _corrupted(fn, what, *args, **kwargs):
    """The student's corruption of ``args``, as an array of numbers."""
    out = as_array(fn(*args, **kwargs), what)
    if np.issubdtype(out.dtype, np.floating) and np.isnan(out).any():
        raise Wrong(f"{what} returned NaN in {np.isnan(out).sum()} of its {out.size} values, where noisy pixels were expected")
    return out


def _expect_untouched(x, before, what):
    if not np.array_equal(x, before):
        raise Wrong(f"{what} changed its input x in place; corrupt a copy (x + noise, np.where(...)) instead")


def _same_shape_and_untouched(fn, what, **kwargs):
    x = _images(20)
    before = x.copy()
    out = _corrupted(fn, what, x, **kwargs, seed=0)
    _expect_untouched(x, before, what)
    expect_shape(out, x.shape, what)
    if not np.issubdtype(out.dtype, np.floating):
        raise Wrong(f"{what} returned dtype {out.dtype}, expected a float array like the images")
    return out


def _reproducible(fn, what, **kwargs):
    """Seeds 7, 7 and 8, each on a fresh copy of the images, so that a function that changes its input is named as such."""
    x = _images(21, (4, 6, 6, 1))
    outputs = []
    for seed in (7, 7, 8):
        copy = x.copy()
        outputs.append(_corrupted(fn, what, copy, **kwargs, seed=seed))
        _expect_untouched(copy, x, what)
    first, again, other = outputs
    if not np.array_equal(first, again):
        raise Wrong(f"{what} gave different results for the same seed: draw from np.random.default_rng(seed)")
    if np.array_equal(first, other):
        raise Wrong(f"{what} gave the same result for seeds 7 and 8: the seed is ignored; pass it to np.random.default_rng(seed)")


add_gaussian_noise = Exercise("add_gaussian_noise", LESSON)


@add_gaussian_noise.part(1, public=True)
def _gaussian_shape(fn):
    """returns a float array of the input's shape in [0, 1] and leaves the input alone"""
    out = _same_shape_and_untouched(fn, "add_gaussian_noise(x, sigma=0.5, seed=0)", sigma=0.5)
    if out.min() < 0 or out.max() > 1:
        raise Wrong(f"values range from {out.min():.3f} to {out.max():.3f}, expected [0, 1]: with clip=True (the default) "
                    "clip with np.clip(..., 0, 1)")


@add_gaussian_noise.part(1, public=True)
def _gaussian_distribution(fn):
    """with clip=False the added noise is sigma * N(0, 1): mean 0, standard deviation sigma, a normal distribution, new in every image"""
    grey = np.full((40, 28, 28, 1), 0.5, dtype=np.float32)
    for sigma in (0.3, 0.1):
        _check_added_noise(fn, grey, sigma)


def _check_added_noise(fn, grey, sigma):
    what = f"add_gaussian_noise(x, sigma={sigma}, clip=False)"
    out = _corrupted(fn, what, grey.copy(), sigma=sigma, seed=1, clip=False)
    expect_shape(out, grey.shape, what)
    at_the_bounds = float(np.mean((out == 0) | (out == 1)))  # unclipped normal noise never lands exactly on 0 or 1
    if at_the_bounds > 0.001:
        raise Wrong(f"{what} on a grey image set {at_the_bounds:.1%} of the pixels to exactly 0 or 1, as clipping does: "
                    "clip is ignored; clip only when clip is true")
    added = out.astype(np.float64) - 0.5
    mean, std = float(added.mean()), float(added.std())
    if abs(mean) > 0.1 * sigma:
        hint = ("np.random.normal's first argument is the mean (loc): pass sigma as the scale" if abs(mean - sigma) < 0.1 * sigma
                else "use a normal distribution centred on 0")
        raise Wrong(f"with sigma={sigma} the added noise has mean {mean:.3f}, expected about 0: {hint}")
    if abs(std - sigma) > 0.05 * sigma:
        if abs(std - sigma**2) < 0.05 * sigma:
            hint = "you scaled N(0, 1) by sigma**2, the variance; scale it by sigma, the standard deviation"
        elif abs(std - 1) < 0.05:
            hint = "the noise is not scaled: multiply N(0, 1) by sigma"
        elif abs(std - sigma / np.sqrt(3)) < 0.05 * sigma:
            hint = "that is uniform noise on [-sigma, sigma]; draw normal noise, sigma * N(0, 1)"
        else:
            hint = "the added noise must be sigma * N(0, 1)"
        raise Wrong(f"with sigma={sigma} the added noise has standard deviation {std:.3f}, expected about {sigma}: {hint}")
    _expect_normal_shape(added, sigma)
    _expect_new_noise_per_image(added, what)


def _expect_new_noise_per_image(added, what):
    """Each image's noise is drawn anew: noise of one image's shape, broadcast over the batch, is not."""
    correlation = neighbour_correlation(added)
    if correlation > SAME_NOISE_CORRELATION:
        raise Wrong(f"{what}: every image got the same noise (the noise of consecutive images is correlated "
                    f"{correlation:.2f}, expected about 0): draw noise of the shape of x, not of one image")


def _expect_normal_shape(added, sigma):
    """The right mean and std are not enough: the noise must be normal (uniform noise scaled to std sigma is not)."""
    z = (added - added.mean()) / added.std()
    kurtosis = float(np.mean(z**4) - 3)
    normal = np.array([statistics.NormalDist().inv_cdf(q) for q in QUANTILES])
    worst = float(np.max(np.abs(np.quantile(z, QUANTILES) - normal)))
    if abs(kurtosis) > KURTOSIS_TOLERANCE or worst > QUANTILE_TOLERANCE:
        looks = " (it looks uniform: rng.random or rng.uniform)" if abs(kurtosis + 1.2) < KURTOSIS_TOLERANCE else ""
        raise Wrong(f"with sigma={sigma} the added noise has mean 0 and std {sigma} but is not normally distributed: "
                    f"its excess kurtosis is {kurtosis:+.2f} where a normal distribution has 0{looks}; "
                    "draw it with rng.standard_normal or rng.normal")


@add_gaussian_noise.part(1, public=True)
def _gaussian_seed(fn):
    """the same seed gives the same noise, another seed other noise"""
    _reproducible(fn, "add_gaussian_noise(x, sigma=0.5, seed=7)", sigma=0.5)


@add_gaussian_noise.part(1)
def _gaussian_clip_default_and_zero(fn):
    """clip=True is the default; sigma=0 gives the images back"""
    black = np.zeros((4, 28, 28, 1), dtype=np.float32)
    clipped = _corrupted(fn, "add_gaussian_noise(x, sigma=0.5)", black.copy(), sigma=0.5, seed=2)
    if clipped.min() < 0:
        raise Wrong("with the default clip=True the result has negative values: clip unless clip=False")
    x = _images(26, (3, 9, 9, 1))
    what = "add_gaussian_noise(x, sigma=0)"
    expect_close(_corrupted(fn, what, x.copy(), sigma=0.0, seed=3), x, what, atol=1e-7,
                 otherwise="with sigma 0 there is no noise: the images must come back unchanged")


add_masking_noise = Exercise("add_masking_noise", LESSON)


def _check_masked_fraction(fn, fraction, seed):
    x = 0.1 + 0.9 * _images(100 + seed, (40, 28, 28, 1))  # no pixel is 0 before masking
    what = f"add_masking_noise(x, fraction={fraction})"
    out = _corrupted(fn, what, x.copy(), fraction=fraction, seed=seed)
    expect_shape(out, x.shape, what)
    zeroed = float(np.mean(out == 0))
    if abs(zeroed - fraction) > 0.02:
        if abs(zeroed - (1 - fraction)) < 0.02:
            hint = ": you zeroed 1 - fraction of the pixels (kept `fraction` of them instead of zeroing them)"
        elif abs(zeroed - 0.5) < 0.02:
            hint = ": about half of the pixels are zeroed whatever `fraction` is; zero where rng.random(x.shape) < fraction"
        elif zeroed < 0.005:
            hint = ": a masked pixel must become 0 (not NaN, not another value)"
        else:
            hint = ": each pixel is zeroed with probability `fraction`"
        raise Wrong(f"{what} set {zeroed:.3f} of the pixels to 0, expected about {fraction}{hint}")
    kept = out != 0
    if not np.allclose(out[kept], x[kept], rtol=1e-6, atol=1e-7):
        raise Wrong(f"{what} changed pixels it did not mask: the others must keep their value (np.where(mask, 0, x))")
    masked = ~kept.reshape(len(out), -1)
    if (masked == masked[0]).all():
        raise Wrong(f"{what} masks the same pixels in every image: draw the mask for the whole batch, "
                    "rng.random(x.shape) < fraction, not one mask of an image's shape")
    counts = masked.sum(axis=1)
    if (counts == counts[0]).all():  # independent pixels give binomial counts: a spread of about 13 here
        raise Wrong(f"{what} masks exactly {counts[0]} pixels in every image, a fixed count (the 2008 paper's "
                    "masking): here each pixel is zeroed independently with probability `fraction`, so the count "
                    "varies from image to image; zero where rng.random(x.shape) < fraction")


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
    for fraction, expected, hint in ((0.0, x, "with fraction 0 no pixel is masked: the images must come back unchanged"),
                                     (1.0, np.zeros_like(x), "with fraction 1 every pixel is masked: all must be 0")):
        what = f"add_masking_noise(x, fraction={fraction:g})"
        expect_close(_corrupted(fn, what, x.copy(), fraction=fraction, seed=5), expected, what, otherwise=hint)


@add_masking_noise.part(1, public=True)
def _masking_seed(fn):
    """the same seed gives the same mask, another seed another mask"""
    _reproducible(fn, "add_masking_noise(x, fraction=0.5, seed=7)", fraction=0.5)


add_salt_and_pepper_noise = Exercise("add_salt_and_pepper_noise", LESSON)


def _check_salt_and_pepper(fn, fraction, seed):
    grey = np.full((40, 28, 28, 1), 0.5, dtype=np.float32)
    what = f"add_salt_and_pepper_noise(x, fraction={fraction})"
    out = _corrupted(fn, what, grey.copy(), fraction=fraction, seed=seed)
    expect_shape(out, grey.shape, what)
    changed = out != 0.5
    share = float(changed.mean())
    if abs(share - fraction) > 0.02:
        if abs(share - fraction / 2) < 0.02:
            hint = (": half of `fraction`; `fraction` is the share of corrupted pixels, salt and pepper together "
                    "(or did you set only one kind?)")
        elif abs(share - (1 - (1 - fraction) ** 2)) < 0.02 or abs(share - 2 * fraction) < 0.02:
            hint = (": about twice `fraction`: salt and pepper were drawn separately, each with probability `fraction`; "
                    "draw once whether a pixel is corrupted, then 0 or 1 with equal probability")
        else:
            hint = ": each pixel is corrupted with probability `fraction`"
        raise Wrong(f"{what} changed {share:.3f} of the pixels, expected about {fraction}{hint}")
    if not np.all((out[changed] == 0) | (out[changed] == 1)):
        raise Wrong(f"{what} set pixels to values other than 0 and 1: a corrupted pixel becomes black (0) or white (1)")
    salt = float(np.mean(out[changed] == 1)) if changed.any() else 0.5
    if salt > 0.94:
        raise Wrong(f"{what}: every corrupted pixel became white (1), salt only; half of them must become black (0), the pepper")
    if salt < 0.06:
        raise Wrong(f"{what}: every corrupted pixel became black (0), pepper only; half of them must become white (1), the salt")
    if abs(salt - 0.5) > 0.06:
        raise Wrong(f"{what}: {salt:.2f} of the corrupted pixels are white (1), expected about half, the other half black: "
                    "choose 0 or 1 with equal probability")


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
    expect_close(_corrupted(fn, what, x.copy(), fraction=0.0, seed=5), x, what,
                 otherwise="with fraction 0 no pixel is corrupted: the images must come back unchanged")


@add_salt_and_pepper_noise.part(1, public=True)
def _salt_and_pepper_seed(fn):
    """the same seed gives the same corruption, another seed another"""
    _reproducible(fn, "add_salt_and_pepper_noise(x, fraction=0.5, seed=7)", fraction=0.5)


psnr = Exercise("psnr", LESSON)

PSNR_FORMULA = "PSNR is 10 log10(data_range**2 / MSE), with the MSE the mean over all elements"


def _psnr_mistakes(m, data_range):
    """What the usual mistakes give for an MSE ``m`` and a ``data_range``."""
    return {
        "that is 20 log10(data_range**2 / MSE): use 10 log10 with the MSE, or 20 log10 with the RMSE":
            20 * np.log10(data_range**2 / m),
        "data_range is ignored: the peak value is data_range, so the numerator is data_range**2": 10 * np.log10(1 / m),
        "data_range is not squared: the numerator is data_range**2": 10 * np.log10(data_range / m),
        "that is the natural log; use log10": 10 * np.log(data_range**2 / m),
        "the sign is flipped: it is data_range**2 over the MSE": 10 * np.log10(m / data_range**2),
    }


@psnr.part(1, public=True)
def _psnr_of_images(fn):
    """10 log10(data_range^2 / MSE) in dB, for images in [0, 1] and for 8-bit images with data_range=255"""
    x, y = _images(24), _images(25)
    got = as_number(fn(x, y), "psnr(x, y)")
    per_image = np.mean([evaluate.psnr(a, b) for a, b in zip(x, y)])
    expect_close(got, evaluate.psnr(x, y), "psnr(x, y)", rtol=1e-4, likely={
        **_psnr_mistakes(evaluate.mse(x, y), 1.0),
        "that is the mean of the images' PSNRs; psnr takes the MSE over all the values at once": per_image,
    }, otherwise=PSNR_FORMULA)
    x = rng(26).integers(0, 256, (4, 10, 10)).astype(np.float64)
    y = np.clip(x + rng(27).normal(0, 20, x.shape), 0, 255)
    what = "psnr(x, y, data_range=255)"
    got = as_number(fn(x, y, data_range=255.0), what)
    expect_close(got, evaluate.psnr(x, y, 255.0), what, rtol=1e-4, likely=_psnr_mistakes(evaluate.mse(x, y), 255.0),
                 otherwise=PSNR_FORMULA)


@psnr.part(1)
def _psnr_identical_and_other_shapes(fn):
    """identical images give inf; any shape and float dtype"""
    x = rng(28).random((3, 7, 5))
    same = as_number(fn(x, x.copy()), "psnr(x, x)")
    if not same >= 100:
        raise Wrong(f"psnr(x, x) of identical images is {same:.4g}, expected inf (no error at all): 10 log10(1 / 0) is inf")
    x, y = rng(29).random((50,), dtype=np.float32), rng(30).random((50,), dtype=np.float32)
    what = "psnr(x, y) on float32 vectors"
    expect_close(as_number(fn(x, y), what), evaluate.psnr(x, y), what, rtol=1e-4,
                 likely=_psnr_mistakes(evaluate.mse(x, y), 1.0), otherwise=PSNR_FORMULA)


clipped_noise_mean = Exercise("clipped_noise_mean", LESSON)

# A correct answer differs from the exact mean by rounding only: float64 formulas by 1e-16, float32 ones by 1e-7.
# m(x) is a pixel value, so its error is judged on that scale (atol 1e-6): writing the mass clipped at 1 as
# 1 - Phi(b) rather than Phi(-b) costs at most 1.1e-16 there, and is accepted. What the formula must survive is
# sigma = 0, where (0 - x) / sigma is 0 / 0 = NaN at x = 0 and x = 1, the black and white pixels the lesson is about.
MEAN_RTOL, MEAN_ATOL = 1e-5, 1e-6
# An answer within this distance of every expected value but not exact is a sampled estimate: the mean of 10,000
# clipped draws per pixel misses by up to 0.009 (seeds 0 to 4, sigma 0.2 and 0.5); only the hint depends on it.
SAMPLED_ATOL = 0.02
MEAN_FORMULA = ("m = x (Phi(b) - Phi(a)) + sigma (phi(a) - phi(b)) + Phi(-b), with a = (0 - x) / sigma and "
                "b = (1 - x) / sigma: the draws below 0 count as 0, those above 1 as 1")


def _phi(z):
    return np.exp(-0.5 * np.minimum(np.abs(z), 40.0) ** 2) / np.sqrt(2 * np.pi)


def _mean_mistakes(x, sigma, expected):
    """What the usual mistakes give at ``x`` and ``sigma > 0``; ``expected`` is the exact mean there."""
    from scipy.special import ndtr

    a, b = -x / sigma, (1 - x) / sigma
    a2, b2 = -x / sigma**2, (1 - x) / sigma**2
    inside = x * (ndtr(b) - ndtr(a)) + sigma * (_phi(a) - _phi(b))
    with np.errstate(all="ignore"):
        truncated = inside / (ndtr(b) - ndtr(a))
    return {
        "that is x itself, the mean before clipping: clipping at 0 and 1 moves the mean": x,
        "the draws clipped at 1 are missing: they count as 1, with probability Phi(-b) = 1 - Phi(b)": inside,
        "this clips at 1 only (the mean of min(x + sigma Z, 1)): the draws below 0 are clipped to 0 too, "
        "so the integral starts at a = (0 - x) / sigma, not at minus infinity":
            x - (x - 1) * ndtr(-b) - sigma * _phi(b),
        "this clips at 0 only (the mean of max(x + sigma Z, 0)): the draws above 1 are clipped to 1 too":
            x * ndtr(-a) + sigma * _phi(a),
        "that is the formula with sigma**2, the variance, in place of sigma, the standard deviation":
            noise.clipped_noise_mean(x, sigma**2),
        "a and b divide by sigma, the standard deviation, not by sigma ** 2":
            x * (ndtr(b2) - ndtr(a2)) + sigma * (_phi(a2) - _phi(b2)) + ndtr(-b2),
        "the density term has the wrong sign: it is + sigma (phi(a) - phi(b))":
            x * (ndtr(b) - ndtr(a)) + sigma * (_phi(b) - _phi(a)) + ndtr(-b),
        "that is the mean of the draws that were not clipped (a truncated normal's mean): the clipped draws count "
        "too, as 0 and 1, so do not divide by Phi(b) - Phi(a)": truncated,
        "that is one number for the whole array, the mean over all the values of x: m is taken pixel by pixel, "
        "m(x) for each x": np.full_like(expected, expected.mean()),
    }


def _compare_mean(fn, x, sigma, likely=None, hint=""):
    """The student's m(x) against the exact mean, naming the likely mistake."""
    what = f"clipped_noise_mean(x, sigma={sigma:g})"
    expected = noise.clipped_noise_mean(x, sigma)
    got = as_array(fn(x.copy(), sigma), what)
    if got.shape != expected.shape:
        raise Wrong(f"{what} has shape {got.shape}, expected {expected.shape}, the shape of x: compute m elementwise, "
                    "without reducing or flattening x")
    got = got.astype(np.float64)
    if not hint:
        if np.all(np.abs(got - x) < SAMPLED_ATOL) and not np.all(np.abs(expected - x) < SAMPLED_ATOL):
            hint = ("that is about x, the mean before clipping: clip each noisy value to [0, 1] before averaging, "
                    "or use the formula")
        elif np.all(np.abs(got - expected) < SAMPLED_ATOL):
            hint = "close but not exact, as a sampled estimate is: use the exact formula, " + MEAN_FORMULA
        else:
            hint = MEAN_FORMULA
    expect_close(got, expected, what, rtol=MEAN_RTOL, atol=MEAN_ATOL, likely=likely, otherwise=hint)


@clipped_noise_mean.part(1, public=True)
def _mean_in_the_unit_interval(fn):
    """the exact mean E[clip(x + sigma Z, 0, 1)] of each value of x in [0, 1], for sigma 0.5 and 0.2"""
    x = np.linspace(0.0, 1.0, 12).reshape(3, 4)
    for sigma in (0.5, 0.2):
        _compare_mean(fn, x, sigma, likely=_mean_mistakes(x, sigma, noise.clipped_noise_mean(x, sigma)))


@clipped_noise_mean.part(1)
def _mean_numerically_safe(fn):
    """safe at the edges: sigma 0, x outside [0, 1], sigma 1e-6 and 1000, float32 input of another shape"""
    edges = np.array([-0.5, 0.0, 0.3, 1.0, 1.5])
    what = "clipped_noise_mean(x, sigma=0)"
    got = as_array(fn(edges.copy(), 0.0), what)
    at_the_bounds = (edges == 0) | (edges == 1)
    if got.shape == edges.shape and np.isnan(np.asarray(got, dtype=np.float64)[at_the_bounds]).any():
        raise Wrong(f"{what} is NaN where x is 0 or 1: (0 - x) / sigma is 0 / 0 there. Without noise there is only "
                    "the clipping: return np.clip(x, 0, 1) when sigma is 0")
    _compare_mean(fn, edges, 0.0, likely={"with sigma 0 the noise is gone but the clipping stays: m(x) = clip(x, 0, 1)": edges},
                  hint="with sigma 0 there is no noise, only the clipping: m(x) = clip(x, 0, 1)")
    outside = np.array([-1.0, -0.25, 1.25, 2.0])
    _compare_mean(fn, outside, 0.3, likely={
        "x was clipped to [0, 1] before the noise was added: the formula holds for any x; only the noisy value is "
        "clipped": noise.clipped_noise_mean(np.clip(outside, 0, 1), 0.3)})
    _compare_mean(fn, np.array([-0.2, 0.0, 2e-6, 0.5, 1.0, 1.2]), 1e-6,
                  hint="as sigma goes to 0, m(x) goes to clip(x, 0, 1); " + MEAN_FORMULA)
    _compare_mean(fn, np.linspace(-1.0, 2.0, 7), 1000.0,
                  hint="for a large sigma almost every draw is clipped, half to 0 and half to 1: m(x) is about 1/2; "
                       + MEAN_FORMULA)
    _compare_mean(fn, rng(31).random((6, 7), dtype=np.float32), 0.35)
