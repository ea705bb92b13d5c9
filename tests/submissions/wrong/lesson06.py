"""Lesson 6, ethics: typical wrong answers and the feedback each must get."""

import numpy as np

from tests.submissions import alternative as right


WRONG = {
    "memorization_gap": [(lambda tr, te: np.mean(tr) - np.mean(te), "sign is flipped")],
    "nearest_neighbor_distance": [(lambda s, r: right.nearest_neighbor_distance(s, r) ** 2, "squared distances")],
    "ood_flags": [(lambda e, t: np.asarray(e) < t, "above the threshold")],
    "class_disparity": [(lambda p: np.min(p) / np.max(p), "best over worst")],
}
