"""The numbers lesson 3's prose quotes (see tests/prose/__init__.py)."""

from dae_reference import model
from tests.prose import Claim


def _share_of_decoder_conv1(recorded):
    return f"{model.conv2d_params(3, 64, 64) / model.build_autoencoder().count_params():.1%}"


def _dense_to_code_params(recorded):
    return f"about {(784 * 3136 + 3136) / 1e6:.1f} million"


CLAIMS = [
    Claim("49.6%", _share_of_decoder_conv1),
    Claim("about 2.5 million", _dense_to_code_params),
    Claim("74,497", lambda recorded: f"{model.build_autoencoder().count_params():,}"),
]

SETTINGS = []
