"""Lesson 5, evaluation: typical wrong answers and the feedback each must get."""

import numpy as np
from skimage.metrics import structural_similarity

from tests.submissions import alternative as right
from tests.submissions.wrong import Mistake


def _per_image(x):
    return np.asarray(x, dtype=np.float64).reshape(len(x), -1)


def _scores(estimate, clean, ssim_range=lambda clean, estimate: 1.0, peak=1.0):
    """Mean per-image MSE, PSNR and SSIM, with the mistakes below plugged in."""
    errors = np.mean((_per_image(clean) - _per_image(estimate)) ** 2, axis=1)
    ssims = [structural_similarity(c.squeeze(), e.squeeze(), data_range=ssim_range(c, e)) for c, e in zip(clean, estimate)]
    return {"mse": errors.mean(), "psnr": np.mean(10 * np.log10(peak**2 / errors)), "ssim": np.mean(ssims)}


def _psnr_of_the_mean(f, noisy, clean):
    """The PSNR of the mean MSE (lesson 2's psnr over the whole batch) in place of the mean of per-image PSNRs."""
    scores = _scores(f(noisy), clean)
    return {**scores, "psnr": 10 * np.log10(1 / scores["mse"])}


def _robustness(model, x, sigmas, seed=0, clip=True, against_noisy=False, call_model=True):
    results = []
    for sigma in sigmas:
        noisy = right.add_gaussian_noise(x, sigma, seed) if clip else (x + sigma * np.random.default_rng(seed).standard_normal(x.shape)).astype(np.float32)
        output = model.predict(noisy, verbose=0) if call_model else noisy
        results.append(np.mean((output - (noisy if against_noisy else x)) ** 2))
    return np.array(results)


def _errors(a, b):
    return np.mean((_per_image(a) - _per_image(b)) ** 2, axis=1)


def _report(errors=_errors, per_class=None, worst=None):
    """An error_report with the mistakes given; 'per_class' and 'worst' come from the errors it computed,
    except after a mistake in errors that would crash them (then from the right errors)."""
    def answer(clean, estimate, labels, k=10):
        own, right_errors = np.asarray(errors(clean, estimate)), _errors(clean, estimate)
        base = own if own.shape == right_errors.shape else right_errors
        labels = np.asarray(labels)
        by_class = (per_class or (lambda e, y: np.array([e[y == c].mean() for c in range(10)])))(base, labels)
        return {"errors": own, "per_class": by_class, "worst": (worst or (lambda e, k: np.argsort(e)[::-1][:k]))(base, k)}
    return answer


def _blind(x, max_sigma=0.8, seed=None, levels="image", clip=True, square=False, axes=None, generator=None,
           shape="gaussian"):
    """add_blind_noise with the mistakes given; ``shape`` "uniform" or "laplace" draws noise of unit variance but
    not Gaussian."""
    x = np.asarray(x, dtype=np.float32)
    rng = generator if generator is not None else np.random.default_rng(seed)
    if levels == "image":
        sigmas = rng.uniform(0, max_sigma, size=len(x)).reshape((-1,) + (1,) * (x.ndim - 1) if axes is None else axes)
    elif levels == "batch":
        sigmas = rng.uniform(0, max_sigma)
    elif levels == "pixel":
        sigmas = rng.uniform(0, max_sigma, size=x.shape)
    else:  # drawn from [0, 1], from [max_sigma / 10, max_sigma], half-normal or as a root
        draw = {"unit": lambda: rng.uniform(0, 1, size=len(x)),
                "floor": lambda: rng.uniform(0.1 * max_sigma, max_sigma, size=len(x)),
                "half-normal": lambda: np.abs(rng.normal(0, max_sigma / 2, size=len(x))),
                "root": lambda: np.sqrt(rng.uniform(0, max_sigma, size=len(x)))}[levels]
        sigmas = draw().reshape((-1,) + (1,) * (x.ndim - 1))
    unit = {"gaussian": lambda: rng.standard_normal(x.shape), "uniform": lambda: rng.uniform(-3**0.5, 3**0.5, x.shape),
            "laplace": lambda: rng.laplace(0, 0.5**0.5, x.shape)}[shape]()
    noisy = x + (sigmas**2 if square else sigmas) * unit
    return (np.clip(noisy, 0, 1) if clip else noisy).astype(np.float32)


def _blind_in_place(x, max_sigma=0.8, seed=None):
    rng = np.random.default_rng(seed)
    x = np.asarray(x)
    x += rng.uniform(0, max_sigma, size=len(x)).reshape((-1,) + (1,) * (x.ndim - 1)) * rng.standard_normal(x.shape).astype(x.dtype)
    np.clip(x, 0, 1, out=x)
    return x


class _Global:
    """np.random's global functions, standing in for a seeded generator."""
    uniform = staticmethod(lambda *a, **k: np.random.uniform(*a, **k))
    standard_normal = staticmethod(lambda *a, **k: np.random.standard_normal(*a, **k))


def _blind_one_pattern(x, max_sigma=0.8, seed=None):
    """A new generator with the same seed for every image: one noise pattern, scaled by each image's level."""
    x = np.asarray(x, dtype=np.float32)
    sigmas = np.random.default_rng(seed).uniform(0, max_sigma, size=len(x))
    noisy = [x[i] + sigmas[i] * np.random.default_rng(seed).standard_normal(x[i].shape) for i in range(len(x))]
    return np.clip(np.stack(noisy), 0, 1).astype(np.float32)


WRONG = {
    "error_report": [
        Mistake(_report(errors=lambda a, b: np.mean((np.asarray(a) - b) ** 2, axis=0)), "one mean squared error per image", public=True),
        Mistake(_report(errors=lambda a, b: np.mean((np.asarray(a) - b) ** 2)), "the mean over the whole batch", public=True),
        Mistake(_report(errors=lambda a, b: np.sqrt(_errors(a, b))), "drop the square root", public=True),
        Mistake(_report(errors=lambda a, b: np.sum((_per_image(a) - _per_image(b)) ** 2, axis=1)), "sums of squared errors", public=True),
        Mistake(_report(errors=lambda a, b: np.mean(np.abs(_per_image(a) - _per_image(b)), axis=1)), "square the differences", public=True),
        Mistake(_report(per_class=lambda e, y: np.bincount(y, weights=e, minlength=10)), "sums per class", public=True),
        Mistake(_report(per_class=lambda e, y: np.bincount(y, weights=e, minlength=10) / len(e)), "divided by the number of all images", public=True),
        Mistake(_report(per_class=lambda e, y: np.array([np.median(e[y == k]) for k in range(10)])), "those are medians", public=True),
        Mistake(_report(per_class=lambda e, y: np.bincount(y, weights=e) / np.bincount(y)), "pass minlength=10"),
        Mistake(_report(per_class=lambda e, y: np.array([e[y == k].mean() if np.any(y == k) else 0.0 for k in range(10)])),
                "give it NaN, not 0"),
        Mistake(_report(worst=lambda e, k: np.argsort(e)[:k]), "smallest errors", public=True),  # best first
        Mistake(_report(worst=lambda e, k: np.argsort(e)[-k:]), "in the wrong order", public=True),  # the worst, but best of them first
        Mistake(_report(worst=lambda e, k: np.sort(e)[::-1][:k]), "not their errors", public=True),
        Mistake(lambda clean, estimate, labels, k=10: (_errors(clean, estimate), None, None), "should return a dict", public=True),
    ],
    "evaluate_denoiser": [
        Mistake(lambda f, noisy, clean: {"mse": float(np.mean((f(noisy) - clean) ** 2)), "psnr": 0.0, "ssim": 0.0}, "mean of the per-image PSNRs", public=True),
        Mistake(lambda f, noisy, clean: _scores(noisy, clean), "call denoise_fn(x_noisy)", public=True),  # never calls f
        Mistake(lambda f, noisy, clean: _scores(f(clean), noisy), "(noisy, clean) swapped", public=True),
        Mistake(lambda f, noisy, clean: _scores(f(noisy), clean, ssim_range=lambda c, e: c.max() - c.min()), "each image's own range", public=True),
        Mistake(lambda f, noisy, clean: _scores(f(noisy), clean, ssim_range=lambda c, e: 255), "data_range=255", public=True),
        Mistake(lambda f, noisy, clean: _scores(f(noisy), clean, peak=255), "not 255", public=True),
        Mistake(_psnr_of_the_mean, "the PSNR of the mean MSE"),
    ],
    "noise_robustness": [
        Mistake(lambda model, x, sigmas, seed=0: _robustness(model, x, sigmas, seed, call_model=False), "the model was never called", public=True),
        Mistake(lambda model, x, sigmas, seed=0: _robustness(model, x, sigmas, seed, against_noisy=True), "compare it with x_clean", public=True),
        Mistake(lambda model, x, sigmas, seed=0: _robustness(model, x, sigmas, seed, clip=False), "not clipped", public=True),
        Mistake(lambda model, x, sigmas, seed=0: _robustness(model, x, sigmas, None), "the seed is not used"),
        Mistake(lambda model, x, sigmas, seed=0: _robustness(model, x, sigmas, 0), "the seed is ignored"),
    ],
    "add_blind_noise": [
        Mistake(lambda x, max_sigma=0.8, seed=None: _blind(x, max_sigma, seed, levels="batch"), "not one for the whole batch", public=True),
        Mistake(lambda x, max_sigma=0.8, seed=None: _blind(x, max_sigma, seed, levels="pixel"), "every pixel got its own level", public=True),
        Mistake(lambda x, max_sigma=0.8, seed=None: _blind(x, max_sigma, seed, levels="unit"), "no level may exceed max_sigma", public=True),
        Mistake(lambda x, max_sigma=0.8, seed=None: _blind(x, max_sigma, seed, levels="half-normal"), "no level may exceed max_sigma",
                public=True),
        Mistake(lambda x, max_sigma=0.8, seed=None: _blind(x, max_sigma, seed, levels="root"), "no level may exceed max_sigma", public=True),
        Mistake(lambda x, max_sigma=0.8, seed=None: _blind(x, max_sigma, seed, levels="floor"), "a floor above 0", public=True),
        Mistake(lambda x, max_sigma=0.8, seed=None: _blind(x, max_sigma, seed, square=True), "not by sigma ** 2", public=True),
        Mistake(lambda x, max_sigma=0.8, seed=None: _blind(x, max_sigma, seed).astype(np.float64), "expected float32", public=True),
        Mistake(_blind_in_place, "in place", public=True),
        Mistake(lambda x, max_sigma=0.8, seed=None: _blind(x, max_sigma, seed, shape="uniform"), "not Gaussian", public=True),
        Mistake(lambda x, max_sigma=0.8, seed=None: _blind(x, max_sigma, seed, shape="laplace"), "not Gaussian", public=True),
        Mistake(lambda x, max_sigma=0.8, seed=None: x, "unchanged", public=True),
        Mistake(_blind_one_pattern, "every image has the same noise pattern", public=True),
        Mistake(lambda x, max_sigma=0.8, seed=None: _blind(x, max_sigma, seed, clip=False), "clip the noisy images"),
        Mistake(lambda x, max_sigma=0.8, seed=None: _blind(x, max_sigma, seed, axes=(-1, 1, 1, 1)), "broadcast against the wrong"),
        Mistake(lambda x, max_sigma=0.8, seed=None: _blind(x, max_sigma, seed, generator=_Global), "np.random's global state"),
        Mistake(lambda x, max_sigma=0.8, seed=None: _blind(x, max_sigma, 0), "pass seed to"),
    ],
}
