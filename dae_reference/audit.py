"""Auditing a trained denoiser: memorization, unequal errors, out-of-distribution inputs.

A denoiser that reconstructs its training images much better than unseen ones
may be copying them; one whose error differs by class serves some inputs
worse than others; and one given an input unlike its training data still
returns something that looks like its training data.

``python -m dae_reference record audit`` re-runs the audit lesson 6 teaches on the
shipped weights and writes ``results/full/audit.json``, the numbers the
lesson's prose quotes.
"""

import json
from pathlib import Path

import numpy as np
from scipy.stats import rankdata

SIGMA = 0.5  # the noise level the model was trained for
N_IMAGES = 5000  # images per set in the lesson's full profile
OOD_QUANTILE = 0.99  # the detector flags what fewer than 1% of in-distribution inputs exceed
N_OOD = 256  # images per out-of-distribution set
N_LIBRARY = 10_000  # training images searched for nearest neighbours
N_PROBE = 200  # test images whose nearest training images are searched
N_CODE_LIBRARY = 5000  # noisy training images whose codes the code-space score searches
SEEDS = {"memorization": 1, "nearest neighbours": 2, "out of distribution": 3}  # noise seeds, as in the lesson


def memorization_gap(train_errors, test_errors):
    """Mean test error minus mean training error: near 0 for a model that generalizes."""
    return float(np.mean(test_errors) - np.mean(train_errors))


def _flat(images, name):
    array = np.asarray(images, dtype=np.float64)
    if array.ndim < 2:
        raise ValueError(f"{name} must hold one image or vector per row, got shape {array.shape}")
    return array.reshape(len(array), -1)


def nearest_neighbor_distance(samples, reference, chunk=512):
    """Euclidean distance from each sample to its nearest image in ``reference``.

    The expansion ``|a|^2 + |b|^2 - 2 a.b`` finds the nearest image with one
    matrix product, but its rounding leaves about 1e-13 where the distance is
    0, sometimes below 0 (the square root is then NaN). So it only picks the
    nearest image; the distance to it is computed from the differences, and a
    copy of a reference image is at distance exactly 0.0.

    Parameters
    ----------
    samples : float array ``(n, ...)``
    reference : float array ``(m, ...)``, each image of the same size as a sample
    chunk : int, samples compared at once (memory ``chunk * m`` floats)

    Returns
    -------
    float64 array ``(n,)``, >= 0, never NaN for finite input
    """
    a, b = _flat(samples, "samples"), _flat(reference, "reference")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"samples have {a.shape[1]} values each but reference images have {b.shape[1]}")
    if len(b) == 0:
        raise ValueError("reference is empty: there is no nearest image")
    b_squared = np.sum(b**2, axis=1)
    nearest = np.empty(len(a))
    for start in range(0, len(a), chunk):  # chunks keep the (chunk, m) matrix small
        part = a[start : start + chunk]
        squared = b_squared[None, :] - 2 * part @ b.T  # |a|^2 is the same in a row: not needed for the argmin
        index = np.argmin(squared, axis=1)
        nearest[start : start + chunk] = np.sqrt(np.sum((part - b[index]) ** 2, axis=1))
    return nearest


def ood_threshold(in_distribution_errors, quantile=OOD_QUANTILE):
    """The error below which ``quantile`` of the in-distribution images fall."""
    return float(np.quantile(in_distribution_errors, quantile))


def ood_flags(errors, threshold):
    """True for each error above ``threshold``: a bool array of the shape of ``errors``."""
    return np.asarray(errors) > threshold


def class_disparity(per_class):
    """Worst over best class error (NaNs, absent classes, ignored): 1 means equal treatment."""
    per_class = np.asarray(per_class, dtype=np.float64)
    return float(np.nanmax(per_class) / np.nanmin(per_class))


def audit(train_errors, test_errors, test_labels, new_errors, quantile=OOD_QUANTILE, n_classes=10):
    """The three numbers of an error audit, from per-image reconstruction errors.

    Parameters
    ----------
    train_errors : float array ``(n,)``, errors on training images
    test_errors : float array ``(m,)``, errors on unseen in-distribution images
    test_labels : int array ``(m,)`` in ``0 .. n_classes - 1``, the class of each test image
    new_errors : float array ``(k,)``, errors on the inputs to screen
    quantile : float in (0, 1), share of in-distribution errors the threshold lets through

    Returns
    -------
    dict with ``"gap"`` (mean test minus mean training error: positive when the
    training images are reconstructed better), ``"threshold"`` (the
    ``quantile`` of the *test* errors, ``np.quantile``'s default interpolation:
    taken from in-distribution images only, so that the inputs judged do not
    move it), ``"flags"`` (bool ``(k,)``, True where a new error is above the
    threshold, strictly) and ``"disparity"`` (the worst class's mean test
    error over the best's; a class with no test image has no error and is
    left out).
    """
    test_errors, test_labels = np.asarray(test_errors, dtype=np.float64), np.asarray(test_labels)
    if test_errors.shape != test_labels.shape:
        raise ValueError(f"test_errors has shape {test_errors.shape} but test_labels has shape {test_labels.shape}")
    threshold = ood_threshold(test_errors, quantile)
    counts = np.bincount(test_labels, minlength=n_classes)
    with np.errstate(invalid="ignore"):
        per_class = np.bincount(test_labels, weights=test_errors, minlength=n_classes) / counts  # NaN: no image
    return {"gap": memorization_gap(train_errors, test_errors), "threshold": threshold,
            "flags": ood_flags(new_errors, threshold), "disparity": class_disparity(per_class)}


def class_energy(images, labels, n_classes=10):
    """Mean pixel energy of each class: the mean of ``x**2`` over its images and pixels.

    Parameters
    ----------
    images : float array ``(n, 28, 28, 1)`` in [0, 1], clean images
    labels : int array ``(n,)`` in ``0 .. n_classes - 1``

    Returns
    -------
    float64 array ``(n_classes,)``, NaN for a class with no image
    """
    energy = np.mean(np.asarray(images, dtype=np.float64) ** 2, axis=tuple(range(1, np.ndim(images))))
    labels = np.asarray(labels)
    if energy.shape != labels.shape:
        raise ValueError(f"images has {len(energy)} images but labels has shape {labels.shape}; expected one label each")
    counts = np.bincount(labels, minlength=n_classes)
    with np.errstate(invalid="ignore"):
        return np.bincount(labels, weights=energy, minlength=n_classes) / counts


def residual_scores(noisy, outputs):
    """Mean squared difference between each noisy input and its output: ``(n,)``.

    Unlike the error against the clean image, a deployed denoiser can compute it.
    """
    noisy, outputs = np.asarray(noisy, dtype=np.float64), np.asarray(outputs, dtype=np.float64)
    if noisy.shape != outputs.shape:
        raise ValueError(f"noisy has shape {noisy.shape} but outputs has shape {outputs.shape}; they must match")
    return np.mean((noisy - outputs) ** 2, axis=tuple(range(1, noisy.ndim)))


def roc_auc(in_distribution_scores, out_of_distribution_scores):
    """Area under the ROC curve of a score that should be higher out of distribution.

    The Mann-Whitney statistic: the probability that a random out-of-distribution
    input scores above a random in-distribution one, ties counting half. 1 is a
    perfect detector, 0.5 chance, below 0.5 a score that points the wrong way.
    """
    inside = np.asarray(in_distribution_scores, dtype=np.float64).ravel()
    outside = np.asarray(out_of_distribution_scores, dtype=np.float64).ravel()
    if inside.size == 0 or outside.size == 0:
        raise ValueError(f"both score sets must be non-empty, got {inside.size} and {outside.size} scores")
    ranks = rankdata(np.concatenate([inside, outside]))  # ties get their average rank
    rank_sum = ranks[inside.size :].sum()
    return float((rank_sum - outside.size * (outside.size + 1) / 2) / (inside.size * outside.size))


def out_of_distribution_sets(x, n=N_OOD):
    """Inputs unlike Fashion-MNIST's, made without a download.

    Parameters
    ----------
    x : float array ``(m, 28, 28, 1)`` in [0, 1], Fashion-MNIST images
    n : int, how many of each

    Returns
    -------
    dict of name -> float32 array ``(n, 28, 28, 1)`` in [0, 1]: garments with
    inverted brightness, garments turned by 90 degrees, and scikit-learn's
    handwritten digits scaled up to 20x20 and centred as in MNIST.
    """
    from skimage.transform import resize
    from sklearn.datasets import load_digits

    x = np.asarray(x[:n], dtype=np.float32)
    digits = load_digits().images[:n] / 16.0  # (n, 8, 8), values 0..16
    digits = np.stack([resize(d, (20, 20), order=1) for d in digits])
    digits = np.pad(digits, ((0, 0), (4, 4), (4, 4)))[..., None]
    return {
        "inverted garments": 1.0 - x,
        "rotated garments": np.rot90(x, axes=(1, 2)).copy(),
        "handwritten digits": np.clip(digits, 0, 1).astype(np.float32),
    }


def _corrupt_and_denoise(model, clean, seed):
    """The noisy inputs (as in training, sigma 0.5) and the model's outputs, both ``(n, 28, 28, 1)`` float32."""
    from dae_reference.noise import add_gaussian_noise

    noisy = add_gaussian_noise(clean, SIGMA, seed=seed)
    return noisy, model.predict(noisy, batch_size=256, verbose=0)


def _errors(clean, outputs):
    from dae_reference.evaluate import reconstruction_errors

    return reconstruction_errors(np.asarray(clean, np.float64), np.asarray(outputs, np.float64))


def audit_memorization(model, x_train, x_test, n=N_IMAGES):
    """Section 1: mean reconstruction error of ``n`` training and ``n`` test images, and the gap."""
    train_errors = _errors(x_train[:n], _corrupt_and_denoise(model, x_train[:n], SEEDS["memorization"])[1])
    test_errors = _errors(x_test[:n], _corrupt_and_denoise(model, x_test[:n], SEEDS["memorization"])[1])
    summary = {"n": n, "train_mse": float(train_errors.mean()), "test_mse": float(test_errors.mean()),
               "gap": memorization_gap(train_errors, test_errors)}
    return summary, train_errors, test_errors


def audit_nearest_neighbours(model, x_train, x_test):
    """Section 2: distances from test images and their reconstructions to the nearest training image."""
    probe, library = x_test[:N_PROBE], x_train[:N_LIBRARY]
    to_clean = nearest_neighbor_distance(probe, library)
    to_denoised = nearest_neighbor_distance(_corrupt_and_denoise(model, probe, SEEDS["nearest neighbours"])[1], library)
    return {"n_probe": N_PROBE, "n_library": N_LIBRARY, "median_to_clean": float(np.median(to_clean)),
            "median_to_denoised": float(np.median(to_denoised)),
            "fraction_below_half": float(np.mean(to_denoised < to_clean / 2)),
            "smallest_to_denoised": float(to_denoised.min())}


def code_distance_scores(encoder, noisy, library_codes):
    """Distance from the code of each noisy input to the nearest code in ``library_codes``: ``(n,)``.

    ``encoder`` maps ``(n, 28, 28, 1)`` images to codes; ``library_codes`` are
    the codes of noisy training images, flattened ``(m, code size)``.
    """
    codes = encoder.predict(noisy, batch_size=256, verbose=0)
    return nearest_neighbor_distance(codes, library_codes)


def audit_out_of_distribution(model, x_train, x_test, test_errors, n=N_IMAGES):
    """Section 3: the oracle detector (error against the clean image) and two a deployment can use.

    ``oracle`` compares the output with the clean image, which a deployment
    never has; ``residual`` compares it with the noisy input; ``code`` is the
    distance from the input's code to the nearest code of a noisy training
    image. Each threshold is the 99% quantile of the score on the
    in-distribution test images; AUROC compares them with each shifted set.
    """
    encoder = model.get_layer("encoder")
    library_noisy, _ = _corrupt_and_denoise(model, x_train[:N_CODE_LIBRARY], SEEDS["memorization"])
    library_codes = encoder.predict(library_noisy, batch_size=256, verbose=0).reshape(N_CODE_LIBRARY, -1)
    test_noisy, test_outputs = _corrupt_and_denoise(model, x_test[:n], SEEDS["memorization"])
    in_scores = {"oracle": test_errors, "residual": residual_scores(test_noisy, test_outputs),
                 "code": code_distance_scores(encoder, test_noisy, library_codes)}
    thresholds = {name: ood_threshold(scores) for name, scores in in_scores.items()}
    result = {"quantile": OOD_QUANTILE, "n_per_set": N_OOD, "n_code_library": N_CODE_LIBRARY,
              "thresholds": thresholds, "sets": {}}
    for name, images in out_of_distribution_sets(x_test, n=N_OOD).items():
        noisy, outputs = _corrupt_and_denoise(model, images, SEEDS["out of distribution"])
        scores = {"oracle": _errors(images, outputs), "residual": residual_scores(noisy, outputs),
                  "code": code_distance_scores(encoder, noisy, library_codes)}
        result["sets"][name] = {
            score: {"flagged": float(ood_flags(scores[score], thresholds[score]).mean()),
                    "auroc": roc_auc(in_scores[score], scores[score])}
            for score in scores}
    return result


def audit_classes(test_errors, x_test, y_test):
    """Section 4: per-class error, raw and divided by the class's mean pixel energy, and each disparity."""
    from dae_reference.data import CLASS_NAMES
    from dae_reference.evaluate import per_class_mse

    labels = np.asarray(y_test[: len(test_errors)])
    raw = per_class_mse(test_errors, labels)
    energy = class_energy(x_test[: len(test_errors)], labels)
    result = {"energy": dict(zip(CLASS_NAMES, energy.round(6).tolist()))}
    for name, values in (("raw", raw), ("normalised", raw / energy)):
        result[name] = {"per_class": dict(zip(CLASS_NAMES, values.round(6).tolist())),
                        "disparity": class_disparity(values),
                        "best": CLASS_NAMES[int(np.nanargmin(values))], "worst": CLASS_NAMES[int(np.nanargmax(values))]}
    return result


def run_audit(model, x_train, x_test, y_test, n=N_IMAGES):
    """Every measurement of lesson 6 on ``model``: a JSON-ready dict."""
    memorization, _, test_errors = audit_memorization(model, x_train, x_test, n)
    return {"sigma": SIGMA, "noise_seeds": SEEDS, "memorization": memorization,
            "nearest_neighbours": audit_nearest_neighbours(model, x_train, x_test),
            "out_of_distribution": audit_out_of_distribution(model, x_train, x_test, test_errors, n),
            "classes": audit_classes(test_errors, x_test, y_test)}


def record_audit(path, n=N_IMAGES):
    """Audit the shipped weights as lesson 6 does and write the summary as JSON to ``path``.

    ``python -m dae_reference record audit`` does this (about 4 minutes on a 2-core CPU).
    """
    from dae_reference.data import load_fashion_mnist
    from dae_reference.model import load_pretrained

    (x_train, _), (x_test, y_test) = load_fashion_mnist()
    summary = run_audit(load_pretrained(), x_train, x_test, y_test, n=n)
    Path(path).write_text(json.dumps(summary, indent=2) + "\n")
    return summary
