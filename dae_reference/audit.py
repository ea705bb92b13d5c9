"""Auditing a trained denoiser: memorization, unequal errors, out-of-distribution inputs.

A denoiser that reconstructs its training images much better than unseen ones
may be copying them; one whose error differs by class serves some inputs
worse than others; and one given an input unlike its training data still
returns something that looks like its training data.
"""

import numpy as np


def memorization_gap(train_errors, test_errors):
    """Mean test error minus mean training error: near 0 for a model that generalizes."""
    return float(np.mean(test_errors) - np.mean(train_errors))


def nearest_neighbor_distance(samples, reference, chunk=512):
    """Euclidean distance from each sample to its nearest image in ``reference``.

    Parameters
    ----------
    samples : float array ``(n, ...)``
    reference : float array ``(m, ...)``, each image of the same size as a sample

    Returns
    -------
    float64 array ``(n,)``
    """
    a = np.asarray(samples, dtype=np.float64).reshape(len(samples), -1)
    b = np.asarray(reference, dtype=np.float64).reshape(len(reference), -1)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"samples have {a.shape[1]} values each but reference images have {b.shape[1]}")
    b_sq = np.sum(b**2, axis=1)
    nearest = np.empty(len(a))
    for start in range(0, len(a), chunk):  # chunks keep the (chunk, m) distance matrix small
        part = a[start : start + chunk]
        sq = np.sum(part**2, axis=1)[:, None] + b_sq[None, :] - 2 * part @ b.T
        nearest[start : start + chunk] = np.sqrt(np.maximum(sq.min(axis=1), 0))
    return nearest


def ood_threshold(in_distribution_errors, quantile=0.99):
    """The error below which ``quantile`` of the in-distribution images fall."""
    return float(np.quantile(in_distribution_errors, quantile))


def ood_flags(errors, threshold):
    """True for each error above ``threshold``: a bool array of the shape of ``errors``."""
    return np.asarray(errors) > threshold


def class_disparity(per_class):
    """Worst over best class error (NaNs, absent classes, ignored): 1 means equal treatment."""
    per_class = np.asarray(per_class, dtype=np.float64)
    return float(np.nanmax(per_class) / np.nanmin(per_class))


def out_of_distribution_sets(x, n=256):
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
