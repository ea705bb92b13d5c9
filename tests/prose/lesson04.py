"""The numbers lesson 4's prose quotes (see tests/prose/__init__.py)."""

import json

from autograder.course import ROOT, load_thresholds
from dae_reference.config import PROFILES
from dae_reference.regimes import REGIME_BUDGETS
from dae_reference.train import regime_gap
from tests.prose import Claim, lesson_times

NOISE_REGIMES = ROOT / "results" / "quick" / "noise_regimes.json"  # python -m dae_reference record noise-regimes


def _lesson_budget():
    """The regimes compared at lesson 4's quick budget, as recorded (five seeds; the lesson runs the first three)."""
    return json.loads(NOISE_REGIMES.read_text())["lesson"]


def _profile_budget():
    """The regimes compared over the quick profile's whole training, as recorded."""
    return json.loads(NOISE_REGIMES.read_text())["profile"]


SCORES = {"training loss": lambda run: run["loss"][-1], "fixed copy": lambda run: run["own_copy_mse"],
          "new draw": lambda run: run["new_draw_mse"], "validation": lambda run: run["val_loss"][-1]}


def _scores(comparison, score, seeds=None):
    """One score ('training loss', 'fixed copy', 'new draw', 'validation') of the fixed and of the fresh runs."""
    return [[SCORES[score](run) for run in comparison["runs"][regime][:seeds]] for regime in ("fixed", "fresh")]


def _gap(comparison, score="validation", seeds=None):
    """regime_gap of one score, as the lesson writes it."""
    mean, error = regime_gap(*_scores(comparison, score, seeds))
    return f"{mean:+.1%} ± {error:.1%}"


def _t(comparison, score, seeds=None):
    mean, error = regime_gap(*_scores(comparison, score, seeds))
    return mean / error


def _t_critical(seeds):
    """How many standard errors a mean over ``seeds`` paired runs must be from 0 at the two-sided 95% level."""
    from scipy import stats

    return float(stats.t.ppf(0.975, seeds - 1))


def _lesson_seeds():
    *_, seeds = REGIME_BUDGETS["quick"]
    assert list(seeds) == _lesson_budget()["seeds"][:len(seeds)], "the record's first seeds are the lesson's"
    return len(seeds)


def _detected(comparison, score, seeds=None):
    n = seeds or len(comparison["seeds"])
    return abs(_t(comparison, score, n)) > _t_critical(n)


def _budget_words(recorded):
    n_train, epochs, batch_size, _ = REGIME_BUDGETS["quick"]
    budget = _lesson_budget()
    assert (budget["n_train"], budget["epochs"], budget["batch_size"]) == (n_train, epochs, batch_size), \
        "the record is of the lesson's budget"
    steps = epochs * -(-n_train // batch_size)
    return (f"{n_train} images for {epochs} epochs at batch {batch_size}, so each noisy copy is seen {epochs} times, "
            f"in {steps} steps")


def _smoke_budget(recorded):
    n_train, epochs, _, seeds = REGIME_BUDGETS["smoke"]
    return f"{n_train} images, {epochs} epochs, {dict([(2, 'two'), (3, 'three')]).get(len(seeds), '?')} seeds"


def _lesson_gaps(recorded):
    lesson, n = _lesson_budget(), _lesson_seeds()
    return (f"final training loss {_gap(lesson, 'training loss', n)}; on the fixed runs' noisy copy "
            f"{_gap(lesson, 'fixed copy', n)}; on a new draw of the noise on the same images "
            f"{_gap(lesson, 'new draw', n)}; validation {_gap(lesson, 'validation', n)}")


def _which_detected(recorded):
    lesson, n = _lesson_budget(), _lesson_seeds()
    detected = [score for score in SCORES if _detected(lesson, score, n)]
    words = {("training loss", "fixed copy"): "the first two are detected"}
    return f"{words.get(tuple(detected), '?')}: {abs(_t(lesson, 'fixed copy', n)):.1f} and " \
           f"{abs(_t(lesson, 'training loss', n)):.1f} standard errors from 0"


def _five_seeds(recorded):
    lesson = _lesson_budget()
    detected = any(_detected(lesson, score) for score in ("new draw", "validation"))
    counts = {5: "Five"}
    return (f"{counts.get(len(lesson['seeds']), '?')} seeds of the same budget: new draw {_gap(lesson, 'new draw')}, "
            f"validation {_gap(lesson, 'validation')}, {'detected' if detected else 'still not detected'}")


def _yardsticks(recorded):
    return f"more than about {_t_critical(3):.1f} standard errors away (Student's $t$ with 2 degrees of freedom); " \
           f"with five seeds, {_t_critical(5):.1f}"


def _detectable(recorded):
    n = _lesson_seeds()
    _, error = regime_gap(*_scores(_lesson_budget(), "validation", n))
    return f"exceed about {_t_critical(n):.1f} standard errors, about {100 * _t_critical(n) * error:.1f}%"


def _profile_budget_words(recorded):
    budget = _profile_budget()
    seeds = {3: "three", 5: "five"}.get(len(budget["seeds"]), "?")
    return f"({budget['n_train']:,} images, {budget['epochs']} epochs, {seeds} seeds)"


def _profile_gaps(recorded):
    budget = _profile_budget()
    return (f"on the fixed copy {_gap(budget, 'fixed copy')}, on a new draw {_gap(budget, 'new draw')}, "
            f"validation {_gap(budget, 'validation')}")


def _copy_advantage(recorded):
    """How much better the fixed networks do on their own noisy copy, rounded to a whole percent."""
    mean, _ = regime_gap(*_scores(_lesson_budget(), "fixed copy", _lesson_seeds()))
    return f"by about {-100 * mean:.0f}%"


def _profile_no_memorising(recorded):
    mean, error = regime_gap(*_scores(_profile_budget(), "fixed copy"))
    beat = mean < -_t_critical(len(_profile_budget()["seeds"])) * error
    return f"on their own copy the fixed networks {'beat' if beat else 'do not beat'} the fresh ones"


def _profile_new_draw(recorded):
    budget = _profile_budget()
    t = _t(budget, "new draw")
    return f"the gap is {t:.1f} standard errors from 0, {'detected' if _detected(budget, 'new draw') else '?'}"


def _distinct_pairs(recorded):
    budget = _profile_budget()
    words = {6: "six"}.get(budget["epochs"], "?")
    return (f"{words} epochs of fresh noise show {budget['epochs'] * budget['n_train']:,} different noisy images, "
            f"{words} epochs of fixed noise the same {budget['n_train']:,} {words} times")


def _profile_test(recorded):
    from scipy import stats

    n = len(_profile_budget()["seeds"])
    t = _t(_profile_budget(), "validation")
    return f"$t$ = {t:.1f} on {n - 1} degrees of freedom, two-sided $p$ = {2 * stats.t.sf(abs(t), n - 1):.2f}"


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
    Claim("256 images for 40 epochs at batch 32, so each noisy copy is seen 40 times, in 320 steps", _budget_words),
    Claim("128 images, 8 epochs, two seeds", _smoke_budget),
    Claim("more than about 4.3 standard errors away (Student's $t$ with 2 degrees of freedom); with five seeds, 2.8",
          _yardsticks),
    Claim("final training loss -5.4% ± 0.3%; on the fixed runs' noisy copy -5.3% ± 0.7%; on a new draw of the noise on "
          "the same images +1.2% ± 0.5%; validation +1.0% ± 0.6%", _lesson_gaps),
    Claim("the first two are detected: 7.9 and 16.8 standard errors from 0", _which_detected),
    Claim("Five seeds of the same budget: new draw +0.5% ± 0.5%, validation +0.5% ± 0.5%, still not detected",
          _five_seeds),
    Claim("exceed about 4.3 standard errors, about 2.4%", _detectable),
    Claim("by about 5%", _copy_advantage),
    Claim("about 5% better than the fresh network on that copy", lambda r: f"{_copy_advantage(r)[3:]} better than "
          "the fresh network on that copy"),
    Claim("(15,000 images, 6 epochs, three seeds)", _profile_budget_words),
    Claim("on the fixed copy +0.6% ± 0.1%, on a new draw +1.0% ± 0.2%, validation +1.0% ± 0.3%", _profile_gaps),
    Claim("on their own copy the fixed networks do not beat the fresh ones", _profile_no_memorising),
    Claim("the gap is 6.0 standard errors from 0, detected", _profile_new_draw),
    Claim("$t$ = 4.1 on 2 degrees of freedom, two-sided $p$ = 0.06", _profile_test),
    Claim("six epochs of fresh noise show 90,000 different noisy images, six epochs of fixed noise the same 15,000 six "
          "times", _distinct_pairs),
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
