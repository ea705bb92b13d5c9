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


def _mean_distance(samples, reference):
    a, b = np.reshape(samples, (len(samples), -1)), np.reshape(reference, (len(reference), -1))
    return np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=-1)).mean(axis=1)


def _audit_with(gap=None, threshold=None, flags=None, disparity=None):
    """A correct audit but for one of its four parts, each given as a function of the inputs."""

    def answer(train_errors, test_errors, test_labels, new_errors, quantile=0.99):
        right_answer = right.audit(train_errors, test_errors, test_labels, new_errors, quantile)
        means = _class_means(test_errors, test_labels)
        t = threshold(test_errors, new_errors, train_errors, quantile) if threshold else right_answer["threshold"]
        return {
            "gap": gap(train_errors, test_errors) if gap else right_answer["gap"],
            "threshold": t,
            "flags": flags(np.asarray(new_errors), t) if flags else np.asarray(new_errors) > t,
            "disparity": disparity(means, test_errors, test_labels) if disparity else right_answer["disparity"],
        }

    return answer


def _class_means(errors, labels):
    with np.errstate(invalid="ignore"):
        return np.bincount(labels, weights=errors, minlength=10) / np.bincount(labels, minlength=10)


def _class_sums_ratio(means, errors, labels):
    sums = np.bincount(labels, weights=errors, minlength=10)
    return sums.max() / sums[sums > 0].min()


def _probe(scale="train", score="test", use_C=True, labels="test", flatten=True, unsafe_std=False, percent=False):
    """A linear probe with one mistake: where the scaler is fitted, what is scored, C ignored, ..."""

    def answer(features_train, y_train, features_test, y_test, C=1.0, seed=0):
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import StandardScaler

        train = np.reshape(features_train, (len(features_train), -1)) if flatten else np.asarray(features_train)
        test = np.reshape(features_test, (len(features_test), -1)) if flatten else np.asarray(features_test)
        if unsafe_std:
            mean, std = train.mean(axis=0), train.std(axis=0)
            train, test = (train - mean) / std, (test - mean) / std
        elif scale == "train":
            scaler = StandardScaler().fit(train)
            train, test = scaler.transform(train), scaler.transform(test)
        elif scale == "each":
            train, test = StandardScaler().fit_transform(train), StandardScaler().fit_transform(test)
        elif scale == "pooled":
            scaler = StandardScaler().fit(np.vstack([train, test]))
            train, test = scaler.transform(train), scaler.transform(test)
        classifier = LogisticRegression(C=C if use_C else 1.0, max_iter=1000, random_state=seed).fit(train, y_train)
        if score == "train":
            accuracy = classifier.score(train, y_train)
        else:
            accuracy = np.mean(classifier.predict(test) == (y_test if labels == "test" else y_train))
        return 100 * accuracy if percent else accuracy

    return answer


WRONG = {
    "nearest_neighbor_distance": [
        Mistake(lambda s, r: right.nearest_neighbor_distance(s, r) ** 2, "squared distances", public=True),
        Mistake(_expansion_unclipped, "rounds to a small negative squared distance", public=True),
        Mistake(_expansion_in_float32, "lost precision (float32 arithmetic?)", public=True),
        Mistake(_mean_distance, "not a mean, a sum or an index", public=True),
    ],
    "audit": [
        Mistake(_audit_with(gap=lambda tr, te: np.mean(tr) - np.mean(te)), "sign is flipped", public=True),
        Mistake(_audit_with(flags=lambda e, t: e < t), "flag the new errors above the threshold", public=True),
        Mistake(_audit_with(flags=lambda e, t: (e > t).astype(int)), "0/1 integers used as an index", public=True),
        Mistake(_audit_with(flags=lambda e, t: e >= t), "not >=", public=True),
        Mistake(_audit_with(flags=lambda e, t: [bool(error > t) for error in e]), "the flags' .mean()", public=True),
        Mistake(_audit_with(threshold=lambda te, new, tr, q: np.quantile(new, q)), "the inputs being judged", public=True),
        Mistake(_audit_with(threshold=lambda te, new, tr, q: np.quantile(np.concatenate([te, new]), q)),
                "pools the test and new errors", public=True),
        Mistake(_audit_with(threshold=lambda te, new, tr, q: np.quantile(tr, q)), "comes from the training errors",
                public=True),
        Mistake(_audit_with(threshold=lambda te, new, tr, q: np.percentile(te, q)), "np.percentile takes a percentage",
                public=True),
        Mistake(_audit_with(threshold=lambda te, new, tr, q: np.max(te)), "the largest test error", public=True),
        Mistake(_audit_with(threshold=lambda te, new, tr, q: np.quantile(te, 0.99)), "the quantile argument is ignored"),
        Mistake(_audit_with(disparity=lambda m, e, lab: np.nanmin(m) / np.nanmax(m)), "best over worst", public=True),
        Mistake(_audit_with(disparity=lambda m, e, lab: np.nanmax(m) - np.nanmin(m)), "that is a difference", public=True),
        Mistake(_audit_with(disparity=lambda m, e, lab: np.max(m) / np.min(m)), "a class has no test image", public=True),
        Mistake(_audit_with(disparity=_class_sums_ratio), "summed errors", public=True),
        Mistake(_audit_with(disparity=lambda m, e, lab: np.max(e) / np.min(e)), "compares single images", public=True),
    ],
    "linear_probe": [
        Mistake(_probe(score="train"), "accuracy on the training examples", public=True),
        Mistake(_probe(percent=True), "a percentage", public=True),
        Mistake(_probe(flatten=False), "ValueError", public=True),
        Mistake(_probe(scale="each"), "a second fit, on the test set", public=True),
        Mistake(_probe(scale="none"), "were not standardised", public=True),
        Mistake(_probe(scale="pooled"), "fitted on training and test features together", public=True),
        Mistake(_probe(use_C=False), "the C argument is not used", public=True),
        Mistake(_probe(labels="train"), "compared with y_train"),
        Mistake(_probe(unsafe_std=True), "standard deviation 0"),
    ],
}
