"""The numbers lesson 5's prose quotes (see tests/prose/__init__.py).

Section 5's experiment (a short fine-tuning per model, its matrix printed in the notebook) asks the student to
read their own matrix; the pattern its prose reports is checked in each of the course's three recorded runs
(``MATRIX_CLAIMS``).

The scores are those of ``python -m dae_reference evaluate --model dae_reference/weights/dae_full.keras
--out results/full`` on the 10,000 test images (``recorded.evaluation``); the validation MSE is the full
run's (``recorded.metrics``).
"""

import functools
import json
import re

import numpy as np

from autograder.course import ROOT
from tests.prose import Claim

DAE, LINEAR, PCA, NOISY = "denoising autoencoder", "linear MMSE filter", "PCA projection", "noisy input (no denoising)"
BLUR, TV = "gaussian blur", "total variation"
CLOSED_FORM, LOOKUP = ", corrected by the inverse clipped mean", ", corrected by a lookup fitted on training pairs"


def score(name, key="mse"):
    return lambda recorded: recorded.evaluation["methods"][name][key]


def at_sigma(name, sigma):
    """The MSE of ``name`` at noise level ``sigma`` in the recorded robustness curve."""
    def value(recorded):
        curve = recorded.evaluation["robustness"]
        return curve[name][curve["sigmas"].index(sigma)]
    return value


def text(value, form):
    return lambda recorded: form.format(value(recorded))


def margin(recorded):
    """How much lower the autoencoder's MSE is than the linear MMSE filter's, in percent."""
    return f"{round(100 * (1 - score(DAE)(recorded) / score(LINEAR)(recorded)))}%"


def raw_ratio(recorded):
    """The best uncorrected classical MSE over the autoencoder's."""
    return f"{min(score(BLUR)(recorded), score(TV)(recorded)) / score(DAE)(recorded):.1f} times"


def ratio(numerator, denominator):
    return lambda recorded: f"{numerator(recorded) / denominator(recorded):.1f} times"


def difference(a, b, form):
    return lambda recorded: form.format(a(recorded) - b(recorded))



# Section 5's experiment: the patterns its prose reports, checked in every run of results/quick/sigma_matrix.json
# (``python -m dae_reference record sigma-matrix``). Rows: trained at 0.25, 0.5, 0.75, blind; columns: test 0,
# 0.25, 0.5, 0.75.
AT_25, AT_50, AT_75, BLIND = range(4)


@functools.cache
def sigma_matrix_record():
    return json.loads((ROOT / "results" / "quick" / "sigma_matrix.json").read_text())


def matrix_runs():
    return [{**run, "m": np.array(run["matrix"])} for run in sigma_matrix_record()["runs"].values()]


def in_every_run(quoted, holds):
    """A claim about the experiment's pattern: ``quoted`` if ``holds(run)`` in every recorded run."""
    def derive(recorded):
        failed = [i for i, run in enumerate(matrix_runs()) if not holds(run)]
        return quoted if not failed else f"{quoted!r} fails in runs {failed}"
    return Claim(quoted, derive)


def blind_above_best(recorded):
    worst = max(float(np.max(run["m"][BLIND] / run["m"].min(axis=0))) for run in matrix_runs()) - 1
    words = "about a quarter" if 0.2 < worst < 0.3 else f"{worst:.0%}"
    return f"at most {words} above the best ({worst:.1%} in the worst case"


def gaussian_at_own_level(run):
    return run["m"][AT_50, 2]


MATRIX_CLAIMS = [
    Claim("three runs (seeds 0, 1 and 2 choosing", lambda recorded: "three runs (seeds {}, {} and {} choosing".format(
        *sigma_matrix_record()["runs"])),
    in_every_run("Each column's lowest error lay on the diagonal, with the model trained at that level; at test level "
                 "0, with the model trained at the lowest level",
                 lambda run: list(np.argmin(run["m"], axis=0)) == [AT_25, AT_25, AT_50, AT_75]),
    in_every_run("the model trained at 0.75 is the worst on clean input", lambda run: np.argmax(run["m"][:, 0]) == AT_75),
    in_every_run("the model trained at 0.25 is the worst at 0.75", lambda run: np.argmax(run["m"][:, 3]) == AT_25),
    in_every_run("The blind model was never the best in a column",
                 lambda run: BLIND not in np.argmin(run["m"], axis=0)),
    Claim("at most about a quarter above the best (24.7% in the worst case", blind_above_best),
    in_every_run("better than the model trained at 0.5 at every other level",
                 lambda run: all(run["m"][BLIND, j] < run["m"][AT_50, j] for j in (0, 1, 3))),
    in_every_run("close to it at 0.5 (slightly worse in each run)",
                 lambda run: 1 < run["m"][BLIND, 2] / run["m"][AT_50, 2] < 1.1),
    in_every_run("behind each specialist at that specialist's own level",
                 lambda run: all(run["m"][BLIND, j] > run["m"][row, j] for row, j in ((AT_25, 1), (AT_50, 2), (AT_75, 3)))),
    in_every_run("its error came out below its error on Gaussian noise at its own level",
                 lambda run: run["other_noise"]["salt and pepper, 10% of pixels"]["denoised"] < gaussian_at_own_level(run)),
    in_every_run("though below the masked input's, stayed well above its error on Gaussian noise",
                 lambda run: run["other_noise"]["masking, 25% of pixels"]["input"]
                 > run["other_noise"]["masking, 25% of pixels"]["denoised"] > 1.5 * gaussian_at_own_level(run)),
    Claim("25% of the pixels masked against 10% turned to salt or pepper", lambda recorded: "{} of the pixels masked "
          "against {} turned to salt or pepper".format(*(re.search(r"(\d+%) of pixels", name).group(1) for name in sorted(
              sigma_matrix_record()["runs"]["0"]["other_noise"])))),
    in_every_run("the error after denoising was clearly higher than on the test garments at the same noise",
                 lambda run: run["own_image"]["denoised"] > 1.5 * gaussian_at_own_level(run)),
]

CLAIMS = [
    Claim('0.014', text(lambda r: r.metrics["final_val_mse"], "{:.3f}")),  # validation MSE, the lesson's opening
    Claim('0.0139', text(lambda r: r.metrics["final_val_mse"], "{:.4f}")),  # validation MSE of the model evaluated
    Claim('0.0476', text(score(BLUR), "{:.4f}")),  # section 3: raw blur
    Claim('0.0466', text(score(TV), "{:.4f}")),  # raw TV
    Claim('3.4 times', raw_ratio),  # raw blur/TV against the autoencoder
    Claim('0.0139', text(score(DAE), "{:.4f}")),  # the autoencoder
    Claim('0.0268', text(score(TV + CLOSED_FORM), "{:.4f}")),  # TV, corrected in closed form
    Claim('0.0239', text(score(TV + LOOKUP), "{:.4f}")),  # TV, corrected by the lookup
    Claim('0.0294', text(score(BLUR + CLOSED_FORM), "{:.4f}")),  # blur, corrected in closed form
    Claim('0.0254', text(score(BLUR + LOOKUP), "{:.4f}")),  # blur, corrected by the lookup
    Claim('0.0285', text(score(PCA), "{:.4f}")),  # PCA projection
    Claim('0.0184', text(score(LINEAR), "{:.4f}")),  # linear MMSE filter
    Claim('24%', margin),  # the last margin
    Claim('1.4 dB higher', difference(score(DAE, "psnr"), score(LINEAR, "psnr"), "{:.1f} dB higher")),  # PSNR gap
    Claim('18.98', text(score(DAE, "psnr"), "{:.2f}")),  # autoencoder PSNR
    Claim('17.62', text(score(LINEAR, "psnr"), "{:.2f}")),  # linear PSNR
    Claim('0.691', text(score(DAE, "ssim"), "{:.3f}")),  # autoencoder SSIM
    Claim('0.567', text(score(LINEAR, "ssim"), "{:.3f}")),  # linear SSIM
    Claim('8.5 times', ratio(score(NOISY), score(DAE))),  # section 5: the histogram
    Claim('3.5 times', ratio(at_sigma(NOISY, 0.25), at_sigma(DAE, 0.25))),  # section 6: the cut at sigma 0.25
    Claim('0.0382', text(at_sigma(NOISY, 0.25), "{:.4f}")),  # noisy input at sigma 0.25
    Claim('0.0110', text(at_sigma(DAE, 0.25), "{:.4f}")),  # autoencoder at sigma 0.25
    Claim('0.0102', text(at_sigma(DAE, 0.0), "{:.4f}")),  # autoencoder on clean input
    Claim('0.0103', text(at_sigma(DAE, 0.1), "{:.4f}")),  # autoencoder at sigma 0.1
    Claim('0.0069', text(at_sigma(NOISY, 0.1), "{:.4f}")),  # noisy input at sigma 0.1
    Claim('about 0.010', text(at_sigma(DAE, 0.0), "about {:.3f}")),  # the error floor
    *MATRIX_CLAIMS,
]

SETTINGS = [
    "0.01", "0.03",  # SSIM's constants K1 and K2, scikit-image's defaults
    "0.5",  # the middle of [0, 1], toward which clipping pulls every pixel; also the bundled model's training level
    "0.25", "0.75",  # section 5: noise levels the experiment's models are trained and tested at
    "0.2", "0.8",  # Exercise 5.4: a small max_sigma for which clipping hardly bites, and the default max_sigma
]
