"""The numbers lesson 7's prose quotes (see tests/prose/__init__.py).

m(0) comes from the closed form (``dae_reference.noise.clipped_noise_mean``); the
background means from ``results/quick/noise2noise.json``, written by
``python -m dae_reference record noise2noise``: the lesson's Noise2Noise runs
(quick profile, seeds 0, 1 and 2), each also trained on clean targets and from clipped inputs to
unclipped targets.
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


CLAIMS = [
    Claim("0.195", lambda r: f"{float(clipped_noise_mean(0.0, 0.5)):.3f}"),
    Claim("average 0.06 and 0.05 on the background, the run from clipped inputs to unclipped targets 0.06, the "
          "clipped run 0.23", _recorded_means),
]

SETTINGS = ["0.5"]  # the course's noise level
