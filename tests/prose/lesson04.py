"""The numbers lesson 4's prose quotes (see tests/prose/__init__.py)."""

import json

from autograder.course import ROOT, load_thresholds
from dae_reference.config import PROFILES
from dae_reference.regimes import REGIME_BUDGETS
from dae_reference.train import regime_gap
from tests.prose import Claim, lesson_times

NOISE_REGIMES = ROOT / "results" / "quick" / "noise_regimes.json"  # python -m dae_reference record noise-regimes


def _record(budget):
    """One budget of the record: 'lesson' (lesson 4's quick budget, five seeds, the lesson's three first), 'long'
    (the same images for more epochs) or 'profile' (the quick profile's own training)."""
    return json.loads(NOISE_REGIMES.read_text())[budget]


def _pairs(budget, line, seeds=None):
    """The two lists ``regime_gap`` compares for one line the lesson's cell prints, seed by seed."""
    runs = _record(budget)["runs"]
    fixed, fresh = runs["fixed"][:seeds], runs["fresh"][:seeds]
    if line in ("loss", "new_draw_mse", "val_mse"):  # fixed / fresh - 1
        final = (lambda run: run["loss"][-1]) if line == "loss" else (lambda run: run[line])
        return [final(run) for run in fixed], [final(run) for run in fresh]
    ratios = {regime: [run["own_copy_mse"] / run["new_draw_mse"] for run in runs_]
              for regime, runs_ in (("fixed", fixed), ("fresh", fresh))}
    if line == "memorisation":  # the fixed network's copy / new draw against the fresh network's
        return ratios["fixed"], ratios["fresh"]
    chosen = fixed if line == "fixed network" else fresh  # one network, on the copy / on a new draw
    return [run["own_copy_mse"] for run in chosen], [run["new_draw_mse"] for run in chosen]


def _gap(budget, line, seeds=None, digits=1):
    mean, error = regime_gap(*_pairs(budget, line, seeds))
    return f"{mean:+.{digits}%} ± {error:.{digits}%}"


def _t(budget, line, seeds=None):
    mean, error = regime_gap(*_pairs(budget, line, seeds))
    return mean / error


def _t_critical(seeds):
    """How many standard errors a mean over ``seeds`` paired runs must be from 0 at the two-sided 95% level."""
    from scipy import stats

    return float(stats.t.ppf(0.975, seeds - 1))


def _seeds(budget):
    return len(_record(budget)["seeds"])


def _lesson_seeds():
    *_, seeds = REGIME_BUDGETS["quick"]
    assert list(seeds) == _record("lesson")["seeds"][:len(seeds)], "the record's first seeds are the lesson's"
    return len(seeds)


def _detected(budget, line, seeds=None):
    n = seeds or _seeds(budget)
    return abs(_t(budget, line, n)) > _t_critical(n)


def _budget_words(recorded):
    n_train, epochs, batch_size, _ = REGIME_BUDGETS["quick"]
    lesson = _record("lesson")
    assert (lesson["n_train"], lesson["epochs"], lesson["batch_size"]) == (n_train, epochs, batch_size), \
        "the record is of the lesson's budget"
    steps = epochs * -(-n_train // batch_size)
    return (f"{n_train} images for {epochs} epochs at batch {batch_size}, so each noisy copy is seen {epochs} times, "
            f"in {steps} steps")


_WORDS = {2: "two", 3: "three"}


def _smoke_budget(recorded):
    n_train, epochs, _, seeds = REGIME_BUDGETS["smoke"]
    return f"{n_train} images, {epochs} epochs, {_WORDS.get(len(seeds), '?')} seeds"


def _still_falling(recorded):
    """Trained longer (the record's 'long' budget), every fresh network ends with a lower validation MSE."""
    lesson = {run["seed"]: run["val_mse"] for run in _record("lesson")["runs"]["fresh"]}
    longer = {run["seed"]: run["val_mse"] for run in _record("long")["runs"]["fresh"]}
    return "still improving when they stop" if all(longer[seed] < lesson[seed] for seed in longer) else "?"


def _lesson_lines(recorded):
    n = _lesson_seeds()
    return (f"fixed against fresh, final training loss {_gap('lesson', 'loss', n)}, a new draw of the noise on the "
            f"training images {_gap('lesson', 'new_draw_mse', n)}, held-out validation images "
            f"{_gap('lesson', 'val_mse', n)}; on the fixed copy against a new draw, the fixed network "
            f"{_gap('lesson', 'fixed network', n)}, the fresh network {_gap('lesson', 'fresh network', n)}, the "
            f"fixed network against the fresh {_gap('lesson', 'memorisation', n)}")


def _lesson_detected(recorded):
    n = _lesson_seeds()
    lines = ["loss", "new_draw_mse", "val_mse", "fixed network", "fresh network", "memorisation"]
    detected = [line for line in lines if _detected("lesson", line, n)]
    words = {("loss", "fixed network", "memorisation"): "the training loss, the fixed network's own comparison and "
             "the fixed network against the fresh are detected"}
    return (f"{words.get(tuple(detected), '?')} ({abs(_t('lesson', 'loss', n)):.0f}, "
            f"{abs(_t('lesson', 'fixed network', n)):.0f} and {abs(_t('lesson', 'memorisation', n)):.0f} standard "
            "errors from 0)")


def _five_seeds(recorded):
    detected = any(_detected("lesson", line) for line in ("new_draw_mse", "val_mse"))
    counts = {5: "Five"}
    return (f"{counts.get(_seeds('lesson'), '?')} seeds of the same budget: new draw {_gap('lesson', 'new_draw_mse')}, "
            f"validation {_gap('lesson', 'val_mse')}, {'detected' if detected else 'still not detected'}")


def _yardsticks(recorded):
    smoke = len(REGIME_BUDGETS["smoke"][3])
    return f"more than about {_t_critical(3):.1f} standard errors away (Student's $t$ with 2 degrees of freedom); " \
           f"with five seeds, {_t_critical(5):.1f}; with the graded copy's {_WORDS.get(smoke, '?')} seeds, " \
           f"{_t_critical(smoke):.1f}"


def _detectable(recorded):
    n = _lesson_seeds()
    _, error = regime_gap(*_pairs("lesson", "val_mse", n))
    return f"exceed about {_t_critical(n):.1f} standard errors, about {100 * _t_critical(n) * error:.1f}%"


def _copy_advantage(recorded):
    """How much better the fixed network does on its own noisy copy than on a new draw, to a whole percent."""
    mean, _ = regime_gap(*_pairs("lesson", "memorisation", _lesson_seeds()))
    return f"about {-100 * mean:.0f}%"


def _long_budget(recorded):
    long, seeds = _record("long"), {3: "three"}.get(_seeds("long"), "?")
    assert long["n_train"] == _record("lesson")["n_train"] and long["batch_size"] == _record("lesson")["batch_size"]
    return f"the same images for {long['epochs']} epochs ({seeds} seeds"


def _long_lines(recorded):
    return (f"final training loss {_gap('long', 'loss')}, new draw {_gap('long', 'new_draw_mse')}, validation "
            f"{_gap('long', 'val_mse')}, the fixed network against the fresh on its copy {_gap('long', 'memorisation')}")


def _long_validation(recorded):
    fixed, fresh = (sum(values) / len(values) for values in _pairs("long", "val_mse"))
    seeds = _record("long")["seeds"]
    assert seeds == _record("lesson")["seeds"][:len(seeds)], "the long runs' seeds are the lesson budget's first"
    lesson_fixed, lesson_fresh = (sum(values) / len(values) for values in _pairs("lesson", "val_mse", len(seeds)))
    return (f"the fresh networks' validation MSE fell from {lesson_fresh:.4f} to {fresh:.4f}, the fixed networks' "
            f"from {lesson_fixed:.4f} to {fixed:.4f}")


def _profile_budget_words(recorded):
    profile = _record("profile")
    return f"({profile['n_train']:,} images, {profile['epochs']} epochs, {_seeds('profile')} seeds)".replace(
        "3 seeds", "three seeds")


def _profile_lines(recorded):
    return (f"new draw {_gap('profile', 'new_draw_mse')}, validation {_gap('profile', 'val_mse')}, the fixed network "
            f"against the fresh on its copy {_gap('profile', 'memorisation', digits=2)}")


def _profile_tests(recorded):
    from scipy import stats

    n = _seeds("profile")
    words = []
    for line in ("new_draw_mse", "val_mse", "memorisation"):
        t = _t("profile", line)
        words.append(f"$t$ = {t:.1f}, $p$ = {2 * stats.t.sf(abs(t), n - 1):.2g}")
    return "; ".join(words) + ", in that order"


def _distinct_pairs(recorded):
    profile = _record("profile")
    words = {6: "six"}.get(profile["epochs"], "?")
    return (f"{words} epochs of fresh noise show {profile['epochs'] * profile['n_train']:,} different noisy images, "
            f"{words} epochs of fixed noise the same {profile['n_train']:,} {words} times")


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
    Claim("128 images, 5 epochs, two seeds", _smoke_budget),
    Claim("still improving when they stop", _still_falling),
    Claim("more than about 4.3 standard errors away (Student's $t$ with 2 degrees of freedom); with five seeds, 2.8; "
          "with the graded copy's two seeds, 12.7", _yardsticks),
    Claim("fixed against fresh, final training loss -5.4% ± 0.3%, a new draw of the noise on the training "
          "images +1.2% ± 0.5%, held-out validation images +1.0% ± 0.6%; on the fixed copy against a new draw, "
          "the fixed network -6.2% ± 0.6%, the fresh network +0.2% ± 0.4%, the fixed network against the fresh "
          "-6.4% ± 0.3%",
          _lesson_lines),
    Claim("the training loss, the fixed network's own comparison and the fixed network against the fresh are "
          "detected (17, 11 and 25 standard errors from 0)",
          _lesson_detected),
    Claim("Five seeds of the same budget: new draw +0.5% ± 0.5%, validation +0.5% ± 0.5%, still not detected",
          _five_seeds),
    Claim("exceed about 4.3 standard errors, about 2.4%", _detectable),
    Claim("about 6%", _copy_advantage),
    Claim("the same images for 150 epochs (three seeds", _long_budget),
    Claim("final training loss -29.4% ± 2.0%, new draw +19.5% ± 2.7%, validation +17.9% ± 2.1%, the fixed "
          "network against the fresh on its copy -40.9% ± 2.8%",
          _long_lines),
    Claim("the fresh networks' validation MSE fell from 0.0220 to 0.0182, the fixed networks' from 0.0222 to "
          "0.0215",
          _long_validation),
    Claim("(15,000 images, 6 epochs, three seeds)", _profile_budget_words),
    Claim("new draw +1.0% ± 0.2%, validation +1.0% ± 0.3%, the fixed network against the fresh on its copy "
          "-0.39% ± 0.02%",
          _profile_lines),
    Claim("$t$ = 6.0, $p$ = 0.027; $t$ = 4.1, $p$ = 0.056; $t$ = -17.2, $p$ = 0.0033, in that order", _profile_tests),
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
    """Lesson 4 under quick, top to bottom, and its slowest cell: results/lesson_times.txt."""
    total, slowest, cell = lesson_times()["quick", "04_training"]
    where = {"precision = choose_precision()": "section 4's training",
             "N_EXPERIMENT, EPOCHS_EXPERIMENT": "section 7's experiment"}
    where = next((words for start, words in where.items() if cell.startswith(start)), f"the cell {cell!r}")
    return f"the notebook took {total} s on the course's 2-core CPU when nothing else ran, {slowest} s of it {where}"


CLAIMS.append(Claim("the notebook took 271 s on the course's 2-core CPU when nothing else ran, 128 s of it section 7's "
                    "experiment",
                    _lesson_time))
