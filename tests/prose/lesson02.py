"""The numbers lesson 2's prose quotes (see tests/prose/__init__.py)."""

from dae_reference.noise import clipped_noise_mean
from tests.prose import Claim


def _mean(x, sigma=0.5):
    """m(x) = E[clip(x + sigma Z, 0, 1)], from the reference's exact formula, to three decimals."""
    return f"{float(clipped_noise_mean(x, sigma)):.3f}"


CLAIMS = [
    # The mean of the clipped noise on a black pixel at the tutorial's sigma 0.5 (Figure 3's text, the conclusion).
    Claim("m(0) \\approx 0.195", lambda recorded: f"m(0) \\approx {_mean(0.0)}"),
    # The same, in the explanation's model answer and its rubric, and the mean on a white pixel, 1 - m(0).
    Claim("arrives as $m(0) \\approx 0.195$", lambda recorded: f"arrives as $m(0) \\approx {_mean(0.0)}$"),
    Claim("near $0.805$", lambda recorded: f"near ${_mean(1.0)}$"),
    Claim("about $0.195$ on black", lambda recorded: f"about ${_mean(0.0)}$ on black"),
]

SETTINGS = [
    '0.5',  # the noise level sigma, a setting of the tutorial
]
