"""Lesson 5's experiment as the reference records it (dae_reference.shift.sigma_matrix)."""

import numpy as np

from dae_reference.shift import MATRIX_TEST_SIGMAS, sigma_matrix


def test_the_sigma_matrix_has_a_row_per_model_and_a_column_per_test_level(fashion_mnist):
    run = sigma_matrix("smoke", seed=0, data=fashion_mnist, n_eval=50)
    assert run["models"] == ["trained at 0.25", "trained at 0.5", "trained at 0.75", "blind, 0 to 0.8"]
    matrix = np.array(run["matrix"])
    assert matrix.shape == (4, len(MATRIX_TEST_SIGMAS)) and np.all((matrix > 0) & (matrix < 0.1))
    assert np.all(np.diff(matrix[1]) > 0), "the model trained at 0.5 should do worse the noisier its input"
    for scores in [*run["other_noise"].values(), run["own_image"]]:
        assert scores["denoised"] < scores["input"]
