"""dae_reference.audit: safe nearest-neighbour distances, ROC AUC, the scores and the class energies."""

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from dae_reference import audit


def eight_bit_images(seed, n):
    return np.random.default_rng(seed).integers(0, 256, (n, 28, 28, 1)) / 255.0


def test_nearest_neighbor_distance_matches_direct_differences():
    samples, reference = eight_bit_images(0, 7), eight_bit_images(1, 50)
    direct = cdist(samples.reshape(7, -1), reference.reshape(50, -1)).min(axis=1)
    np.testing.assert_allclose(audit.nearest_neighbor_distance(samples, reference, chunk=3), direct, rtol=1e-12)


def test_a_copy_is_at_distance_exactly_zero_where_the_expansion_goes_negative():
    reference = eight_bit_images(2, 200)
    flat = reference.reshape(200, -1)
    expansion = (flat**2).sum(axis=1) * 2 - 2 * np.einsum("ij,ij->i", flat, flat)
    assert (expansion < 0).any()  # the unsafe form would take the square root of a negative number here
    distances = audit.nearest_neighbor_distance(reference, reference)
    assert np.all(distances == 0.0)


def test_nearest_neighbor_distance_rejects_mismatched_sizes():
    with pytest.raises(ValueError, match="samples have 12 values"):
        audit.nearest_neighbor_distance(np.zeros((2, 12)), np.zeros((3, 10)))


def test_roc_auc_perfect_chance_and_reversed():
    assert audit.roc_auc([0.1, 0.2, 0.3], [0.4, 0.5]) == 1.0
    assert audit.roc_auc([0.4, 0.5], [0.1, 0.2, 0.3]) == 0.0
    assert audit.roc_auc([1.0, 1.0], [1.0, 1.0, 1.0]) == 0.5  # ties count half


def test_roc_auc_is_the_fraction_of_pairs_ranked_right():
    rng = np.random.default_rng(3)
    inside, outside = rng.normal(0, 1, 40), rng.normal(0.5, 1, 30)
    pairs = (outside[:, None] > inside[None, :]).mean()
    assert audit.roc_auc(inside, outside) == pytest.approx(pairs, rel=1e-12)


def test_roc_auc_rejects_an_empty_set():
    with pytest.raises(ValueError, match="non-empty"):
        audit.roc_auc([], [0.1])


def test_residual_scores_is_the_mean_squared_difference_per_image():
    noisy, outputs = np.full((2, 4, 4, 1), 0.5), np.zeros((2, 4, 4, 1))
    outputs[1] = 0.25
    np.testing.assert_allclose(audit.residual_scores(noisy, outputs), [0.25, 0.0625])
    with pytest.raises(ValueError, match="noisy has shape"):
        audit.residual_scores(noisy, outputs[:1])


def test_class_energy_is_the_mean_squared_pixel_per_class_and_nan_when_absent():
    images = np.stack([np.full((2, 2, 1), v) for v in (0.5, 1.0, 0.2)])
    energy = audit.class_energy(images, np.array([0, 0, 2]), n_classes=4)
    np.testing.assert_allclose(energy[[0, 2]], [(0.25 + 1.0) / 2, 0.04])
    assert np.isnan(energy[1]) and np.isnan(energy[3])


def test_class_disparity_ignores_an_absent_class():
    assert audit.class_disparity([0.02, np.nan, 0.01]) == 2.0


def test_ood_flags_are_booleans_strictly_above_the_threshold():
    flags = audit.ood_flags([0.1, 0.2, 0.3], 0.2)
    assert flags.dtype == bool and flags.tolist() == [False, False, True]


def test_recorded_audit_has_every_score_for_every_shifted_set():
    import json
    from tests.prose import RESULTS_DIR

    recorded = json.loads((RESULTS_DIR / "audit.json").read_text())["out_of_distribution"]
    assert set(recorded["sets"]) == {"inverted garments", "rotated garments", "handwritten digits"}
    for scores in recorded["sets"].values():
        assert set(scores) == {"oracle", "residual", "code"}
        assert all(0 <= s["auroc"] <= 1 and 0 <= s["flagged"] <= 1 for s in scores.values())


def test_audit_classes_names_the_best_and_worst_under_each_metric():
    # class 0: error 0.01 on bright images (energy 1); class 1: error 0.005 on faint ones (energy 0.01)
    images = np.concatenate([np.ones((2, 2, 2, 1)), np.full((2, 2, 2, 1), 0.1)])
    labels = np.array([0, 0, 1, 1])
    result = audit.audit_classes(np.array([0.01, 0.01, 0.005, 0.005]), images, labels)
    assert (result["raw"]["worst"], result["raw"]["best"]) == ("T-shirt/top", "Trouser")
    assert (result["normalised"]["worst"], result["normalised"]["best"]) == ("Trouser", "T-shirt/top")
    assert result["raw"]["disparity"] == pytest.approx(2.0)
    assert result["normalised"]["disparity"] == pytest.approx(0.5 / 0.01)
