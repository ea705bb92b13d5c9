"""The numbers lesson 3's prose quotes (see tests/prose/__init__.py)."""

import functools

import keras
import numpy as np

from dae_reference import model, receptive
from tests.prose import Claim


def _share_of_decoder_conv1(recorded):
    return f"{model.conv2d_params(3, 64, 64) / model.build_autoencoder().count_params():.1%}"


def _dense_to_code_params(recorded):
    return f"about {(784 * 3136 + 3136) / 1e6:.1f} million"


# Receptive fields of build_autoencoder, per axis, counted backwards through the layers (the model answer's walk):
# a 3x3 'same' convolution widens [a, b] by one on each side, clipped to the map; UpSampling2D(2) maps output
# index i to i // 2; MaxPooling2D(2) reads 2i and 2i + 1. (map size after each layer, walking back from the output)
_WALK = [("conv", 28), ("up", 14), ("conv", 14), ("up", 7), ("conv", 7), ("pool", 14), ("conv", 14), ("pool", 28), ("conv", 28)]


def _walk_back(position):
    low = high = position
    for layer, size in _WALK:
        if layer == "conv":
            low, high = max(low - 1, 0), min(high + 1, size - 1)
        elif layer == "up":
            low, high = low // 2, high // 2
        else:
            low, high = 2 * low, min(2 * high + 1, size - 1)
    return low, high


def _unclipped_positions():
    return [p for p in range(28) if _walk_back(p)[0] > 0 and _walk_back(p)[1] < 27]


def _unclipped_widths(recorded):
    widths = sorted({_walk_back(p)[1] - _walk_back(p)[0] + 1 for p in _unclipped_positions()})
    return " or ".join(map(str, widths)) + " pixels wide"


def _unclipped_range(recorded):
    positions = _unclipped_positions()
    assert positions == list(range(positions[0], positions[-1] + 1))
    return f"rows and columns {positions[0]} to {positions[-1]}"


def _corner_walk(recorded):
    low, high = _walk_back(0)
    return f"gives {high - low + 1} pixels, rows and columns {low} to {high}"


@functools.cache
def _measured(row, col):
    """The reference's measurement on the untrained course network: (rows, columns) of the field's bounding box."""
    keras.utils.set_random_seed(0)
    mask = receptive.receptive_field(model.build_autoencoder(), row, col)
    rows, cols = np.nonzero(mask)
    assert mask.sum() == (np.ptp(rows) + 1) * (np.ptp(cols) + 1), "the measured field has holes"
    assert (rows.min(), rows.max()) == _walk_back(row) and (cols.min(), cols.max()) == _walk_back(col)
    return np.ptp(rows) + 1, np.ptp(cols) + 1


CLAIMS = [
    Claim("49.6%", _share_of_decoder_conv1),
    Claim("about 2.5 million", _dense_to_code_params),
    Claim("74,497", lambda recorded: f"{model.build_autoencoder().count_params():,}"),
    Claim("rows and columns 11 to 16", _unclipped_range),
    Claim("22 or 26 pixels wide", _unclipped_widths),
    Claim("gives 11 pixels, rows and columns 0 to 10", _corner_walk),
    Claim("26 x 26 pixels for (14, 14)", lambda recorded: "{} x {} pixels for (14, 14)".format(*_measured(14, 14))),
    Claim("26 rows by 22 columns for (14, 12)", lambda recorded: "{} rows by {} columns for (14, 12)".format(*_measured(14, 12))),
    Claim("11 x 11 for the corner", lambda recorded: "{} x {} for the corner".format(*_measured(0, 0))),
]

SETTINGS = []
