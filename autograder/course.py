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
)


def solution_path(lesson):
    return SOLUTIONS_DIR / lesson / f"{lesson}.ipynb"


def lesson_path(lesson):
    return LESSONS_DIR / lesson / f"{lesson}.ipynb"


def load_thresholds():
    """Lesson 4's loss thresholds per profile: ``{profile: {'loss_max', 'val_loss_max', 'runs', ...}}``."""
    return json.loads(THRESHOLDS_PATH.read_text())["profiles"]
