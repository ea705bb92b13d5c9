"""Lesson 5, evaluation: typical wrong answers and the feedback each must get."""

import numpy as np

from tests.submissions import alternative as right


WRONG = {
    "reconstruction_errors": [(lambda a, b: np.mean((a - b) ** 2, axis=0), "one mean squared error per image")],
    "evaluate_denoiser": [(lambda f, noisy, clean: {"mse": float(np.mean((f(noisy) - clean) ** 2)), "psnr": 0.0, "ssim": 0.0}, "PSNR")],
    "per_class_mse": [(lambda e, y: np.bincount(y, weights=e, minlength=10), "sums per class")],
    "worst_k": [(lambda e, k=10: np.argsort(e)[:k], "smallest errors")],
    "noise_robustness": [(lambda model, x, sigmas, seed=0: [np.mean((right.add_gaussian_noise(x, s, seed) - x) ** 2) for s in sigmas], "expected")],
}
