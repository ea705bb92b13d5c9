"""dae_reference.upsampling: the transposed decoder, the checkerboard measure and the side-by-side budget."""

import keras
import numpy as np
import pytest

from dae_reference import model, upsampling
from dae_reference.config import PROFILES


def test_checkerboard_is_zero_on_a_flat_image_and_the_spread_of_a_2x2_pattern():
    assert upsampling.checkerboard(np.full((2, 28, 28, 1), 0.3)) == 0
    pattern = np.zeros((1, 28, 28, 1))
    pattern[:, ::2, ::2] = 0.25
    assert upsampling.checkerboard(pattern) == pytest.approx(0.25)


def test_checkerboard_rejects_images_smaller_than_its_margins():
    with pytest.raises(ValueError, match="expected"):
        upsampling.checkerboard(np.zeros((1, 16, 16, 1)))


def test_transposed_decoder_has_the_decoders_parameters_and_starts_with_a_checkerboard():
    keras.utils.set_random_seed(0)
    resize, transpose = model.build_decoder(), upsampling.build_transpose_decoder()
    assert transpose.count_params() == resize.count_params()
    code = np.full((1, 7, 7, 64), 0.5, dtype="float32")
    assert upsampling.checkerboard(resize.predict(code, verbose=0)) < 1e-6
    assert upsampling.checkerboard(transpose.predict(code, verbose=0)) > 1e-3


def test_budget_scales_with_the_profile():
    assert upsampling.budget(PROFILES["smoke"]) == (256, 1)
    assert upsampling.budget(PROFILES["quick"]) == (1875, 2)
    assert upsampling.budget(PROFILES["full"]) == (7500, 6)


def test_train_side_by_side_returns_a_loss_per_epoch():
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).random((16, 28, 28, 1), dtype=np.float32)
    losses = upsampling.train_side_by_side({"resize": model.build_autoencoder()}, x, x, epochs=2, batch_size=8)
    assert list(losses) == ["resize"] and len(losses["resize"]) == 2
