"""The course's layout: its lessons and where their notebooks live."""

import json
from pathlib import Path

COURSE_ID = "dae-keras"
ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS_DIR = ROOT / "solutions"  # nbgrader's source directory
LESSONS_DIR = ROOT / "lessons"  # nbgrader's release directory: generated, never edited
THRESHOLDS_PATH = Path(__file__).resolve().parent / "thresholds.json"  # written by autograder.calibrate
LESSONS = (
    "01_autoencoder_theory",
    "02_noise_models",
    "03_conv_autoencoder",
    "04_training",
    "05_evaluation",
    "06_ethics",
    "07_denoising_to_generation",
)


# How long one cell may run when a notebook is graded, by nbgrader's autograde
# or by ``python -m autograder grade``. Grading runs the smoke profile, where
# the slowest cell of any solution, lesson 7's Noise2Noise trainings, took
# 20 s on a 2-core CPU and lesson 4's noise-regime experiment 16 s
# (benchmarks/lesson_times.py, results/lesson_times.txt). The budgets leave room
# for a slower machine and a slower correct answer, and stop an endless loop
# within two minutes.
CELL_TIMEOUT_S = 120
TRAINING_CELLS = {"train": 600, "run-regimes": 600}  # grade_id of a cell that trains: its budget


def cell_timeout(cell):
    """Seconds the notebook cell ``cell`` may run when graded (nbclient's ``timeout_func``)."""
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return TRAINING_CELLS.get(grade_id, CELL_TIMEOUT_S)


def solution_path(lesson):
    return SOLUTIONS_DIR / lesson / f"{lesson}.ipynb"


def lesson_path(lesson):
    return LESSONS_DIR / lesson / f"{lesson}.ipynb"


def load_thresholds():
    """Lesson 4's loss thresholds per profile: ``{profile: {'loss_max', 'val_loss_max', 'runs', ...}}``."""
    return json.loads(THRESHOLDS_PATH.read_text())["profiles"]
