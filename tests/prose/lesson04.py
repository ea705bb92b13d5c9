"""The numbers lesson 4's prose quotes (see tests/prose/__init__.py)."""

import json

from autograder.course import ROOT, load_thresholds
from dae_reference.config import PROFILES
from dae_reference.train import REGIME_BUDGETS, regime_gap
from tests.prose import Claim, lesson_times

NOISE_REGIMES = ROOT / "results" / "quick" / "noise_regimes.json"  # python -m dae_reference record noise-regimes


def _lesson_budget():
    """The regimes compared at lesson 4's quick budget, as recorded (five seeds; the lesson runs the first three)."""
    return json.loads(NOISE_REGIMES.read_text())["lesson"]


def _profile_budget():
    """The regimes compared over the quick profile's whole training, as recorded."""
    return json.loads(NOISE_REGIMES.read_text())["profile"]


def _final(comparison, key, seeds=None):
    """The final ``key`` ('val_loss' or 'loss') of the fixed and of the fresh runs, over the first ``seeds`` seeds."""
    return [[run[key][-1] for run in comparison["runs"][regime][:seeds]] for regime in ("fixed", "fresh")]


def _gap(comparison, seeds=None):
    """regime_gap of the final validation MSEs, as the lesson writes it."""
    mean, error = regime_gap(*_final(comparison, "val_loss", seeds))
    return f"{mean:+.1%} ± {error:.1%}"


def _t_critical(seeds):
    """How many standard errors a mean over ``seeds`` paired runs must be from 0 at the two-sided 95% level."""
    from scipy import stats

    return float(stats.t.ppf(0.975, seeds - 1))


def _lesson_seeds():
    _, _, seeds = REGIME_BUDGETS["quick"]
    assert list(seeds) == _lesson_budget()["seeds"][:len(seeds)], "the record's first seeds are the lesson's"
    return len(seeds)


def _lesson_gaps(recorded):
    lesson, gap = _lesson_budget(), _lesson_budget()["gap"]
    counts = {3: "three", 5: "five"}
    within = "within one standard error of 0" if abs(gap["mean"]) < gap["standard_error"] else "?"
    return (f"the lesson's {counts.get(_lesson_seeds(), '?')} seeds gave {_gap(lesson, _lesson_seeds())}, and "
            f"{counts.get(len(lesson['seeds']), '?')} seeds of the same budget {_gap(lesson)}: {within}")


def _yardsticks(recorded):
    return f"more than about {_t_critical(3):.1f} standard errors away (Student's $t$ with 2 degrees of freedom); " \
           f"with five seeds, {_t_critical(5):.1f}"


def _detectable(recorded):
    n = _lesson_seeds()
    _, error = regime_gap(*_final(_lesson_budget(), "val_loss", n))
    return f"exceed about {_t_critical(n):.1f} standard errors, about {100 * _t_critical(n) * error:.1f}%"


def _profile_budget_words(recorded):
    budget = _profile_budget()
    seeds = {3: "three", 5: "five"}.get(len(budget["seeds"]), "?")
    return f"({budget['n_train']:,} images, {budget['epochs']} epochs, {seeds} seeds;"


def _profile_test(recorded):
    from scipy import stats

    gap, n = _profile_budget()["gap"], len(_profile_budget()["seeds"])
    t = gap["mean"] / gap["standard_error"]
    return f"$t$ = {t:.1f} on {n - 1} degrees of freedom, two-sided $p$ = {2 * stats.t.sf(abs(t), n - 1):.2f}"


def _training_loss_not_below(recorded):
    """Paired over seeds, is the fixed runs' final training loss detectably below the fresh runs', at either budget?"""
    below = []
    for comparison in (_lesson_budget(), _profile_budget()):
        mean, error = regime_gap(*_final(comparison, "loss"))
        below.append(mean < -_t_critical(len(comparison["seeds"])) * error)
    return "is not detectably below the fresh runs' at either budget" if not any(below) else "is detectably below"


def _seeds_point_both_ways(recorded):
    runs = _lesson_budget()["runs"]
    signs = {fixed["val_loss"][-1] > fresh["val_loss"][-1] for fixed, fresh in zip(runs["fixed"], runs["fresh"])}
    return "single seeds pointing both ways" if len(signs) == 2 else "single seeds all pointing one way"


def _full_split(recorded):
    full = PROFILES["full"]
    return f"trains on {60_000 - full.n_val:,} images and validates on the other {full.n_val:,}"


def _largest_gap_after_epoch_5(recorded):
    history = recorded.history
    gaps = [abs(val / train - 1) for train, val in zip(history["loss"][5:], history["val_loss"][5:])]
    return f"{max(gaps):.1%}"


def _first_epochs_with_validation_below(recorded):
    history = recorded.history
    below = [val < train for train, val in zip(history["loss"], history["val_loss"])]
    first_five = "five" if below[:5] == [True] * 5 and not below[5] else "?"
    return f"below the training loss for the first {first_five} epochs"


def _both_end_at(recorded):
    train, val = f"{recorded.history['loss'][-1]:.4f}", f"{recorded.history['val_loss'][-1]:.4f}"
    return f"ends with both at {train}" if train == val else f"ends at {train} and {val}"


def _full_float32_run():
    (run,) = [r for r in load_thresholds()["full"]["runs"] if r["seed"] == 42]
    return run


def _minutes_range(recorded):
    words = {10: "ten", 20: "twenty", 30: "thirty"}
    low, high = sorted([recorded.metrics["train_seconds"], _full_float32_run()["seconds"]])
    return f"about {words.get(round(low / 600) * 10, '?')} to {words.get(round(high / 600) * 10, '?')} minutes"


CLAIMS = [
    Claim("the lesson's three seeds gave -0.3% ± 1.0%, and five seeds of the same budget -0.2% ± 0.6%: within one "
          "standard error of 0", _lesson_gaps),
    Claim("more than about 4.3 standard errors away (Student's $t$ with 2 degrees of freedom); with five seeds, 2.8",
          _yardsticks),
    Claim("exceed about 4.3 standard errors, about 4.5%", _detectable),
    Claim("(15,000 images, 6 epochs, three seeds;", _profile_budget_words),
    Claim("the course measured +1.0% ± 0.3%", lambda r: f"the course measured {_gap(_profile_budget())}"),
    Claim("$t$ = 4.1 on 2 degrees of freedom, two-sided $p$ = 0.06", _profile_test),
    Claim("is not detectably below the fresh runs' at either budget", _training_loss_not_below),
    Claim("single seeds pointing both ways", _seeds_point_both_ways),
    Claim("trains on 55,000 images and validates on the other 5,000", _full_split),
    Claim("1.1%", _largest_gap_after_epoch_5),
    Claim("below the training loss for the first five epochs", _first_epochs_with_validation_below),
    Claim("ends with both at 0.0139", _both_end_at),
    Claim("573 s", lambda r: f"{r.metrics['train_seconds']:.0f} s"),
    Claim("61 ms per batch of 128", lambda r: f"{r.metrics['ms_per_step']:.0f} ms per batch of {r.metrics['batch_size']}"),
    Claim("in `mixed_bfloat16`", lambda r: f"in `{r.metrics['precision']}`"),
    Claim("took 1090 s", lambda r: f"took {_full_float32_run()['seconds']:.0f} s"),
    Claim("about ten to twenty minutes", _minutes_range),
    Claim("(0.0139 and 0.0139)", lambda r: f"({r.metrics['final_val_mse']:.4f} and {_full_float32_run()['val_loss']:.4f})"),
    Claim("plus 10%", lambda r: f"plus {load_thresholds()['smoke']['margin']:.0%}"),
]

SETTINGS = [
    '95%',  # the usual two-sided confidence level
    '0.014',  # the tutorial's reported MSE (0.0140 / 0.0143), quoted as the target
    '7.0', '8.0',  # compute capabilities of NVIDIA's Volta and Ampere generations
]


def _lesson_time(recorded):
    """Lesson 4 under quick, top to bottom, and its slowest cell (section 4's training): results/lesson_times.txt."""
    total, slowest, cell = lesson_times()["quick", "04_training"]
    where = "section 4's" if cell.startswith("precision = choose_precision()") else f"the cell {cell!r}'s"
    return f"the notebook took {total} s on the course's 2-core CPU when nothing else ran, {slowest} s of it {where}"


CLAIMS.append(Claim("the notebook took 234 s on the course's 2-core CPU when nothing else ran, 118 s of it section 4's",
                    _lesson_time))
