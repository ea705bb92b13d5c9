"""dae_reference.receptive: the receptive field measured by perturbation."""

import keras
import numpy as np
import pytest
from keras import layers

from dae_reference import receptive


def _convolutions(n, shape=(9, 9, 1)):
    return keras.Sequential([keras.Input(shape)] + [layers.Conv2D(1, 3, padding="same", kernel_initializer="ones")
                                                    for _ in range(n)])


def test_stacked_convolutions_widen_the_field_by_two_each():
    for n, width in [(1, 3), (2, 5)]:
        mask = receptive.receptive_field(_convolutions(n), 4, 4)
        assert mask.dtype == bool and mask.shape == (9, 9)
        rows, cols = np.nonzero(mask)
        assert mask.sum() == width * width and (rows.min(), cols.max()) == (4 - width // 2, 4 + width // 2)


def test_the_border_clips_the_field():
    assert receptive.receptive_field(_convolutions(1, (6, 5, 1)), 0, 4).sum() == 2 * 2


def test_n_trials_must_be_positive():
    with pytest.raises(ValueError, match="n_trials=0"):
        receptive.receptive_field(_convolutions(1), 4, 4, n_trials=0)
