"""Lesson 5, evaluation: per-image errors, scores, per-class error, worst cases, robustness."""

from unittest import mock

import numpy as np

from autograder.core import Exercise, Wrong, as_array, as_number, expect_close, expect_shape
from dae_reference import evaluate
from dae_reference.noise import add_gaussian_noise

LESSON = "05_evaluation"
rng = np.random.default_rng


def _pair(seed, shape=(6, 28, 28, 1)):
    clean = rng(seed).random(shape, dtype=np.float32)
    return clean, np.clip(clean + rng(seed + 1).normal(0, 0.2, shape), 0, 1).astype(np.float32)


reconstruction_errors = Exercise("reconstruction_errors", LESSON)


def _compare_errors(fn, shape, seed):
    clean, estimate = _pair(seed, shape)
    what = f"reconstruction_errors on images of shape {shape}"
    got = as_array(fn(clean, estimate), what)
    expected = evaluate.reconstruction_errors(clean, estimate)
    expect_shape(got, expected.shape, what, "one mean squared error per image: average over every axis but the first")
    expect_close(got, expected, what, rtol=1e-4)


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


def _compare_scores(fn, denoise, seed, what):
    clean, noisy = _pair(seed, (8, 28, 28, 1))
    # Graded with a correct reconstruction_errors, so that a mistake there is not counted twice.
    with mock.patch.dict(fn.__globals__, {"reconstruction_errors": evaluate.reconstruction_errors}):
        scores = fn(denoise, noisy, clean)
    if not isinstance(scores, dict) or not {"mse", "psnr", "ssim"} <= set(scores):
        raise Wrong(f"evaluate_denoiser should return a dict with keys 'mse', 'psnr', 'ssim', got {scores!r:.80}")
    estimate = np.asarray(denoise(noisy))
    expected = evaluate.denoising_scores(clean, estimate)
    expect_close(as_number(scores["mse"], "scores['mse']"), expected["mse"], f"the MSE of {what}", rtol=1e-4)
    psnr = as_number(scores["psnr"], "scores['psnr']")
    of_the_mean = evaluate.psnr(clean, estimate)  # PSNR of the mean MSE: also a fair summary
    if not (np.isclose(psnr, expected["psnr"], atol=0.02) or np.isclose(psnr, of_the_mean, atol=0.02)):
        raise Wrong(f"the PSNR of {what} is {psnr:.3f} dB, expected {expected['psnr']:.3f} (the mean of per-image PSNRs)")
    ssim = as_number(scores["ssim"], "scores['ssim']")
    if not np.isclose(ssim, expected["ssim"], atol=2e-3):
        raise Wrong(f"the SSIM of {what} is {ssim:.4f}, expected {expected['ssim']:.4f}: the mean over images of "
                    "skimage.metrics.structural_similarity(clean, denoised, data_range=1) on 2-D images")


@evaluate_denoiser.part(1, public=True)
def _scores_of_doing_nothing(fn):
    """mse, psnr and ssim of a denoiser that returns its input"""
    _compare_scores(fn, lambda x: x, 56, "the identity")


@evaluate_denoiser.part(1)
def _scores_of_a_blur(fn):
    """mse, psnr and ssim of a Gaussian blur, on other images"""
    _compare_scores(fn, lambda x: evaluate.gaussian_blur(x, 1.0), 58, "a Gaussian blur")


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
    expect_close(got, expected, what, rtol=1e-6, likely={"those are sums per class; divide by each class's count": sums})


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
    expect_close(got, expected, "the MSE at sigmas [0.0, 0.25, 0.5]", rtol=0.03, likely={
        "these are the errors of the noisy inputs: score the model's output": [evaluate.mse(clean, add_gaussian_noise(clean, s, seed=1)) for s in sigmas],
    })


@noise_robustness.part(1)
def _robustness_other_levels(fn):
    """other noise levels and images"""
    clean = rng(68).random((64, 28, 28, 1), dtype=np.float32) * 0.5
    sigmas = [0.1, 0.8]
    model = _blurring_model()
    got = as_array(fn(model, clean, sigmas, seed=5), "noise_robustness(model, x, [0.1, 0.8], seed=5)")
    expect_close(got, evaluate.noise_robustness(model, clean, sigmas, seed=5), "the MSE at sigmas [0.1, 0.8]", rtol=0.03)
