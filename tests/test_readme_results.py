"""The README's results of the full run are re-derived from results/full/evaluation.json."""

import json
import re

from autograder.course import ROOT
from tests.prose import lesson_times

EVALUATION = json.loads((ROOT / "results" / "full" / "evaluation.json").read_text())
README = (ROOT / "README.md").read_text()


def results_table():
    """The README's table of denoisers, rendered from the recorded evaluation."""
    rows = ["| method | setting | MSE | PSNR (dB) | SSIM |", "|---|---|---|---|---|"]
    for name, scores in EVALUATION["methods"].items():
        cells = [name, scores.get("setting") or "", f"{scores['mse']:.4f}", f"{scores['psnr']:.2f}", f"{scores['ssim']:.3f}"]
        if name == "denoising autoencoder":
            cells = [f"**{c}**" if c else c for c in cells]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def test_the_results_table_is_the_recorded_evaluation():
    assert results_table() in README, "README's table of denoisers differs from evaluation.json:\n" + results_table()


def test_the_results_paragraph_quotes_the_recorded_evaluation():
    methods = EVALUATION["methods"]
    dae, linear = methods["denoising autoencoder"], methods["linear MMSE filter"]
    robustness = dict(zip(EVALUATION["robustness"]["sigmas"], EVALUATION["robustness"]["denoising autoencoder"]))
    per_class = dae["per_class_mse"]
    quoted = {
        "24% lower": f"{1 - dae['mse'] / linear['mse']:.0%} lower",
        "1.4 dB": f"{dae['psnr'] - linear['psnr']:.1f} dB",
        "0.12 of SSIM": f"{dae['ssim'] - linear['ssim']:.2f} of SSIM",
        "(0.0102 on clean input)": f"({robustness[0.0]:.4f} on clean input)",
        "trousers\n(MSE 0.0087)": f"trousers\n(MSE {per_class['Trouser']:.4f})",
        "sandals and bags (0.0182)": f"sandals and bags ({max(per_class['Sandal'], per_class['Bag']):.4f})",
    }
    section = README[README.index("## Results of the full run"):README.index("## Speed")]
    for text, derived in quoted.items():
        assert re.sub(r"\s+", " ", derived) in re.sub(r"\s+", " ", section), f"README says {text!r}; the results give {derived!r}"


def test_the_grading_speed_quoted_is_the_recorded_run():
    """README's grading times and the projection for a class are those of results/grade_speed.txt."""
    record = (ROOT / "results" / "grade_speed.txt").read_text()
    jobs = {int(n): (float(off), float(on), cost) for n, off, on, cost in re.findall(
        r"--jobs (\d+): +([\d.]+) s without the sandbox, +([\d.]+) s with it \(([+-]\d+%)\)", record)}
    workers = {int(n): float(s) for n, s in re.findall(r"--workers (\d+): +([\d.]+) s with the sandbox on Dask", record)}
    assert all("all full marks: True without, True with" in line for line in record.splitlines() if line.startswith("--jobs"))
    text = " ".join(README.split())
    off, on, cost = jobs[2]
    assert f"`--jobs 2` (two students), {off:.0f} s per student without the sandbox and {on:.0f} s with it ({cost})" in text
    off, on, cost = jobs[1]
    assert f"`--jobs 1` (one student), {off:.0f} s without the sandbox and {on:.0f} s with it ({cost})" in text
    efficiency = workers[1] / (2 * workers[2])
    assert (f"{workers[1]:.0f} s per student with one local worker process, {workers[2]:.0f} s with two "
            f"(a scaling efficiency of {efficiency:.0%}") in text
    hours = 2000 * round(workers[2]) / 3600
    assert f"2,000 students take 2,000 × {workers[2]:.0f} s, about {hours:.0f} hours" in text
    assert f"about {hours / 10:.0f} hours on 10 two-core workers and {hours / 50:.0f} hour on 50" in text


def test_the_lesson_times_are_the_recorded_run():
    """lessons/README.md's table of run times is results/lesson_times.txt, lesson by lesson."""
    times = lesson_times()
    lessons = sorted({lesson for _, lesson in times})
    assert lessons == [p.name for p in sorted((ROOT / "lessons").iterdir()) if p.is_dir()], "a lesson has no recorded time"
    readme = (ROOT / "lessons" / "README.md").read_text()
    for lesson in lessons:
        (quick, slowest, _), (smoke, _, _) = times["quick", lesson], times["smoke", lesson]
        row = f"| `{lesson}` | {quick} s | {slowest} s | {smoke} s |"
        assert row in readme, f"lessons/README.md should have the row {row}"
