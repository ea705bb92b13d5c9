"""The numbers lesson 6's prose quotes (see tests/prose/__init__.py).

Every measurement comes from ``results/full/audit.json``, written by
``python -m dae_reference record audit`` on the shipped weights with the lesson's
settings (5,000 images per set, 256 per shifted set, the lesson's noise seeds);
the linear probe's from ``results/full/probe.json``, written by
``python -m dae_reference record probe`` (1,000 and 4,000 training images, three
draws each, 2,000 test images, every representation reduced to 64 dimensions; with 4,000, also on noisy
images, with 256 dimensions, and with the dimension tuned for each representation).
"""

from tests.prose import Claim


def _ood(recorded, name, score):
    return recorded.audit["out_of_distribution"]["sets"][name][score]


def _memorization(recorded):
    m = recorded.audit["memorization"]
    return f"about {100 * m['gap'] / m['train_mse']:.0f}% above the training error"


def _medians(recorded):
    nn = recorded.audit["nearest_neighbours"]
    return f"median distance {nn['median_to_denoised']:.2f} against {nn['median_to_clean']:.2f}"


def _none_within_half(recorded):
    fraction = recorded.audit["nearest_neighbours"]["fraction_below_half"]
    return "none is even within half" if fraction == 0 else f"{fraction:.1%} are within half"


def _flagged(name, words):
    def derive(recorded):
        fraction = _ood(recorded, name, "oracle")["flagged"]
        return "none is flagged" if fraction == 0 else words.format(f"{fraction:.1%}")
    return derive


def _residual_aurocs(recorded):
    auroc = {name: _ood(recorded, name, "residual")["auroc"] for name in recorded.audit["out_of_distribution"]["sets"]}
    return (f"{auroc['inverted garments']:.2f} for the inverted garments and {auroc['rotated garments']:.2f} for the rotated "
            f"ones, chance, and {auroc['handwritten digits']:.2f} for the digits")


def _code_aurocs(recorded):
    auroc = {name: _ood(recorded, name, "code")["auroc"] for name in recorded.audit["out_of_distribution"]["sets"]}
    return (f"AUROC {auroc['inverted garments']:.2f} for the inverted garments, {auroc['rotated garments']:.2f} for the "
            f"rotated garments and {auroc['handwritten digits']:.2f} for the digits")


def _code_flags(recorded):
    return (f"it flags {_ood(recorded, 'rotated garments', 'code')['flagged']:.0%} of the rotated garments and "
            f"{_ood(recorded, 'handwritten digits', 'code')['flagged']:.1%} of the digits")


def _disparity(kind, words):
    def derive(recorded):
        c = recorded.audit["classes"][kind]
        return words.format(worst=c["worst"].lower(), best=c["best"].lower(), disparity=f"{c['disparity']:.2f}")
    return derive


def _raw_worst_rank_per_unit_of_signal(recorded):
    classes = recorded.audit["classes"]
    worst_raw = classes["raw"]["worst"]
    ranking = sorted(classes["normalised"]["per_class"], key=classes["normalised"]["per_class"].get, reverse=True)
    place = ["worst", "second worst", "third worst", "fourth worst"][ranking.index(worst_raw)]
    return f"the {worst_raw.lower()} drops to {place}"


def _probe_runs(recorded, images="clean", n_components=64, n_train=None):
    """The recorded probe runs of one design: clean or noisy images, reduced to ``n_components``."""
    return [r for r in recorded.probe["runs"] if r["images"] == images and r["n_components"] == n_components
            and (n_train is None or r["n_train"] == n_train)]


def _code_beats_pixels(recorded):
    runs = _probe_runs(recorded)
    margins = [100 * (r["accuracy"]["trained code"] - r["accuracy"]["pixels"]) for r in runs]
    every = "all" if min(margins) > 0 else f"{sum(m > 0 for m in margins)} of the"
    return (f"the trained code is ahead of the pixels in {every} {len(runs)} recorded runs, "
            f"by {min(margins):.1f} to {max(margins):.1f} percentage points")


def _random_beats_trained(recorded):
    runs = _probe_runs(recorded)
    ahead = sum(r["accuracy"]["random code"] > r["accuracy"]["trained code"] for r in runs)
    return f"the random encoder scores higher than the trained one in {ahead} of the {len(runs)}"


def _mean_accuracy(recorded, images, n_components):
    """Each representation's accuracy averaged over the draws with 4,000 training images."""
    runs = _probe_runs(recorded, images, n_components, n_train=4000)
    return {name: sum(r["accuracy"][name] for r in runs) / len(runs) for name in runs[0]["accuracy"]}


def _probe_means(images="clean", n_components=64):
    def derive(recorded):
        mean = _mean_accuracy(recorded, images, n_components)
        return (f"pixels {mean['pixels']:.3f}, the trained code {mean['trained code']:.3f} and the random code "
                f"{mean['random code']:.3f}")
    return derive


def _more_dimensions(recorded):
    """How each representation's mean accuracy (4,000 images, clean) moves from 64 to 256 dimensions."""
    low, high = _mean_accuracy(recorded, "clean", 64), _mean_accuracy(recorded, "clean", 256)
    codes_gain = all(high[name] > low[name] for name in ("trained code", "random code"))
    pixels_lose = 0 < low["pixels"] - high["pixels"] < 0.02
    order_stays = sorted(low, key=low.get) == sorted(high, key=high.get)
    if codes_gain and pixels_lose and order_stays:
        return "the two codes gain and the pixels lose a little, so the order stays"
    return f"at 64 dimensions {low}, at 256 {high}"


def _tuned_dimensions(recorded):
    runs = _probe_runs(recorded, "clean", "tuned", n_train=4000)
    chosen = {name: sorted({r["dimension"][name] for r in runs}) for name in runs[0]["dimension"]}
    codes = chosen["trained code"] + chosen["random code"]
    codes_words = f"{codes[0]} in every draw" if len(set(codes)) == 1 else f"{sorted(set(codes))}"
    pixels_words = " or ".join(str(k) for k in chosen["pixels"])
    return f"the codes chose {codes_words} and the pixels {pixels_words}"


def _trained_leads_on_noisy(recorded):
    runs = _probe_runs(recorded, "noisy")
    leads = sum(r["accuracy"]["trained code"] > max(r["accuracy"]["pixels"], r["accuracy"]["random code"]) for r in runs)
    every = "each" if leads == len(runs) else f"{leads}"
    return f"the trained code ahead of both in {every} of the {len(runs)} draws"


def _grid_ends(recorded):
    grid = recorded.probe["C_grid"]
    chosen = [c for r in recorded.probe["runs"] for c in r["C"].values()]
    at_end = sum(c in (grid[0], grid[-1]) for c in chosen)
    return f"sat at an end of it in {at_end} of the {len(chosen)} choices"


CLAIMS = [
    Claim("about 2% above the training error", _memorization),
    Claim("median distance 3.31 against 3.77", _medians),
    Claim("none is even within half", _none_within_half),
    Claim("99.6% of them are flagged", _flagged("inverted garments", "{} of them are flagged")),
    Claim("2.0% are flagged", _flagged("rotated garments", "{} are flagged")),
    Claim("none is flagged", _flagged("handwritten digits", "{} is flagged")),
    Claim("0.47 for the inverted garments and 0.49 for the rotated ones, chance, and 0.38 for the digits", _residual_aurocs),
    Claim("(AUROC 1.00)", lambda recorded: f"(AUROC {_ood(recorded, 'inverted garments', 'oracle')['auroc']:.2f})"),
    Claim("AUROC 1.00 for the inverted garments, 0.85 for the rotated garments and 0.85 for the digits", _code_aurocs),
    Claim("it flags 13% of the rotated garments and 0.4% of the digits", _code_flags),
    Claim("the trouser is served best and the bag worst on these images, a disparity of 2.05",
          _disparity("raw", "the {best} is served best and the {worst} worst on these images, a disparity of {disparity}")),
    Claim("the coat is served best and the sandal worst, a disparity of 4.55",
          _disparity("normalised", "the {best} is served best and the {worst} worst, a disparity of {disparity}")),
    Claim("the bag drops to third worst", _raw_worst_rank_per_unit_of_signal),
    Claim("the trained code is ahead of the pixels in all 6 recorded runs, by 1.1 to 3.9 percentage points",
          _code_beats_pixels),
    Claim("the random encoder scores higher than the trained one in 4 of the 6", _random_beats_trained),
    Claim("pixels 0.815, the trained code 0.838 and the random code 0.841", _probe_means()),
    Claim("the two codes gain and the pixels lose a little, so the order stays", _more_dimensions),
    Claim("pixels 0.807, the trained code 0.854 and the random code 0.865", _probe_means(n_components=256)),
    Claim("the codes chose 256 in every draw and the pixels 32 or 64", _tuned_dimensions),
    Claim("pixels 0.806, the trained code 0.852 and the random code 0.865", _probe_means(n_components="tuned")),
    Claim("pixels 0.740, the trained code 0.773 and the random code 0.719", _probe_means("noisy")),
    Claim("the trained code ahead of both in each of the 3 draws", _trained_leads_on_noisy),
    Claim("sat at an end of it in 4 of the 45 choices", _grid_ends),
]

SETTINGS = [
    '99%',  # the detector's quantile: it flags what fewer than 1% of in-distribution errors exceed
    '1%',  # the false alarms that quantile allows on test garments, by construction
    '0.0',  # the distance of a copy computed from the differences: exact, a fact of arithmetic (tests/test_audit.py)
    '0.5',  # the AUROC of a score at chance, by definition
    '90%',  # Question B's hypothetical share of one class
    '0.001',  # the smallest C the probe's search tries (dae_reference.probe.C_GRID)
    '0.01', '0.1',  # other values of that search
]
