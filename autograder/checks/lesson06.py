"""Lesson 6, ethics: nearest neighbours, the error audit (memorization, out-of-distribution flags, class disparity), a linear probe."""

import numpy as np

from autograder.core import Exercise, Wrong, as_array, as_number, expect_close, expect_shape
from dae_reference import audit
from dae_reference import probe as audit_probe

LESSON = "06_ethics"
rng = np.random.default_rng

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


audit_errors = Exercise("audit", LESSON)

AUDIT_KEYS = ("gap", "threshold", "flags", "disparity")


def _audit_inputs(seed, n_train, n_test, n_new, absent=(), scale_new=3.0, quantile=0.99):
    """Errors and labels; three test errors tie at the quantile, so the threshold is one of them, whatever the rounding."""
    generator = rng(seed)
    train = generator.gamma(2.0, 0.005, n_train)
    test = generator.gamma(2.0, 0.006, n_test)
    order, at = np.argsort(test), round((n_test - 1) * quantile)
    test[order[at - 1 : at + 2]] = test[order[at]]  # below the largest: a maximum is not the quantile
    labels = generator.integers(0, 10, n_test)
    for k in absent:
        labels[labels == k] = (k + 1) % 10 if (k + 1) % 10 not in absent else (k + 2) % 10
    new = generator.gamma(2.0, 0.006 * scale_new, n_new)
    new[: min(3, n_new)] = np.quantile(test, quantile)  # on the threshold: not above it
    return train, test, labels, new


def _call_audit(fn, train, test, labels, new, quantile=None):
    """The student's dict, and how to name the call."""
    what = "audit(train_errors, test_errors, test_labels, new_errors" + (f", quantile={quantile}" if quantile else "") + ")"
    args = (train.copy(), test.copy(), labels.copy(), new.copy())
    result = fn(*args) if quantile is None else fn(*args, quantile=quantile)
    if result is None:
        raise Wrong(f"{what} returned None: did you forget the `return` statement?")
    if not isinstance(result, dict):
        raise Wrong(f"{what} returned a {type(result).__name__}, expected a dict with the keys {', '.join(AUDIT_KEYS)}")
    missing = [key for key in AUDIT_KEYS if key not in result]
    if missing:
        raise Wrong(f"{what} returned a dict without {', '.join(repr(k) for k in missing)}: it needs the keys "
                    f"{', '.join(AUDIT_KEYS)}")
    return result, what


def _check_gap(result, what, expected, train, test):
    expect_close(as_number(result["gap"], f'{what}["gap"]'), expected["gap"], f'{what}["gap"]', rtol=1e-6, likely={
        "the sign is flipped: test minus training, positive when training images are reconstructed better": -expected["gap"],
    }, otherwise="the gap is the mean test error minus the mean training error")


def _check_threshold_and_flags(result, what, expected, train, test, new, quantile):
    name = f'{what}["threshold"]'
    expect_close(as_number(result["threshold"], name), expected["threshold"], name, rtol=1e-9, likely={
        f"the quantile argument is ignored: use the quantile passed in ({quantile}), not 0.99": np.quantile(test, 0.99),
        "the threshold comes from new_errors, the inputs being judged: take it from the in-distribution test errors "
        "only, or an unusual set moves its own bar": np.quantile(new, quantile),
        "the threshold pools the test and new errors: take it from the in-distribution test errors only":
            np.quantile(np.concatenate([test, new]), quantile),
        "the threshold comes from the training errors, which the model has seen and reconstructs a little better: "
        "take it from the test errors": np.quantile(train, quantile),
        "np.percentile takes a percentage (99), np.quantile a fraction (0.99)": np.percentile(test, quantile),
        "that is the largest test error, not a quantile of them": np.max(test),
    }, otherwise="the threshold is the quantile of the test errors, np.quantile(test_errors, quantile)")
    name = f'{what}["flags"]'
    flags = result["flags"]
    got = as_array(flags, name)
    if isinstance(flags, (list, tuple)):
        raise Wrong(f"{name} is a {type(flags).__name__}, expected a NumPy array of booleans: the lesson takes the "
                    "flags' .mean() (the fraction flagged); return the comparison itself, new_errors > threshold")
    expect_shape(got, expected["flags"].shape, name, "one flag per new error")
    if got.dtype != bool:
        raise Wrong(f"{name} holds {got.dtype} values, expected booleans: 0/1 integers used as an index pick "
                    "elements 0 and 1 instead of masking; return the comparison itself (new_errors > threshold)")
    if not np.array_equal(got, expected["flags"]) and np.array_equal(got, new >= expected["threshold"]):
        raise Wrong(f"{name} flags the errors equal to the threshold too: flag only those above it (>, not >=)")
    if not np.array_equal(got, expected["flags"]):
        raise Wrong(f"{name} flags {int(got.sum())} of {len(new)} inputs, expected {int(expected['flags'].sum())}: "
                    "flag the new errors above the threshold")


def _class_means(errors, labels):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.bincount(labels, weights=errors, minlength=10) / np.bincount(labels, minlength=10)


def _check_disparity(result, what, expected, test, labels):
    name = f'{what}["disparity"]'
    got = as_number(result["disparity"], name)
    means = _class_means(test, labels)
    if np.isnan(got) and np.isnan(means).any():
        raise Wrong(f"{name} is NaN when a class has no test image (its mean error is NaN): leave that class out, "
                    "e.g. with np.nanmax and np.nanmin")
    sums = np.bincount(labels, weights=test, minlength=10)
    expect_close(got, expected["disparity"], name, rtol=1e-6, likely={
        "that is best over worst: divide the worst (largest) class error by the best": 1 / expected["disparity"],
        "that is a difference: the disparity is a ratio, worst over best": np.nanmax(means) - np.nanmin(means),
        "those are the classes' summed errors: take each class's mean, so that a larger class does not look worse":
            sums.max() / sums[sums > 0].min(),
        "that compares single images: take the mean error of each class first, then worst over best":
            np.max(test) / np.min(test),
    }, otherwise="average the test errors of each class, then divide the largest class mean by the smallest")


def _run_audit(fn, seed, n_train, n_test, n_new, absent=(), quantile=None):
    train, test, labels, new = _audit_inputs(seed, n_train, n_test, n_new, absent, quantile=quantile or 0.99)
    expected = audit.audit(train, test, labels, new, **({} if quantile is None else {"quantile": quantile}))
    result, what = _call_audit(fn, train, test, labels, new, quantile)
    return result, what, expected, (train, test, labels, new)


@audit_errors.part(1, public=True)
def _audit_gap(fn):
    """"gap": mean test error minus mean training error"""
    result, what, expected, (train, test, _, _) = _run_audit(fn, 81, 100, 201, 60)
    _check_gap(result, what, expected, train, test)


@audit_errors.part(1, public=True)
def _audit_flags(fn):
    """"threshold": the 0.99 quantile of the test errors; "flags": booleans, True above it (not at it)"""
    result, what, expected, (train, test, _, new) = _run_audit(fn, 82, 100, 201, 60)
    _check_threshold_and_flags(result, what, expected, train, test, new, 0.99)


@audit_errors.part(1, public=True)
def _audit_disparity(fn):
    """"disparity": the worst class's mean test error over the best's; a class with no test image is left out"""
    result, what, expected, (_, test, labels, _) = _run_audit(fn, 83, 100, 201, 60, absent=(4,))
    _check_disparity(result, what, expected, test, labels)


@audit_errors.part(1)
def _audit_other_sets(fn):
    """other sizes, quantile 0.9, two classes absent: every key"""
    result, what, expected, (train, test, labels, new) = _run_audit(fn, 84, 500, 301, 120, absent=(0, 7), quantile=0.9)
    _check_gap(result, what, expected, train, test)
    _check_threshold_and_flags(result, what, expected, train, test, new, 0.9)
    _check_disparity(result, what, expected, test, labels)


linear_probe = Exercise("linear_probe", LESSON)

PROBE_TOLERANCE = 0.011  # two test examples in 200: other solvers and convergence tolerances move a borderline one


def _probe_data(seed, n_train, n_test, shape, sep, p_test=None, scales=None, constant=False, test_scales=None):
    """Three classes of Gaussian blobs: features ``(n, *shape)`` and labels; ``p_test`` the test set's class mix,
    ``test_scales`` a factor per feature of the test set's alone."""
    generator = rng(seed)
    d = int(np.prod(shape))
    centres = generator.normal(0, sep, (3, d))
    y_train, y_test = generator.integers(0, 3, n_train), generator.choice(3, n_test, p=p_test)
    x_train = centres[y_train] + generator.normal(0, 1, (n_train, d))
    x_test = centres[y_test] + generator.normal(0, 1, (n_test, d))
    if scales is not None:
        x_train, x_test = x_train * scales, x_test * scales
    if test_scales is not None:
        x_test = x_test * test_scales
    if constant:  # a unit that never fires, as a ReLU code can have
        x_train[:, 0], x_test[:, 0] = 0.0, 0.0
    return x_train.reshape(n_train, *shape), y_train, x_test.reshape(n_test, *shape), y_test


def _fitted(x_train, y_train, C=1.0, scale_train=True):
    from sklearn.linear_model import LogisticRegression

    x_train = x_train.reshape(len(x_train), -1)
    return LogisticRegression(C=C, max_iter=1000, random_state=0).fit(_standardised(x_train) if scale_train else x_train,
                                                                        y_train)


def _standardised(x, statistics_of=None):
    from sklearn.preprocessing import StandardScaler

    x = x.reshape(len(x), -1)
    source = x if statistics_of is None else statistics_of.reshape(len(statistics_of), -1)
    return StandardScaler().fit(source).transform(x)


def _call_probe(fn, data, C=None, seed=None):
    x_train, y_train, x_test, y_test = data
    what = "linear_probe(features_train, y_train, features_test, y_test" + (f", C={C}" if C is not None else "") + ")"
    kwargs = {k: v for k, v in (("C", C), ("seed", seed)) if v is not None}
    try:
        got = fn(x_train.copy(), y_train.copy(), x_test.copy(), y_test.copy(), **kwargs)
    except Exception as error:  # by its name: raised in a sandboxed kernel, it arrives as an Exception named ValueError
        if (type(error).__name__ == "ValueError" and "NaN" in str(error)
                and np.any(np.std(x_train.reshape(len(x_train), -1), axis=0) == 0)):
            raise Wrong(f"{what} raised ValueError ({str(error).splitlines()[0][:80]}): a feature constant on the "
                        "training examples has standard deviation 0, and dividing by it gives NaN; leave such a "
                        "feature unscaled (divide by 1), as StandardScaler does") from None
        raise
    return as_number(got, what), what


def _expect_accuracy(got, expected, what, likely):
    if got > 1 and abs(got - 100 * expected) <= 100 * PROBE_TOLERANCE:
        raise Wrong(f"{what} is {got:.4g}, a percentage: return the accuracy as a fraction in [0, 1]")
    expect_close(got, expected, what, rtol=0, atol=PROBE_TOLERANCE, likely=likely,
                 otherwise="standardise with the training features' mean and standard deviation, fit "
                       "LogisticRegression(C=C, max_iter=1000, random_state=seed) on the training set, and return "
                       "the fraction of test examples it classifies correctly")


@linear_probe.part(1, public=True)
def _probe_held_out(fn):
    """the fraction of *test* examples classified correctly; examples of any shape are flattened"""
    data = _probe_data(90, 60, 200, (4, 5), sep=0.5)
    expected = audit_probe.linear_probe(*data)
    got, what = _call_probe(fn, data)
    x_train, y_train, _, _ = data
    _expect_accuracy(got, expected, what, likely={
        "that is the accuracy on the training examples, which the classifier has seen: score it on features_test "
        "and y_test": _fitted(x_train, y_train).score(_standardised(x_train), y_train),
    })


@linear_probe.part(1, public=True)
def _probe_scaled_on_train(fn):
    """features standardised with the training set's mean and standard deviation, applied to both sets"""
    scales = np.geomspace(1e-3, 1e2, 4)  # features in very different units
    data = _probe_data(95, 150, 200, (4,), sep=1.5, p_test=[0.9, 0.05, 0.05], scales=scales)
    expected = audit_probe.linear_probe(*data)
    got, what = _call_probe(fn, data)
    x_train, y_train, x_test, y_test = data
    _expect_accuracy(got, expected, what, likely={
        "the test features were standardised with their own mean and standard deviation (a second fit, on the test "
        "set): apply the scaler fitted on the training features to both sets, or a test set with another class mix "
        "shifts its own features": _fitted(x_train, y_train).score(_standardised(x_test), y_test),
        "the features were not standardised: with C penalising all weights alike, a feature in small units needs "
        "a large weight and is suppressed; standardise with the training mean and standard deviation":
            _fitted(x_train, y_train, scale_train=False).score(x_test.reshape(len(x_test), -1), y_test),
    })
    # A test set unlike the training set: 400 examples against 60, another class mix, two features 8 times as
    # spread. The scaler's statistics then depend on which set it sees: the reference scores 0.86 here, a scaler
    # fitted on both sets together 0.14 (a wider standard deviation shrinks those features, and C suppresses them),
    # far outside PROBE_TOLERANCE.
    data = _probe_data(91, 60, 400, (4,), sep=1.0, p_test=[0.8, 0.1, 0.1], test_scales=np.array([1.0, 8.0, 8.0, 1.0]))
    expected = audit_probe.linear_probe(*data, C=0.02)
    got, what = _call_probe(fn, data, C=0.02)
    x_train, y_train, x_test, y_test = data
    pooled = np.concatenate([x_train, x_test])
    _expect_accuracy(got, expected, what, likely={
        "the scaler was fitted on training and test features together: fit it on the training features only, so "
        "that nothing about the test set reaches the classifier":
            _fitted_on(_standardised(x_train, pooled), y_train, 0.02).score(_standardised(x_test, pooled), y_test),
        "the test features were standardised with their own mean and standard deviation (a second fit, on the test "
        "set): apply the scaler fitted on the training features to both sets":
            _fitted(x_train, y_train, C=0.02).score(_standardised(x_test), y_test),
        "the C argument is not used: pass it to LogisticRegression(C=C, ...)":
            _fitted(x_train, y_train).score(_standardised(x_test, x_train), y_test),
    })


def _fitted_on(features, y_train, C):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, max_iter=1000, random_state=0).fit(features, y_train)


@linear_probe.part(1)
def _probe_regularisation_and_labels(fn):
    """another C, as many test examples as training ones: C is used, and each prediction meets its own label"""
    data = _probe_data(100, 200, 200, (30,), sep=0.4)
    expected = audit_probe.linear_probe(*data, C=0.02, seed=3)
    got, what = _call_probe(fn, data, C=0.02, seed=3)
    x_train, y_train, x_test, _ = data
    _expect_accuracy(got, expected, what, likely={
        "the C argument is not used: pass it to LogisticRegression(C=C, ...)":
            _fitted(x_train, y_train).score(_standardised(x_test, x_train), data[3]),
        "the test predictions were compared with y_train: compare them with y_test":
            float(np.mean(_fitted(x_train, y_train, C=0.02).predict(_standardised(x_test, x_train)) == y_train)),
    })


@linear_probe.part(1)
def _probe_constant_feature(fn):
    """a feature constant on every example (a unit that never fires) is left unscaled, not divided by 0"""
    data = _probe_data(101, 120, 200, (2, 3, 2), sep=0.6, constant=True)
    expected = audit_probe.linear_probe(*data)
    got, what = _call_probe(fn, data)
    _expect_accuracy(got, expected, what, likely={})
