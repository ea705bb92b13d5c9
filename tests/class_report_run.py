"""Grading runs made up for the class report's tests, in the shape the grader writes them.

The checks' descriptions and messages are those the grader gave real
submissions of lessons 1 and 2; the students, their mistakes and the grading
times are made up. ``write_run`` writes a run's files as ``python -m
autograder grade`` does: ``results.jsonl`` (optional) and, through the
grader's own writer, ``grades.csv`` and ``grades_exercises.csv``.
"""

import json
import random

from autograder import results

# lesson: {exercise: [(check description, points, the message when it fails), ...]}, in the lesson's order
CHECKS = {
    "01_autoencoder_theory": {
        "mse": [
            ("mean of the squared differences over a batch of images", 1,
             "the result is 784 times the mean squared difference: you summed the squares; take their mean"),
            ("any shape and float dtype; identical arrays give 0", 1,
             "mse(x, x) returned 0.25, expected 0: subtract the two arrays before squaring"),
        ],
        "compression_ratio": [
            ("the tutorial's 28x28x1 image and 7x7x64 code give 0.25", 1,
             "returned 4, expected 0.25: you divided the input's size by the code's; divide the code's by the "
             "input's"),
            ("other input and code shapes, as tuples or lists", 1,
             "your code raised TypeError: can't multiply sequence by non-int of type 'tuple'"),
        ],
        "pca_reconstruct": [
            ("keeps the shape of a batch of images and matches PCA with k components", 1,
             "returned shape (20, 784), expected (20, 28, 28, 1): reshape the reconstruction to the input's shape"),
            ("subtracts the mean before the SVD and adds it back after", 1,
             "the reconstruction's mean is 0.000, the images' is 0.286: add the mean back after projecting"),
            ("k = 0 gives the mean image, full rank gives the data back", 1,
             "with k=784 the reconstruction differs from the data by up to 0.41: keep k components, not k - 1"),
        ],
    },
    "02_noise_models": {
        "add_gaussian_noise": [
            ("returns a float array of the input's shape in [0, 1] and leaves the input alone", 1,
             "values range from -0.412 to 1.388, expected [0, 1]: with clip=True (the default) clip with "
             "np.clip(..., 0, 1)"),
            ("with clip=False the added noise is sigma * N(0, 1): mean 0, standard deviation sigma, a normal "
             "distribution", 1,
             "with sigma=0.3 the added noise has standard deviation 0.089, expected about 0.3: you scaled N(0, 1) by "
             "sigma**2, the variance; scale it by sigma, the standard deviation"),
            ("the same seed gives the same noise, another seed other noise", 1,
             "add_gaussian_noise(x, 0.5, seed=7) gave the same result for seeds 7 and 8: the seed is ignored; "
             "pass it to np.random.default_rng(seed)"),
            ("clip=True is the default; sigma=0 gives the images back", 1,
             "with the default clip=True the result has negative values: clip unless clip=False"),
        ],
        "add_masking_noise": [
            ("zeroes about `fraction` of the pixels and keeps the others", 1,
             "add_masking_noise(x, 0.3) masks the same pixels in every image: draw the mask for the whole batch, "
             "rng.random(x.shape) < fraction, not one mask of an image's shape"),
            ("fractions 0, 0.1, 0.75 and 1", 1,
             "add_masking_noise(x, 0.75) set 0.250 of the pixels to 0, expected about 0.75: you kept `fraction` "
             "of the pixels; zero them"),
            ("the same seed gives the same mask, another seed another mask", 1,
             "add_masking_noise(x, 0.3, seed=7) gave different results for the same seed: draw from "
             "np.random.default_rng(seed)"),
        ],
        "add_salt_and_pepper_noise": [
            ("sets about `fraction` of the pixels to 0 or 1, half each", 1,
             "add_salt_and_pepper_noise(x, 0.2) set pixels to values other than 0 and 1: a corrupted pixel becomes "
             "black (0) or white (1)"),
            ("fractions 0.05, 0.5 and 0", 1,
             "add_salt_and_pepper_noise(x, 0.5) changed 0.250 of the pixels, expected about 0.5"),
            ("the same seed gives the same corruption, another seed another", 1,
             "add_salt_and_pepper_noise(x, 0.2, seed=7) gave the same result for seeds 7 and 8: the seed is ignored; "
             "pass it to np.random.default_rng(seed)"),
        ],
        "psnr": [
            ("10 log10(data_range^2 / MSE) in dB, for images in [0, 1] and for 8-bit images with data_range=255", 1,
             "returned 10.0 dB, expected 20.0 dB: 10 log10 of data_range**2, the square, not of data_range"),
            ("identical images give inf; any shape and float dtype", 1,
             "psnr(x, x) raised ZeroDivisionError: float division by zero; return np.inf when the MSE is 0"),
        ],
        "clipped_noise_mean": [
            ("the exact mean E[clip(x + sigma Z, 0, 1)] of each value of x in [0, 1], for sigma 0.5 and 0.2", 1,
             "clipped_noise_mean(x, sigma=0.5) has mean 0.2988, expected 0.5; 12 of its 12 values differ, by up to "
             "0.5, the first at index (0, 0): the draws clipped at 1 are missing: they count as 1, with probability "
             "Phi(-b) = 1 - Phi(b)"),
            ("safe at the edges: sigma 0, x outside [0, 1], sigma 1e-6 and 1000, float32 input of another shape", 1,
             "clipped_noise_mean(x, sigma=0) is NaN where x is 0 or 1: (0 - x) / sigma is 0 / 0 there. Without noise "
             "there is only the clipping: return np.clip(x, 0, 1) when sigma is 0"),
        ],
    },
}
UNREADABLE = "not a readable notebook: NotJSONError: Notebook does not appear to be JSON: '{not json\\n'"


def exercise_feedback(name, checks, failed):
    """The checks' report of one exercise (``autograder.core.report``), the checks numbered in ``failed`` failing."""
    earned = sum(points for number, (_, points, _) in enumerate(checks) if number not in failed)
    total = sum(points for _, points, _ in checks)
    lines = [f"{name}: {earned:g} / {total:g} point{'s' if total != 1 else ''}"]
    for number, (description, points, message) in enumerate(checks):
        if number in failed:
            lines += [f"  FAIL {description} ({points:g} pt)", f"       -> {message}"]
        else:
            lines.append(f"  ok   {description} ({points:g} pt)")
    return "\n".join(lines), earned, total


def graded(student, lesson, seconds, failed=(), reasons=None, flags=(), error=None):
    """One line of ``results.jsonl``.

    ``failed``: ``(exercise, check number)`` pairs that fail; ``reasons``:
    ``{exercise: why it could not be graded}``; with ``error`` every exercise
    scores 0 with that reason, as for an unreadable notebook.
    """
    exercises = []
    for name, checks in CHECKS[lesson].items():
        feedback, earned, total = exercise_feedback(name, checks, {n for e, n in failed if e == name})
        if error or name in (reasons or {}):
            feedback, earned = error or reasons[name], 0
        exercises.append({"name": name, "score": float(earned), "max_score": float(total), "feedback": feedback})
    notebook = f"submitted/{student}/{lesson}/{lesson}.ipynb"
    result = {"notebook": notebook, "lesson": lesson, "exercises": exercises, "flags": list(flags), "error": error}
    return {"student": student, "lesson": lesson, "notebook": notebook, "digest": "0" * 64, "seconds": seconds,
            "result": result}


def write_run(folder, records, with_results=True):
    """Write a grading run of ``records`` into ``folder``: the grader's CSV files, and ``results.jsonl`` if asked."""
    folder.mkdir(parents=True, exist_ok=True)
    results.write_reports([(r["student"], r["lesson"], r["result"]) for r in records], folder / "grades.csv")
    if with_results:
        (folder / "results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    return folder


def small_class():
    """Five students, seven notebooks: one common mistake, one rarer, an exercise never defined, an unreadable
    notebook handed in under a hostile id, and a notebook flagged for importing the reference."""
    return [
        graded("alice", "02_noise_models", 24.5),
        graded("bob", "01_autoencoder_theory", 31.0, failed=[("mse", 0)]),
        graded("bob", "02_noise_models", 25.5, failed=[("add_gaussian_noise", 1)]),
        graded("carol", "02_noise_models", 26.0, failed=[("add_gaussian_noise", 1), ("psnr", 0)]),
        graded("dave", "02_noise_models", 23.0, reasons={"psnr": "psnr is not defined: NameError in the cell that "
                                                                 "should define it"},
               flags=["imports the reference implementation (dae_reference)"]),
        graded("<script>alert(1)", "02_noise_models", 2.0, flags=["unreadable"], error=UNREADABLE),
        graded("erin", "01_autoencoder_theory", 29.0),
    ]


def a_class(size=60, seed=0):
    """A class of ``size`` students handing in lessons 1 and 2, each check failed by some, a few notebooks flagged."""
    rng = random.Random(seed)
    hardness = {(lesson, name, number): rng.choice([0.02, 0.05, 0.1, 0.2, 0.35])
                for lesson, exercises in CHECKS.items() for name, checks in exercises.items()
                for number in range(len(checks))}
    records = []
    for index in range(size):
        student = f"student{index + 1:03d}" if index != 7 else "<img src=x onerror=alert(1)>"
        for lesson, base_seconds in (("01_autoencoder_theory", 38.0), ("02_noise_models", 25.0)):
            if rng.random() < 0.1:
                continue  # not handed in
            failed = [(name, number) for (kind, name, number), p in hardness.items()
                      if kind == lesson and rng.random() < p]
            cheats = rng.random() < 0.03 or student.startswith("<")  # the hostile id is in the flagged table
            flags = ["imports the reference implementation (dae_reference)"] if cheats else []
            records.append(graded(student, lesson, round(rng.lognormvariate(0, 0.15) * base_seconds, 1), failed,
                                  flags=flags))
    records.append(graded("late_lucy", "02_noise_models", 1.5, flags=["unreadable"], error=UNREADABLE))
    records.append(graded("looping_leo", "01_autoencoder_theory", 900.2, flags=["stopped"],
                          error="grading stopped after 900 s (the time limit for one notebook)"))
    return records
