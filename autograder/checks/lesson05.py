"""Lesson 5, evaluation: per-image errors, scores, per-class error, worst cases, robustness."""

import numpy as np

from skimage.metrics import structural_similarity

from autograder.core import Exercise, Wrong, as_array, as_number, expect_close, expect_shape, replacing
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


reconstruction_errors = Exercise("reconstruction_errors", LESSON)


def _compare_errors(fn, shape, seed):
    clean, estimate = _pair(seed, shape)
    what = f"reconstruction_errors on images of shape {shape}"
    got = as_array(fn(clean, estimate), what)
    expected = evaluate.reconstruction_errors(clean, estimate)
    if got.shape == ():
        raise Wrong(f"{what} returned one number, the mean over the whole batch: keep one mean squared error per "
                    "image (average over every axis but the first)")
    expect_shape(got, expected.shape, what, "one mean squared error per image: average over every axis but the first")
    pixels = clean[0].size
    _close(got, expected, what, "each image's error is the mean of (clean - denoised) ** 2 over its pixels", 1e-4, {
        "that is the root of the mean squared error (RMSE): drop the square root": np.sqrt(expected),
        "those are sums of squared errors: take the mean over each image's pixels": expected * pixels,
        "those are mean absolute errors: square the differences": np.mean(np.abs(clean - estimate).reshape(len(clean), -1), axis=1),
    })


@reconstruction_errors.part(1, public=True)
def _errors_per_image(fn):
    """one MSE per image for a batch (n, 28, 28, 1)"""
    _compare_errors(fn, (6, 28, 28, 1), 50)


@reconstruction_errors.part(1)
def _errors_other_shapes(fn):
    """images without a channel axis (n, 28, 28) and with three channels"""
    _compare_errors(fn, (5, 28, 28), 52)
    _compare_errors(fn, (3, 10, 10, 3), 54)


evaluate_denoiser = Exercise("evaluate_denoiser", LESSON)


def _compare_scores(fn, denoise, seed, what, brightest):
    clean, noisy = _pair(seed, (8, 28, 28, 1), brightest)
    # Graded with a correct reconstruction_errors, so that a mistake there is not counted twice.
    with replacing(fn, {"reconstruction_errors": evaluate.reconstruction_errors}):
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
    of_the_mean = evaluate.psnr(clean, estimate)  # PSNR of the mean MSE: also a fair summary
    if not (np.isclose(got["psnr"], expected["psnr"], atol=0.02) or np.isclose(got["psnr"], of_the_mean, atol=0.02)):
        hint = ("about 48 dB too high: data_range is 1 for images in [0, 1], not 255"
                if np.isclose(got["psnr"] - expected["psnr"], 20 * np.log10(255), atol=0.1)
                else "it is the mean of the per-image PSNRs, 10 * log10(1 / mse) in dB with data_range 1")
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
    """mse, psnr and ssim of a denoiser that returns its input, and of one that halves it"""
    _compare_scores(fn, lambda x: x, 56, "the identity", brightest=1.0)
    _compare_scores(fn, lambda x: x * np.float32(0.5), 57, "a denoiser that halves its input", brightest=0.8)


per_class_mse = Exercise("per_class_mse", LESSON)


def _compare_per_class(fn, n, seed, dtype):
    errors = rng(seed).random(n) * 0.05
    labels = np.concatenate([np.arange(10), rng(seed + 1).integers(0, 10, n - 10)]).astype(dtype)
    rng(seed + 2).shuffle(labels)
    what = f"per_class_mse on {n} errors"
    got = as_array(fn(errors, labels), what)
    expected = evaluate.per_class_mse(errors, labels)
    sums = np.bincount(labels, weights=errors, minlength=10)
    expect_shape(got, (10,), what, "one mean error per class, classes 0 to 9 in order")
    _close(got, expected, what, "each class's value is the mean of the errors of its images", 1e-6, {
        "those are sums per class; divide by each class's count": sums,
        "each class's sum was divided by the number of all images; divide by that class's count": sums / n,
        "those are medians; the exercise asks for means": [np.median(errors[labels == k]) for k in range(10)],
    })


@per_class_mse.part(1, public=True)
def _per_class_means(fn):
    """the mean error of each of the 10 classes, in class order"""
    _compare_per_class(fn, 60, 60, np.int64)


@per_class_mse.part(1)
def _per_class_unequal_counts(fn):
    """classes of very different sizes, labels as uint8"""
    _compare_per_class(fn, 300, 63, np.uint8)


worst_k = Exercise("worst_k", LESSON)


def _compare_worst(fn, n, k, seed):
    errors = rng(seed).permutation(n) / n + 0.001  # distinct, no ties
    what = f"worst_k(errors, k={k})" if k is not None else "worst_k(errors)"
    got = as_array(fn(errors) if k is None else fn(errors, k=k), what)
    expected = evaluate.worst_k(errors, 10 if k is None else k)
    if got.shape == expected.shape and np.issubdtype(got.dtype, np.floating):
        raise Wrong(f"{what} returned floats: return the indices of the worst images (np.argsort gives them), "
                    "not their errors")
    if got.shape == expected.shape and np.array_equal(np.sort(got), np.sort(expected)) and not np.array_equal(got, expected):
        raise Wrong(f"{what} holds the right images in the wrong order: the worst (largest error) first")
    if got.shape == expected.shape and np.array_equal(got, np.argsort(errors)[:len(expected)]):
        raise Wrong(f"{what} gives the smallest errors: the worst images have the largest")
    expect_shape(got, expected.shape, what, f"the indices of the {len(expected)} largest errors")
    if not np.array_equal(got, expected):
        raise Wrong(f"{what} are not the indices of the largest errors, worst first (np.argsort(errors)[::-1][:k])")


@worst_k.part(1, public=True)
def _worst_ten(fn):
    """indices of the 10 largest errors by default, worst first"""
    _compare_worst(fn, 50, None, 64)


@worst_k.part(1)
def _worst_other_k(fn):
    """other k, including k = 1"""
    _compare_worst(fn, 200, 3, 65)
    _compare_worst(fn, 20, 1, 66)


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
    """other noise levels and images"""
    clean = rng(68).random((64, 28, 28, 1), dtype=np.float32) * 0.5
    sigmas = [0.1, 0.8]
    model = _blurring_model()
    got = as_array(fn(model, clean, sigmas, seed=5), "noise_robustness(model, x, [0.1, 0.8], seed=5)")
    _close(got, evaluate.noise_robustness(model, clean, sigmas, seed=5), "the MSE at sigmas [0.1, 0.8]",
           ROBUSTNESS_MEANING, 0.03, _robustness_mistakes(model, clean, sigmas, 5))
