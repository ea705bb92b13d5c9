"""The numbers lesson 7's prose quotes (see tests/prose/__init__.py).

m(0) comes from the closed form (``dae_reference.noise.clipped_noise_mean``); the
background means from ``results/quick/noise2noise.json``, written by
``python -m dae_reference record noise2noise``: the lesson's Noise2Noise runs
(quick profile, seeds 0, 1 and 2), each also trained on clean targets and from clipped inputs to
unclipped targets. The long walks' spreads from ``results/full/long_walks.json``, written by
``python -m dae_reference record long-walks``; the relaxation times from the lesson's own
(lambda + sigma**2) / epsilon with lambda the training images' variance along each component.
"""

import json
import statistics

from autograder.course import ROOT
from dae_reference.noise import clipped_noise_mean
from dae_reference.generation import CONTROL_ARM
from tests.prose import Claim

NOISE2NOISE = ROOT / "results" / "quick" / "noise2noise.json"


def _background(kind):
    runs = json.loads(NOISE2NOISE.read_text())["runs"]["quick"]
    return statistics.mean(run[kind] for run in runs.values())


def _recorded_means(recorded):
    return (f"average {_background('clean'):.2f} and {_background('unclipped'):.2f} on the background, "
            f"the run from clipped inputs to unclipped targets {_background(CONTROL_ARM):.2f}, "
            f"the clipped run {_background('clipped'):.2f}")


def _long_walks(recorded):
    spreads = recorded.long_walks["spreads"]
    first, second = (f"{spreads['300']['walk'][k]:.1f} and {spreads['900']['walk'][k]:.1f}" for k in (0, 1))
    return (f"to {first} along the first component and {second} along the second, but stayed short of the "
            f"training images' {spreads['training images'][0]:.1f} and {spreads['training images'][1]:.1f}")


def _relaxation_steps(recorded):
    """(lambda + sigma**2) / epsilon along the training images' first two components, lambda their variance."""
    walks = recorded.long_walks
    return [(spread**2 + walks["sigma"] ** 2) / walks["step_size"] for spread in walks["spreads"]["training images"]]


def _about_steps(recorded):
    first, second = _relaxation_steps(recorded)
    return f"about {round(first, -1):.0f} and {round(second, -1):.0f} steps at this step size"


def _times_as_long(recorded):
    first, second = (900 / steps for steps in _relaxation_steps(recorded))
    assert 2.5 < first < 3 and second > 4, (first, second)  # "nearly three times", "over four times"
    return "900 steps are nearly three times"


CLAIMS = [
    Claim("0.195", lambda r: f"{float(clipped_noise_mean(0.0, 0.5)):.3f}"),
    Claim("average 0.06 and 0.05 on the background, the run from clipped inputs to unclipped targets 0.06, the "
          "clipped run 0.23", _recorded_means),
    Claim("to 2.5 and 3.2 along the first component and 2.1 and 2.3 along the second, but stayed short of the "
          "training images' 4.5 and 3.5", _long_walks),
    Claim("about 330 and 200 steps at this step size", _about_steps),
    Claim("900 steps are nearly three times", _times_as_long),
]

SETTINGS = ["0.5"]  # the course's noise level
