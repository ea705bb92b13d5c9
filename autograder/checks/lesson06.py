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

COPY_TOLERANCE = 1e-5  # a copy's distance: 0 from the differences; the clipped float64 expansion leaves < 2e-6 on 784 pixels


def _eight_bit_images(seed, n):
    """Images whose pixels are multiples of 1/255, like Fashion-MNIST's."""
    return rng(seed).integers(0, 256, (n, 28, 28, 1)) / 255.0


def _compare_distances(fn, samples, reference, what):
    got = as_array(fn(samples, reference), what)
    expected = audit.nearest_neighbor_distance(samples, reference)
    expect_shape(got, expected.shape, what, "one distance per sample")
    expect_close(got, expected, what, rtol=1e-4, atol=COPY_TOLERANCE, likely={
        "those are squared distances: take the square root": expected**2,
    })


def _expect_copies_at_zero(fn, samples, reference, copies, what):
    """``samples[copies]`` are copies of reference images: their distance must be 0, never NaN."""
    expected = audit.nearest_neighbor_distance(samples, reference)  # before judging: the student image replays it
    got = as_array(fn(samples, reference), what)
    expect_shape(got, (len(samples),), what, "one distance per sample")
    others = np.setdiff1d(np.arange(len(samples)), copies)
    at_copies = got[copies].astype(np.float64)
    if np.isnan(at_copies).any():
        # no count of them: which copies round below zero depends on how the BLAS splits the product
        raise Wrong(f"{what} is NaN for samples that are copies of reference images, where it should be 0: the "
                    "expansion |a|^2 + |b|^2 - 2 a.b rounds to a small negative squared distance, and the square root "
                    "of a negative number is NaN; clip the squared distances at zero before the square root, or "
                    "compute the distance from the differences a - b")
    if np.max(at_copies) > COPY_TOLERANCE and not np.allclose(got[others].astype(np.float64), expected[others], rtol=1e-4):
        raise Wrong(f"{what} is off for the samples that are not copies too, and puts copies at distances up to "
                    f"{np.max(at_copies):.2g}, not 0: for each sample, return the Euclidean distance to its nearest "
                    "reference image (the smallest over all reference images), not a mean, a sum or an index")
    if np.max(at_copies) > COPY_TOLERANCE:
        raise Wrong(f"{what} puts copies of reference images at distances up to {np.max(at_copies):.2g}, not 0: "
                    "if only the copies are off, the expansion |a|^2 + |b|^2 - 2 a.b lost precision (float32 "
                    "arithmetic?); compute in float64, or the distance to the nearest image from the differences a - b")


@nearest_neighbor_distance.part(1, public=True)
def _distances_of_images(fn):
    """Euclidean distance from each image to its nearest reference image; a copy is at distance 0, not NaN"""
    what = "nearest_neighbor_distance(samples, reference)"
    reference = _eight_bit_images(75, 120)
    copies = np.arange(5, 85)
    samples = np.concatenate([_eight_bit_images(74, 5), reference[:80]])
    _expect_copies_at_zero(fn, samples, reference, copies, what)
    _compare_distances(fn, samples, reference, what)


@nearest_neighbor_distance.part(1)
def _distances_copies_and_vectors(fn):
    """a copy of a reference image is at distance 0; flat vectors work too"""
    reference = rng(76).random((30, 12))
    samples = np.concatenate([reference[[4, 17]], rng(77).random((3, 12))])
    what = "nearest_neighbor_distance on vectors, two of them copies"
    _expect_copies_at_zero(fn, samples, reference, [0, 1], what)
    _compare_distances(fn, samples, reference, what)


ood_flags = Exercise("ood_flags", LESSON)


def _compare_flags(fn, errors, threshold):
    what = f"ood_flags(errors, threshold={threshold:.3g})"
    returned = fn(errors, threshold)
    got = as_array(returned, what)
    if isinstance(returned, (list, tuple)):
        raise Wrong(f"{what} returned a {type(returned).__name__}, expected a NumPy array of booleans: the lesson "
                    "takes the flags' .mean() (the fraction flagged); compare the array itself, errors > threshold")
    expected = audit.ood_flags(errors, threshold)
    expect_shape(got, expected.shape, what, "one flag per error")
    if got.dtype != bool:
        raise Wrong(f"{what} returned {got.dtype} values, expected booleans: 0/1 integers used as an index pick "
                    "elements 0 and 1 instead of masking; return the comparison itself (errors > threshold)")
    if not np.array_equal(got, expected) and np.array_equal(got, np.asarray(errors) >= threshold):
        raise Wrong(f"{what} flags the errors equal to the threshold too: flag only those above it (>, not >=)")
    if not np.array_equal(got, expected):
        raise Wrong(f"{what} flags {int(got.sum())} of {len(errors)} inputs, expected {int(expected.sum())}: "
                    "flag the errors above the threshold")


@ood_flags.part(1, public=True)
def _flags(fn):
    """booleans, True where the error is above the threshold (an error equal to it is not above)"""
    errors = np.round(rng(78).random(50) * 0.05, 3)
    errors[[3, 20, 41]] = 0.04  # on the threshold
    _compare_flags(fn, errors, 0.04)


@ood_flags.part(1)
def _flags_other_threshold(fn):
    """another threshold, taken from in-distribution errors"""
    errors = rng(79).gamma(2.0, 0.01, 300)
    _compare_flags(fn, errors, audit.ood_threshold(errors[:200], 0.9))


class_disparity = Exercise("class_disparity", LESSON)


def _compare_disparity(fn, per_class):
    what = "class_disparity(per_class)"
    got = as_number(fn(per_class.copy()), what)
    if np.isnan(got) and np.isnan(per_class).any():
        raise Wrong(f"{what} is NaN when a class has no images (its error is NaN): leave that class out, "
                    "e.g. with np.nanmax and np.nanmin")
    expected = audit.class_disparity(per_class)
    expect_close(got, expected, what, rtol=1e-6, likely={
        "that is best over worst: divide the worst (largest) error by the best": 1 / expected,
        "that is a difference: the disparity is a ratio, worst over best": np.nanmax(per_class) - np.nanmin(per_class),
    })


@class_disparity.part(1, public=True)
def _disparity(fn):
    """worst class error over best class error; a class with no images (NaN) is left out"""
    errors = np.array([0.012, 0.009, 0.015, 0.011, 0.018, 0.010, 0.016, 0.008, 0.013, 0.017])
    _compare_disparity(fn, errors)
    errors[4] = np.nan
    _compare_disparity(fn, errors)


@class_disparity.part(1)
def _disparity_equal_classes(fn):
    """other errors, one class absent; equal errors give 1"""
    errors = rng(80).random(10) * 0.02 + 0.001
    _compare_disparity(fn, errors)
    errors[np.argmin(errors)] = np.nan  # the best class absent: the next one is the best
    _compare_disparity(fn, errors)
    _compare_disparity(fn, np.full(10, 0.02))
