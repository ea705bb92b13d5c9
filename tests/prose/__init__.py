"""What the lessons' prose quotes, re-derived from what the code produces.

One module per lesson (``lesson01.py`` ...), each with two lists:

* ``CLAIMS``: ``Claim(quoted, derive)``: ``quoted`` is the text as the lesson
  writes it ("0.0139", "49.6%", "3.6 times"), ``derive(recorded)`` returns the
  same text from the recorded results (``results/full/*.json``, written by the
  reference's runs) or from a cheap computation with the course's code. The
  test asserts that the lesson says it and that the code still gives it.
* ``SETTINGS``: numbers the prose writes that are settings or facts, not
  measurements (the noise level 0.5, a learning rate, a paper's year).

Every decimal number, percentage and "N times" / "Nx" ratio in a lesson's
Markdown (outside code spans and LaTeX) must be a claim or a setting, so that
a number cannot enter the prose without a test behind it.
"""

import functools
import importlib
import json
import re
from pathlib import Path
from typing import Callable, NamedTuple

from autograder.course import ROOT

RESULTS_DIR = ROOT / "results" / "full"


class Claim(NamedTuple):
    quoted: str
    derive: Callable


class Recorded:
    """The recorded results of the full run, one attribute per JSON file: ``recorded.evaluation['methods']``."""

    def __init__(self, folder=RESULTS_DIR):
        self.folder = Path(folder)

    @functools.cache
    def __getattr__(self, name):
        path = self.folder / f"{name}.json"
        if not path.exists():
            raise AttributeError(f"no recorded result {path}")
        return json.loads(path.read_text())


NUMBER = re.compile(r"(?<![\w.])(?:\d[\d,]*\.\d+|\d+(?:\.\d+)?\s?%|\d+(?:\.\d+)?\s?(?:x|×)(?![\w])|\d+(?:\.\d+)? times)")


def lesson_times():
    """``{(profile, lesson): (total s, slowest cell's s, its first line)}`` from results/lesson_times.txt, the last
    measurement of each winning (benchmarks/lesson_times.py writes one line per lesson and profile)."""
    record = (ROOT / "results" / "lesson_times.txt").read_text()
    pattern = r"^(quick|smoke) +(\S+) +(\d+) s +slowest cell +(\d+) s: (.*)$"
    return {(profile, lesson): (int(total), int(slowest), cell)
            for profile, lesson, total, slowest, cell in re.findall(pattern, record, re.M)}


def quoted_numbers(markdown):
    """The numbers a piece of Markdown quotes, outside code spans, code blocks and LaTeX."""
    text = re.sub(r"```.*?```", " ", markdown, flags=re.S)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\$\$.*?\$\$|\$[^$]*\$", " ", text, flags=re.S)
    text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets
    text = re.sub(r"\b(?:[Ee]xercise|[Ss]ection|[Ff]igure|[Ll]esson)s?\s+\d+(?:\.\d+)?", " ", text)  # names, not numbers
    return [m.group(0) for m in NUMBER.finditer(text)]


def lesson_module(lesson):
    return importlib.import_module(f"tests.prose.lesson{lesson[:2]}")
