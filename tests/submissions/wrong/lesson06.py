"""Lesson 6, ethics: typical wrong answers and the feedback each must get."""

import numpy as np

from tests.submissions import alternative as right
from tests.submissions.wrong import Mistake


def _squared_distances_by_expansion(samples, reference, dtype=np.float64):
    """|a|^2 + |b|^2 - 2 a.b for every pair: (n, m)."""
    a = np.asarray(samples, dtype=dtype).reshape(len(samples), -1)
    b = np.asarray(reference, dtype=dtype).reshape(len(reference), -1)
    return (a**2).sum(axis=1)[:, None] + (b**2).sum(axis=1)[None, :] - 2 * a @ b.T


def _expansion_unclipped(samples, reference):
    return np.sqrt(_squared_distances_by_expansion(samples, reference).min(axis=1))


def _expansion_in_float32(samples, reference):
    squared = _squared_distances_by_expansion(samples, reference, np.float32)
    return np.sqrt(np.maximum(squared.min(axis=1), 0))


def _disparity_ignoring_nan(per_class):
    return np.max(per_class) / np.min(per_class)


def _mean_distance(samples, reference):
    a, b = np.reshape(samples, (len(samples), -1)), np.reshape(reference, (len(reference), -1))
    return np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=-1)).mean(axis=1)


WRONG = {
    "memorization_gap": [
        Mistake(lambda tr, te: np.mean(tr) - np.mean(te), "sign is flipped", public=True),
    ],
    "nearest_neighbor_distance": [
        Mistake(lambda s, r: right.nearest_neighbor_distance(s, r) ** 2, "squared distances", public=True),
        Mistake(_expansion_unclipped, "rounds to a small negative squared distance", public=True),
        Mistake(_expansion_in_float32, "lost precision (float32 arithmetic?)", public=True),
        Mistake(_mean_distance, "not a mean, a sum or an index", public=True),
    ],
    "ood_flags": [
        Mistake(lambda e, t: np.asarray(e) < t, "above the threshold", public=True),
        Mistake(lambda e, t: (np.asarray(e) > t).astype(int), "0/1 integers used as an index", public=True),
        Mistake(lambda e, t: np.asarray(e) >= t, "not >=", public=True),
        Mistake(lambda e, t: [bool(error > t) for error in e], "the flags' .mean()", public=True),
    ],
    "class_disparity": [
        Mistake(lambda p: np.nanmin(p) / np.nanmax(p), "best over worst", public=True),
        Mistake(lambda p: np.nanmax(p) - np.nanmin(p), "that is a difference", public=True),
        Mistake(_disparity_ignoring_nan, "a class has no images", public=True),
    ],
}
