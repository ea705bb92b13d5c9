"""Lesson 2, noise models: the three corruptions, psnr and clipped_noise_stats."""

import statistics

import numpy as np

from autograder.core import Exercise, Wrong, as_array, as_number, expect_close, expect_shape, replacing
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
    """with clip=False the added noise is sigma * N(0, 1): mean 0, standard deviation sigma, a normal distribution"""
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


clipped_noise_stats = Exercise("clipped_noise_stats", LESSON)


def _unclipped_stats(x, sigma):
    effective = noise.add_gaussian_noise(np.asarray(x, dtype=np.float64), sigma, seed=0, clip=False) - x
    return {"mean": float(effective.mean()), "std": float(effective.std()), "mean_on_black": float(effective[x == 0].mean())}


def _compare_stats(fn, x, sigma, keys):
    what = f"clipped_noise_stats(x, sigma={sigma})"
    # Graded with a correct add_gaussian_noise, so that a mistake there is not counted twice.
    with replacing(fn, {"add_gaussian_noise": noise.add_gaussian_noise}):
        got = fn(x.copy(), sigma)
    if not isinstance(got, dict) or not set(keys) <= set(got):
        raise Wrong(f"{what} should return a dict with keys {sorted(keys)}, got {got!r:.80}")
    expected, unclipped = noise.clipped_noise_stats(x, sigma), _unclipped_stats(x, sigma)
    values = {key: as_number(got[key], f"{what}[{key!r}]") for key in keys}
    wrong = [key for key in keys if abs(values[key] - expected[key]) > 0.01]
    if not wrong:
        return
    key = wrong[0]
    if wrong == ["mean_on_black"] and abs(values[key] - expected["mean"]) < 0.01:
        hint = "that is the mean over all pixels: take the mean over the pixels where x == 0 only"
    elif wrong == ["mean_on_black"] and values[key] < 0.01:  # about 0, or below: no positive bias left
        hint = ("that is the mean where the noisy image is 0, where clipping removed the noise: choose the pixels "
                "by the clean image, where x == 0")
    elif all(abs(values[k] - unclipped[k]) < 0.01 for k in wrong):
        hint = ("these are the statistics of the noise before clipping: corrupt with add_gaussian_noise(x, sigma) "
                "with clipping on (clip=True, the default)")
    elif key == "std" and abs(values[key] - expected["std"] ** 2) < 0.01:
        hint = "that is the variance; the std is its square root (.std())"
    else:
        hint = "the effective noise is add_gaussian_noise(x, sigma) - x, after clipping"
    raise Wrong(f"{what}[{key!r}] is {values[key]:.4f}, expected about {expected[key]:.4f}: {hint}")


@clipped_noise_stats.part(1, public=True)
def _stats_on_black(fn):
    """on half-black, half-white images: the clipped noise is about +0.2 on black pixels (sigma 0.5)"""
    x = np.zeros((40, 28, 28, 1), dtype=np.float32)
    x[:, 14:] = 1.0
    _compare_stats(fn, x, 0.5, ["mean", "std", "mean_on_black"])


@clipped_noise_stats.part(1)
def _stats_on_mixed_images(fn):
    """on images with black, grey and white pixels, for two noise levels"""
    x = np.zeros((100, 28, 28, 1), dtype=np.float32)
    x[:, 7:21] = 0.5
    x[:, 21:] = 1.0
    for sigma in (0.2, 0.8):
        _compare_stats(fn, x, sigma, ["mean", "std", "mean_on_black"])
