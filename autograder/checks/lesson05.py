"""Lesson 5, evaluation: an error report, scores, robustness to other noise levels, blind noise."""

import numpy as np

from skimage.metrics import structural_similarity

from autograder.core import Exercise, Wrong, as_array, as_number, expect_close, expect_shape, neighbour_correlation
from dae_reference import evaluate
from dae_reference.noise import add_gaussian_noise

LESSON = "05_evaluation"
rng = np.random.default_rng


def _pair(seed, shape=(6, 28, 28, 1), brightest=1.0):
    clean = rng(seed).random(shape, dtype=np.float32) * np.float32(brightest)
    return clean, np.clip(clean + rng(seed + 1).normal(0, 0.2, shape), 0, 1).astype(np.float32)


def _close(got, expected, what, meaning, rtol, likely=None):
    """``expect_close``; a mismatch that matches none of the ``likely`` mistakes says what was meant, in words."""
    try:
        expect_close(got, expected, what, rtol=rtol, likely=likely)
    except Wrong as wrong:
        message = str(wrong)
        if not any(message.endswith(mistake) for mistake in likely or {}):
            message += f"; {meaning}"
        raise Wrong(message) from None


error_report = Exercise("error_report", LESSON)


def _report(fn, clean, estimate, labels, k, what):
    """The student's report, checked to be a dict with the three keys."""
    report = fn(clean, estimate, labels) if k is None else fn(clean, estimate, labels, k=k)
    if report is None:
        raise Wrong(f"{what} returned None: did you forget the `return` statement?")
    if not isinstance(report, dict) or not {"errors", "per_class", "worst"} <= set(report):
        raise Wrong(f"{what} should return a dict with keys 'errors', 'per_class' and 'worst', got {report!r:.80}")
    return report


def _labels(n, seed, dtype):
    """``n`` shuffled labels in which every class 0 to 9 occurs (when n >= 10), of very different counts."""
    head = np.arange(min(n, 10))
    labels = np.concatenate([head, rng(seed + 1).integers(0, 10, n - len(head)) ** 2 // 10]).astype(dtype)
    rng(seed + 2).shuffle(labels)
    return labels


def _compare_errors(fn, shape, seed):
    clean, estimate = _pair(seed, shape)
    what = f"report['errors'] on images of shape {shape}"
    expected = evaluate.reconstruction_errors(clean, estimate)
    got = as_array(_report(fn, clean, estimate, _labels(shape[0], seed, np.int64), None, "error_report")["errors"], what)
    if got.shape == ():
        raise Wrong(f"{what} is one number, the mean over the whole batch: keep one mean squared error per "
                    "image (average over every axis but the first)")
    expect_shape(got, expected.shape, what, "one mean squared error per image: average over every axis but the first")
    pixels = clean[0].size
    _close(got, expected, what, "each image's error is the mean of (clean - denoised) ** 2 over its pixels", 1e-4, {
        "that is the root of the mean squared error (RMSE): drop the square root": np.sqrt(expected),
        "those are sums of squared errors: take the mean over each image's pixels": expected * pixels,
        "those are mean absolute errors: square the differences": np.mean(np.abs(clean - estimate).reshape(len(clean), -1), axis=1),
    })


@error_report.part(1, public=True)
def _errors_per_image(fn):
    """'errors': one MSE per image for a batch (n, 28, 28, 1)"""
    _compare_errors(fn, (6, 28, 28, 1), 50)


@error_report.part(1)
def _errors_other_shapes(fn):
    """'errors' for images without a channel axis (n, 28, 28) and with three channels"""
    _compare_errors(fn, (12, 28, 28), 52)
    _compare_errors(fn, (3, 10, 10, 3), 54)


def _own_errors(report, expected):
    """The errors the report's other entries are judged on: its own when they are one number per image.

    So that a mistake in 'errors' is not counted again in 'per_class' and 'worst'.
    """
    try:
        own = np.asarray(report["errors"], dtype=np.float64)
    except (TypeError, ValueError):
        return expected
    return own if own.shape == expected.shape and np.all(np.isfinite(own)) else expected


def _compare_per_class(fn, n, seed, dtype):
    clean, estimate = _pair(seed, (n, 8, 8))
    labels = _labels(n, seed, dtype)
    what = f"report['per_class'] on {n} images"
    reference = evaluate.reconstruction_errors(clean, estimate)
    report = _report(fn, clean, estimate, labels, None, "error_report")
    errors = _own_errors(report, reference)
    got = as_array(report["per_class"], what)
    counts = np.bincount(labels, minlength=10)
    sums = np.bincount(labels, weights=errors, minlength=10)
    expect_shape(got, (10,), what, "one mean error per class, classes 0 to 9 in order")
    _close(got, sums / counts, what, "each class's value is the mean of the errors of its images", 1e-6, {
        "those are sums per class; divide by each class's count": sums,
        "each class's sum was divided by the number of all images; divide by that class's count": sums / n,
        "those are medians; the exercise asks for means": [np.median(errors[labels == k]) for k in range(10)],
    })


@error_report.part(1, public=True)
def _per_class_means(fn):
    """'per_class': the mean error of each of the 10 classes, in class order"""
    _compare_per_class(fn, 60, 60, np.int64)


@error_report.part(1)
def _per_class_unequal_counts(fn):
    """'per_class' with classes of very different sizes, labels as uint8, and with classes that have no image"""
    _compare_per_class(fn, 300, 63, np.uint8)
    _compare_absent_classes(fn, 40, 61)


def _compare_absent_classes(fn, n, seed):
    """Classes 0, 4 and 9 have no image: the first, a middle one and the last, where np.bincount stops."""
    clean, estimate = _pair(seed, (n, 8, 8))
    present = [1, 2, 3, 5, 6, 7, 8]
    labels = np.concatenate([present, rng(seed + 2).choice(present, n - len(present))]).astype(np.int64)
    what = f"report['per_class'] on {n} images of classes {', '.join(map(str, present))}"
    report = _report(fn, clean, estimate, labels, None, "error_report")
    errors = _own_errors(report, evaluate.reconstruction_errors(clean, estimate))
    got = as_array(report["per_class"], what)
    if got.shape == (labels.max() + 1,):
        raise Wrong(f"{what} has shape {got.shape}, expected (10,): class 9 has no image here, and np.bincount stops "
                    "at the highest label present; pass minlength=10")
    expect_shape(got, (10,), what, "one mean error per class, classes 0 to 9 in order, NaN for a class with no image")
    counts = np.bincount(labels, minlength=10)
    absent = np.flatnonzero(counts == 0)
    values = np.asarray(got, dtype=np.float64)[absent]
    if not np.all(np.isnan(values)):
        raise Wrong(f"{what} gives classes {', '.join(map(str, absent))}, which have no image, the values "
                    f"{', '.join(f'{v:.3g}' for v in values)}: a class with no image has no mean error; give it NaN, "
                    "not 0")
    sums = np.bincount(labels, weights=errors, minlength=10)
    with np.errstate(invalid="ignore"):
        expected = sums / counts
    _close(got, expected, what, "each class's value is the mean of the errors of its images", 1e-6, {
        "those are sums per class; divide by each class's count": np.where(counts > 0, sums, np.nan),
    })


def _compare_worst(fn, n, k, seed):
    clean = np.zeros((n, 4, 4), dtype=np.float32)
    estimate = np.broadcast_to((rng(seed).permutation(n) / n + 0.001)[:, None, None] ** 0.5, clean.shape).astype(np.float32)
    what = f"report['worst'] with k={k}" if k is not None else "report['worst'] with the default k"
    reference = evaluate.reconstruction_errors(clean, estimate)
    expected = evaluate.worst_k(reference, 10 if k is None else k)
    report = _report(fn, clean, estimate, np.arange(n) % 10, k, "error_report")
    errors = _own_errors(report, reference)
    got = as_array(report["worst"], what)
    if got.shape == expected.shape and np.issubdtype(got.dtype, np.floating):
        raise Wrong(f"{what} holds floats: give the indices of the worst images (np.argsort gives them), "
                    "not their errors")
    if got.shape == expected.shape and np.array_equal(np.sort(got), np.sort(expected)) and not np.array_equal(got, expected):
        raise Wrong(f"{what} holds the right images in the wrong order: the worst (largest error) first")
    if got.shape == expected.shape and np.array_equal(got, np.argsort(errors)[:len(expected)]):
        raise Wrong(f"{what} gives the smallest errors: the worst images have the largest")
    expect_shape(got, expected.shape, what, f"the indices of the {len(expected)} largest errors")
    if not np.array_equal(got, expected):
        raise Wrong(f"{what} are not the indices of the largest errors, worst first (np.argsort(errors)[::-1][:k])")


@error_report.part(1, public=True)
def _worst_ten(fn):
    """'worst': indices of the 10 largest errors by default, worst first"""
    _compare_worst(fn, 50, None, 64)


@error_report.part(1)
def _worst_other_k(fn):
    """'worst' for other k, including k = 1"""
    _compare_worst(fn, 200, 3, 65)
    _compare_worst(fn, 20, 1, 66)


evaluate_denoiser = Exercise("evaluate_denoiser", LESSON)


def _compare_scores(fn, denoise, seed, what, brightest):
    clean, noisy = _pair(seed, (8, 28, 28, 1), brightest)
    scores = fn(denoise, noisy, clean)
    if not isinstance(scores, dict) or not {"mse", "psnr", "ssim"} <= set(scores):
        raise Wrong(f"evaluate_denoiser should return a dict with keys 'mse', 'psnr', 'ssim', got {scores!r:.80}")
    got = {key: as_number(scores[key], f"scores[{key!r}]") for key in ("mse", "psnr", "ssim")}
    # Every reference value is computed from the check's own inputs, before the answer is judged, so that the
    # student image's quick checks, which replay recorded reference values, can give every message too.
    estimate = np.asarray(denoise(noisy))
    expected = evaluate.denoising_scores(clean, estimate)
    mix_ups = {"untouched": evaluate.denoising_scores(clean, noisy),
               "swapped": evaluate.denoising_scores(noisy, np.asarray(denoise(clean))),
               "ssim with data_range 255": evaluate.per_image_ssim(clean, estimate, data_range=255).mean()}
    if not _scores_match(got, expected):
        _name_the_mix_up(got, mix_ups, what)
    if not np.isclose(got["mse"], expected["mse"], rtol=1e-4):
        raise Wrong(f"the MSE of {what} is {got['mse']:.4g}, expected {expected['mse']:.4g}: it is the mean over images "
                    "of each image's mean squared error between denoise_fn(x_noisy) and x_clean")
    # The PSNR of the mean MSE differs from the mean of the per-image PSNRs by less than 0.005 dB where the images'
    # errors are alike (the blur, the identity, the halving) and by 1.25 dB where they are not (the last case).
    of_the_mean = evaluate.psnr(clean, estimate)
    if not np.isclose(got["psnr"], expected["psnr"], atol=0.02):
        if np.isclose(got["psnr"] - expected["psnr"], 20 * np.log10(255), atol=0.1):
            hint = "about 48 dB too high: data_range is 1 for images in [0, 1], not 255"
        elif np.isclose(got["psnr"], of_the_mean, atol=0.02):
            hint = ("that is the PSNR of the mean MSE over all images; the score is the mean over images of each "
                    "image's PSNR")
        else:
            hint = "it is the mean of the per-image PSNRs, 10 * log10(1 / mse) in dB with data_range 1"
        raise Wrong(f"the PSNR of {what} is {got['psnr']:.3f} dB, expected {expected['psnr']:.3f}: {hint}")
    if not np.isclose(got["ssim"], expected["ssim"], atol=2e-3):
        raise Wrong(f"the SSIM of {what} is {got['ssim']:.4f}, expected {expected['ssim']:.4f}: "
                    + _ssim_hint(got["ssim"], clean, estimate, mix_ups["ssim with data_range 255"]))


def _scores_match(got, expected):
    return all(np.isclose(got[key], expected[key], rtol=1e-3, atol=1e-3) for key in ("mse", "ssim"))


def _name_the_mix_up(got, mix_ups, what):
    """Raise ``Wrong`` naming the mix-up if ``got`` are the scores of the input itself or of swapped arguments."""
    if _scores_match(got, mix_ups["untouched"]):
        raise Wrong(f"the scores of {what} are those of the noisy input itself: call denoise_fn(x_noisy) and score "
                    "what it returns against x_clean")
    if _scores_match(got, mix_ups["swapped"]):
        raise Wrong(f"the scores of {what} come from (noisy, clean) swapped: denoise x_noisy and compare the "
                    "result with x_clean")


def _ssim_hint(ssim, clean, estimate, ssim_255):
    """Words naming the likely SSIM mistake."""
    per_image_range = np.mean([
        structural_similarity(c.squeeze(), e.squeeze(), data_range=float(c.max() - c.min()))
        for c, e in zip(clean, estimate)])
    if np.isclose(ssim, per_image_range, atol=2e-3):
        return ("data_range was taken from each image's own range; the images lie in [0, 1] whatever one image "
                "spans, so pass data_range=1")
    if np.isclose(ssim, ssim_255, atol=2e-3):
        return "data_range=255 is for 8-bit images; these lie in [0, 1], so pass data_range=1"
    return "the mean over images of skimage.metrics.structural_similarity(clean, denoised, data_range=1) on 2-D images"


@evaluate_denoiser.part(1, public=True)
def _scores_of_a_blur(fn):
    """mse, psnr and ssim of a Gaussian blur on dark images (values in [0, 0.6])"""
    _compare_scores(fn, lambda x: evaluate.gaussian_blur(x, 1.0), 58, "a Gaussian blur", brightest=0.6)


@evaluate_denoiser.part(1)
def _scores_of_doing_nothing(fn):
    """mse, psnr and ssim of a denoiser that returns its input, of one that halves it, and of one that errs unevenly"""
    _compare_scores(fn, lambda x: x, 56, "the identity", brightest=1.0)
    _compare_scores(fn, lambda x: x * np.float32(0.5), 57, "a denoiser that halves its input", brightest=0.8)
    _compare_scores(fn, lambda x: x * np.linspace(1, 0.1, len(x), dtype=np.float32).reshape((-1,) + (1,) * (x.ndim - 1)),
                    59, "a denoiser that darkens each image by another factor", brightest=1.0)


noise_robustness = Exercise("noise_robustness", LESSON)


def _blurring_model():
    """A fixed Keras 'denoiser' without weights: 2x2 averaging, then upsampling."""
    import keras

    return keras.Sequential([keras.Input((28, 28, 1)), keras.layers.AveragePooling2D(2), keras.layers.UpSampling2D(2)])


@noise_robustness.part(1, public=True)
def _robustness_curve(fn):
    """one MSE per noise level, measured on the model's reconstructions"""
    clean = rng(67).random((64, 28, 28, 1), dtype=np.float32)
    sigmas = [0.0, 0.25, 0.5]
    model = _blurring_model()
    got = as_array(fn(model, clean, sigmas, seed=1), "noise_robustness(model, x, [0.0, 0.25, 0.5], seed=1)")
    expected = evaluate.noise_robustness(model, clean, sigmas, seed=1)
    expect_shape(got, expected.shape, "noise_robustness(...)", "one MSE per sigma")
    _close(got, expected, "the MSE at sigmas [0.0, 0.25, 0.5]", ROBUSTNESS_MEANING, 0.03, _robustness_mistakes(model, clean, sigmas, 1))


ROBUSTNESS_MEANING = ("at each sigma, corrupt x_clean with clipped Gaussian noise, run the model on it and take the MSE "
                      "of its output against x_clean")


def _robustness_mistakes(model, clean, sigmas, seed):
    """What the common mistakes would give, by the words that name them."""
    noisy = [add_gaussian_noise(clean, s, seed=seed) for s in sigmas]
    unclipped = [add_gaussian_noise(clean, s, seed=seed, clip=False) for s in sigmas]
    outputs = [model.predict(x, verbose=0) for x in noisy]
    return {
        "these are the errors of the noisy inputs: the model was never called; score the model's output": [
            evaluate.mse(clean, x) for x in noisy],
        "the output was compared with the noisy input: compare it with x_clean": [
            evaluate.mse(x, y) for x, y in zip(noisy, outputs)],
        "the noise is not clipped to [0, 1]: clip x_clean + noise as the training noise was": [
            evaluate.mse(clean, model.predict(x, verbose=0)) for x in unclipped],
    }


@noise_robustness.part(1)
def _robustness_other_levels(fn):
    """other noise levels and images; the same seed gives the same MSEs, another seed others"""
    clean = rng(68).random((64, 28, 28, 1), dtype=np.float32) * 0.5
    sigmas = [0.1, 0.8]
    model = _blurring_model()
    what = "noise_robustness(model, x, [0.1, 0.8], seed=5)"
    got = as_array(fn(model, clean, sigmas, seed=5), what)
    _close(got, evaluate.noise_robustness(model, clean, sigmas, seed=5), "the MSE at sigmas [0.1, 0.8]",
           ROBUSTNESS_MEANING, 0.03, _robustness_mistakes(model, clean, sigmas, 5))
    # An unseeded draw moves these MSEs by about 1e-3 of their value (64 images of 784 pixels); the same seed
    # gives the same noise and, with a deterministic model, the same numbers up to rounding.
    again = np.asarray(as_array(fn(model, clean, sigmas, seed=5), what), dtype=np.float64)
    if again.shape != got.shape or not np.allclose(again, np.asarray(got, dtype=np.float64), rtol=1e-7, atol=0):
        raise Wrong(f"{what} gave other MSEs on a second call: the seed is not used; draw the noise from "
                    "np.random.default_rng(seed)")
    other = np.asarray(as_array(fn(model, clean, sigmas, seed=6), what.replace("seed=5", "seed=6")), dtype=np.float64)
    if other.shape == again.shape and np.array_equal(other, again):
        raise Wrong("seeds 5 and 6 gave the same MSEs: the seed is ignored; pass it to np.random.default_rng(seed)")


add_blind_noise = Exercise("add_blind_noise", LESSON)

# The answer's noise is random: its levels are judged by statistics, with bounds far outside what a correct
# answer gives. Measured with dae_reference.shift.add_blind_noise on the public part's grey images (400 images
# of 0.5, max_sigma=0.2) over seeds 0 to 499: the mean of the per-image levels (the standard deviation of each
# image's noise) lay within 0.0095 of max_sigma / 2; the Kolmogorov-Smirnov distance of the levels from
# Uniform(0, max_sigma) was at most 0.100; the largest level at most 1.062 * max_sigma; the standard deviation of
# the levels at least 0.054 (at least 0.09 on the second part's images, seeds 0 to 99). The kurtosis of the
# noise (3 for a Gaussian) was at most 3.02 with one level per image or per batch, and at least 5.1 with a level
# drawn anew for every pixel (20 seeds each). Measured per image (images whose level is above 0.01) over seeds 0 to
# 299, the mean kurtosis lay between 2.93 and 2.99 (between 3.05 and 3.14 on the second part's clipped images, seeds
# 0 to 99); noise of the right level but uniform gives 1.80, Laplace noise 5.2. The fraction of images whose level
# is below max_sigma / 10 lay between 0.060 and 0.148 (seeds 0 to 499, 0.1 expected); with the levels drawn from
# [max_sigma / 10, max_sigma] it was at most 0.010 (seeds 0 to 199).
BLIND_MEAN_TOLERANCE = 0.02  # around max_sigma / 2 = 0.1: twice the largest deviation measured
BLIND_KS_LIMIT = 0.2  # twice the largest distance measured
BLIND_LEVEL_SLACK = 1.15  # the largest level may exceed max_sigma a little: each level is estimated from 784 pixels
BLIND_SAME_LEVEL = 0.01  # levels whose standard deviation is below this are one level for every image
BLIND_PER_PIXEL_KURTOSIS = 4.0  # between 3 (one level per image) and about 5 (a level per pixel)
BLIND_GAUSSIAN_KURTOSIS = (2.5, 3.5)  # per image: about 3 measured, 1.8 for uniform noise, 5.2 for Laplace
BLIND_LOW_TAIL = 0.03  # the fewest images with a level below max_sigma / 10: half the fewest measured, 3 times the most without


def _blind(fn, x, max_sigma, seed, what):
    """The student's noisy images; an exception that hints at broadcasting becomes a message naming it."""
    try:
        noisy = fn(x, max_sigma, seed=seed)
    except (ValueError, IndexError) as error:
        raise Wrong(f"{what} raised {type(error).__name__}: {str(error)[:120]}; reshape the n levels to "
                    "(n, 1, 1, ...) with one axis per image axis, e.g. sigmas.reshape((-1,) + (1,) * (x.ndim - 1)), "
                    "so that they broadcast over images of any shape") from None
    noisy = as_array(noisy, what)
    if noisy.shape == (len(x),) + x.shape:
        raise Wrong(f"{what} has shape {noisy.shape}, expected {x.shape}: the levels broadcast against the wrong "
                    "axes; reshape the n levels to (n, 1, 1, ...) with one axis per image axis, e.g. "
                    "sigmas.reshape((-1,) + (1,) * (x.ndim - 1))")
    expect_shape(noisy, x.shape, what, "the noisy images, of the shape of x")
    return noisy


def _levels(noisy, x):
    """Each image's noise level, estimated as the standard deviation of its noise: ``(n,)``."""
    return np.std((noisy.astype(np.float64) - x).reshape(len(x), -1), axis=1)


def _expect_new_noise_per_image(noise, levels, what):
    """Each image has noise of its own: the same pattern scaled by each image's level is one draw, not n."""
    noisy_enough = noise[levels > 0.05]  # levels squared, say, may leave none: other parts name that mistake
    if len(noisy_enough) < 2:
        return
    correlation = neighbour_correlation(noisy_enough)  # 0.5: as lesson 2's check of add_gaussian_noise
    if correlation > 0.5:
        raise Wrong(f"in {what} every image has the same noise pattern, scaled by its level (correlation "
                    f"{correlation:.2f} between images): draw the noise once for the whole batch, "
                    "rng.standard_normal(x.shape), from one generator; a new default_rng(seed) per image repeats the draw")


def _kurtosis(noise, min_level=0.0):
    """The mean over images of their noise's kurtosis, E[n^4] / E[n^2]^2 (3 for a Gaussian), for images whose
    level is above ``min_level``."""
    flat = noise.reshape(len(noise), -1)
    power = np.mean(flat**2, axis=1)
    keep = np.sqrt(power) > min_level
    return float(np.mean(np.mean(flat[keep] ** 4, axis=1) / np.maximum(power[keep] ** 2, 1e-12)))


def _judge_spread(levels, noise, what):
    """``Wrong`` if every image got the same level: one for the batch, or one per pixel."""
    if np.std(levels) >= BLIND_SAME_LEVEL:
        return
    if _kurtosis(noise) > BLIND_PER_PIXEL_KURTOSIS:
        raise Wrong(f"in {what} every pixel got its own level, so every image looks alike: draw one sigma per "
                    "image (size=len(x)) and use it for all of that image's pixels")
    raise Wrong(f"in {what} every image got the same noise level (the levels vary by {np.std(levels):.2g}): draw "
                "one sigma per image, not one for the whole batch")


@add_blind_noise.part(1, public=True)
def _blind_levels(fn):
    """one level per image, spread evenly over [0, max_sigma] (grey images, max_sigma=0.2)"""
    x = np.full((400, 28, 28, 1), 0.5, dtype=np.float32)
    what = "add_blind_noise(grey images, 0.2, seed=3)"
    noisy = _blind(fn, x, 0.2, 3, what)
    if not np.all(x == 0.5):
        raise Wrong(f"{what} changed its input x in place: work on a copy (x + noise makes one)")
    if noisy.dtype != np.float32:
        raise Wrong(f"{what} has dtype {noisy.dtype}, expected float32: cast the result with .astype(np.float32)")
    if np.allclose(noisy, x):
        raise Wrong(f"{what} gave the images back unchanged: add sigma_i * N(0, 1) to image i")
    levels = _levels(noisy, x)
    _judge_spread(levels, noisy.astype(np.float64) - x, what)
    _expect_new_noise_per_image(noisy.astype(np.float64) - x, levels, what)
    if levels.max() > BLIND_LEVEL_SLACK * 0.2:
        raise Wrong(f"in {what} some images have noise of standard deviation {levels.max():.3f}, above max_sigma=0.2: "
                    "no level may exceed max_sigma; draw each image's sigma uniformly from [0, max_sigma], "
                    "rng.uniform(0, max_sigma, size=len(x))")
    if abs(levels.mean() - 0.1) > BLIND_MEAN_TOLERANCE:
        hint = ("sigma is the standard deviation: multiply N(0, 1) by sigma, not by sigma ** 2"
                if levels.mean() < 0.05 else "each image's sigma is drawn uniformly from [0, max_sigma]")
        raise Wrong(f"in {what} the noise levels average {levels.mean():.3f}, expected about 0.1 (max_sigma / 2): {hint}")
    distance = np.max(np.abs(np.sort(levels) / 0.2 - (np.arange(len(levels)) + 0.5) / len(levels)))
    if distance > BLIND_KS_LIMIT:
        raise Wrong(f"in {what} the noise levels are not spread evenly over [0, 0.2] (their distribution is "
                    f"{distance:.2f} away from uniform): draw them with rng.uniform(0, max_sigma, size=len(x))")
    low = float(np.mean(levels < 0.02))
    if low < BLIND_LOW_TAIL:
        raise Wrong(f"in {what} only {low:.1%} of the images have a noise level below max_sigma / 10 = 0.02, expected "
                    "about 10%: the levels must start at 0, so that the blind model also sees nearly clean images; "
                    "draw them from [0, max_sigma], not from a range with a floor above 0")
    kurtosis = _kurtosis(noisy.astype(np.float64) - x, min_level=0.01)
    if not BLIND_GAUSSIAN_KURTOSIS[0] <= kurtosis <= BLIND_GAUSSIAN_KURTOSIS[1]:
        raise Wrong(f"in {what} the noise of an image is not Gaussian: its kurtosis E[n^4] / E[n^2]^2 is "
                    f"{kurtosis:.2f}, a Gaussian's is 3 (uniform noise gives 1.8): multiply each image's sigma by "
                    "rng.standard_normal(x.shape), not by another distribution")


@add_blind_noise.part(1)
def _blind_any_shape(fn):
    """images without a channel axis, clipped to [0, 1]; max_sigma=0 gives them back"""
    x = rng(70).random((200, 20, 20), dtype=np.float32)
    what = "add_blind_noise(x of shape (200, 20, 20), 0.5, seed=7)"
    noisy = _blind(fn, x, 0.5, 7, what)
    if noisy.min() < 0 or noisy.max() > 1:
        raise Wrong(f"{what} has values from {noisy.min():.2f} to {noisy.max():.2f}: clip the noisy images to [0, 1] "
                    "as add_gaussian_noise does")
    levels = _levels(noisy, x)
    _judge_spread(levels, noisy.astype(np.float64) - x, what)
    unchanged = _blind(fn, x, 0.0, 7, "add_blind_noise(x, 0.0, seed=7)")
    if not np.allclose(unchanged, x, atol=1e-6):
        raise Wrong("add_blind_noise(x, 0.0, seed=7) changed the images: with max_sigma=0 every level is 0 and the "
                    "images come back as they were")


@add_blind_noise.part(1)
def _blind_seeded(fn):
    """the same seed gives the same images, another seed others"""
    x = rng(71).random((50, 28, 28, 1), dtype=np.float32)
    first, again = _blind(fn, x, 0.3, 11, "add_blind_noise(x, 0.3, seed=11)"), _blind(fn, x, 0.3, 11, "add_blind_noise(x, 0.3, seed=11)")
    if not np.array_equal(first, again):
        raise Wrong("add_blind_noise(x, 0.3, seed=11) gave different images on two calls: draw the levels and the "
                    "noise from one np.random.default_rng(seed), not from np.random's global state")
    if np.array_equal(first, _blind(fn, x, 0.3, 12, "add_blind_noise(x, 0.3, seed=12)")):
        raise Wrong("seeds 11 and 12 gave the same images: pass seed to np.random.default_rng(seed)")
