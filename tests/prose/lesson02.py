"""The numbers lesson 2's prose quotes (see tests/prose/__init__.py)."""

import math

from tests.prose import Claim

CLAIMS = [
    # The mean of the clipped noise on a black pixel, sigma / sqrt(2 pi) for sigma 0.5.
    Claim("\\approx 0.2", lambda recorded: f"\\approx {0.5 / math.sqrt(2 * math.pi):.1f}"),
    Claim("about +0.2", lambda recorded: f"about +{0.5 / math.sqrt(2 * math.pi):.1f}"),
]

SETTINGS = [
    '0.5',  # the noise level sigma, a setting of the tutorial
]
