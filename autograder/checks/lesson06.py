"""Lesson 6, ethics: memorization, nearest neighbours, out-of-distribution flags, class disparity."""

import numpy as np

from autograder.core import Exercise, Wrong, as_array, as_number, expect_close, expect_shape
from dae_reference import audit

LESSON = "06_ethics"
rng = np.random.default_rng

memorization_gap = Exercise("memorization_gap", LESSON)


def _compare_gap(fn, train_errors, test_errors):
    what = "memorization_gap(train_errors, test_errors)"
    expected = audit.memorization_gap(train_errors, test_errors)
    expect_close(as_number(fn(train_errors, test_errors), what), expected, what, rtol=1e-6, likely={
        "the sign is flipped: test minus training, positive when training images are reconstructed better": -expected,
    })


@memorization_gap.part(1, public=True)
def _gap(fn):
    """mean test error minus mean training error"""
    _compare_gap(fn, rng(70).random(100) * 0.01, rng(71).random(100) * 0.02)


@memorization_gap.part(1)
def _gap_unequal_sets(fn):
    """sets of different sizes, and a model that does better on the test set"""
    _compare_gap(fn, rng(72).random(500) * 0.03, rng(73).random(40) * 0.01)


nearest_neighbor_distance = Exercise("nearest_neighbor_distance", LESSON)


def _compare_distances(fn, samples, reference, what):
    got = as_array(fn(samples, reference), what)
    expected = audit.nearest_neighbor_distance(samples, reference)
    expect_shape(got, expected.shape, what, "one distance per sample")
    expect_close(got, expected, what, rtol=1e-4, atol=1e-6, likely={
        "those are squared distances: take the square root": expected**2,
    })


@nearest_neighbor_distance.part(1, public=True)
def _distances_of_images(fn):
    """Euclidean distance from each image to its nearest reference image"""
    _compare_distances(fn, rng(74).random((5, 28, 28, 1)), rng(75).random((40, 28, 28, 1)), "nearest_neighbor_distance(samples, reference)")


@nearest_neighbor_distance.part(1)
def _distances_copies_and_vectors(fn):
    """a copy of a reference image is at distance 0; flat vectors work too"""
    reference = rng(76).random((30, 12))
    samples = np.concatenate([reference[[4, 17]], rng(77).random((3, 12))])
    _compare_distances(fn, samples, reference, "nearest_neighbor_distance on vectors, two of them copies")


ood_flags = Exercise("ood_flags", LESSON)


def _compare_flags(fn, errors, threshold):
    what = f"ood_flags(errors, threshold={threshold:.3g})"
    got = as_array(fn(errors, threshold), what)
    expected = audit.ood_flags(errors, threshold)
    expect_shape(got, expected.shape, what, "one flag per error")
    if not np.array_equal(got.astype(bool), expected):
        flagged = int(got.astype(bool).sum())
        raise Wrong(f"{what} flags {flagged} of {len(errors)} inputs, expected {int(expected.sum())}: "
                    "flag the errors above the threshold")


@ood_flags.part(1, public=True)
def _flags(fn):
    """True where the error is above the threshold"""
    _compare_flags(fn, rng(78).random(50) * 0.05, 0.04)


@ood_flags.part(1)
def _flags_other_threshold(fn):
    """another threshold, taken from in-distribution errors"""
    errors = rng(79).gamma(2.0, 0.01, 300)
    _compare_flags(fn, errors, audit.ood_threshold(errors[:200], 0.9))


class_disparity = Exercise("class_disparity", LESSON)


def _compare_disparity(fn, per_class):
    what = "class_disparity(per_class)"
    expected = audit.class_disparity(per_class)
    expect_close(as_number(fn(per_class), what), expected, what, rtol=1e-6, likely={
        "that is best over worst: divide the worst (largest) error by the best": 1 / expected,
        "that is a difference: the disparity is a ratio, worst over best": np.max(per_class) - np.min(per_class),
    })


@class_disparity.part(1, public=True)
def _disparity(fn):
    """worst class error over best class error"""
    _compare_disparity(fn, np.array([0.012, 0.009, 0.015, 0.011, 0.018, 0.010, 0.016, 0.008, 0.013, 0.017]))


@class_disparity.part(1)
def _disparity_equal_classes(fn):
    """other errors; equal errors give 1"""
    _compare_disparity(fn, rng(80).random(10) * 0.02 + 0.001)
    _compare_disparity(fn, np.full(10, 0.02))
