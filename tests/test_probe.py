"""Lesson 6's reference: the error audit and the linear probe."""

import numpy as np

from dae_reference import audit, probe


def test_audit_threshold_comes_from_the_test_errors_only():
    test = np.linspace(0.0, 1.0, 101)
    result = audit.audit([0.1, 0.2], test, np.arange(101) % 10, [0.98, 0.99, 5.0])
    assert result["threshold"] == np.quantile(test, 0.99)
    assert result["flags"].tolist() == [False, False, True]


def test_audit_gap_is_test_minus_training():
    assert audit.audit([0.1, 0.1], [0.3, 0.3], [0, 1], [])["gap"] == 0.19999999999999998


def test_audit_disparity_leaves_out_a_class_without_test_images():
    result = audit.audit([0.1], [0.02, 0.04, 0.01], [0, 0, 2], [0.5])
    assert result["disparity"] == 3.0  # class 0 mean 0.03 over class 2's 0.01; class 1 has no image


def test_linear_probe_leaves_a_constant_feature_unscaled():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 3)), np.repeat([0, 1], 20)
    x[:, 0] = 0.0
    x[y == 1, 1] += 10
    assert probe.linear_probe(x, y, x, y) == 1.0


def test_tuned_probe_scores_the_test_set_once():
    calls = []

    def spy(train, y_train, test, y_test, C=1.0, seed=0):
        calls.append(len(test))
        return C

    x, y = np.zeros((40, 2)), np.zeros(40, dtype=int)
    accuracy, best = probe.tuned_probe(spy, x, y, np.zeros((7, 2)), np.zeros(7, dtype=int), grid=(0.1, 1.0))
    assert calls == [10, 10, 7] and best == 1.0 and accuracy == 1.0


def test_tuned_dimension_probe_chooses_on_validation_and_scores_the_test_set_once():
    calls = []

    def spy(train, y_train, test, y_test, C=1.0, seed=0):
        calls.append((train.shape[1], len(test)))
        return C * train.shape[1] if len(test) == 10 else -1.0  # the validation score favours (8, 1.0)

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 12)), np.zeros(40, dtype=int)
    accuracy, (k, C) = probe.tuned_dimension_probe(spy, x, y, rng.normal(size=(7, 12)), np.zeros(7, dtype=int),
                                                   dimensions=(4, 8), grid=(0.1, 1.0))
    assert (k, C) == (8, 1.0) and accuracy == -1.0
    assert calls[:-1] == [(4, 10), (4, 10), (8, 10), (8, 10)] and calls[-1] == (8, 7)  # the test set once, last
