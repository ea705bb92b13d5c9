"""The other correct style and the wrong-answer corpus, each graded once per test run and shared by the tests.

Several tests judge the same grading: whether a mistake loses points with its
hint, whether its quick checks already catch it, whether any message lists
hidden expected values, whether every part fails for some mistake, whether an
answer served from another process gets the same feedback. Grading is
deterministic (``test_grading_is_deterministic`` and ``tests/test_remote.py``
hold it to that), so each answer is graded here once, every part of it, and the
tests read the results. The corpus trains many tiny models: grading it once
instead of five times is most of the suite's time saved.
"""

import contextlib
import functools
import importlib
import re
from typing import NamedTuple

import numpy as np

from autograder import core
from tests.submissions import alternative, wrong

WRONG = wrong.load()


class Graded(NamedTuple):
    results: list  # a core.Result per part, in the exercise's order
    compared_arrays: list  # per part: whether it compared the answer with an expected array of two or more values
    listed: list  # per part: the numbers in its message that are values (not the mean) of such an expected array


def mistake(name, index):
    """``WRONG[name][index]`` graded, every part."""
    return _grade(name, index)


def other_style(name):
    """``alternative.<name>`` (a correct answer in another style) graded, every part."""
    return _grade(name, None)


@functools.cache
def _grade(name, index):
    answer = getattr(alternative, name) if index is None else WRONG[name][index].answer
    if core.uses_reference(answer):  # run_parts gives every part the reason, without running it
        results = core.run_parts(name, answer)
        return Graded(results, [False] * len(results), [[] for _ in results])
    graded = Graded([], [], [])
    for part in core.exercise(name).parts:
        with _recording_comparisons() as compared:
            result = core.run_part(part, answer)
        arrays = [(got, expected) for got, expected in compared if expected.size >= 2 and got.shape == expected.shape]
        graded.results.append(result)
        graded.compared_arrays.append(bool(arrays))
        graded.listed.append(_expected_values_shown(result.message, arrays))
    return graded


@contextlib.contextmanager
def _recording_comparisons():
    """Record the arrays each check's ``expect_close`` compares, as float64 copies."""
    compared = []

    def spy(got, expected, *args, **kwargs):
        compared.append((np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)))
        return core.expect_close(got, expected, *args, **kwargs)

    modules = [m for m in map(importlib.import_module, core.LESSON_MODULES) if hasattr(m, "expect_close")]
    saved = {module: module.expect_close for module in modules}
    for module in modules:
        module.expect_close = spy
    try:
        yield compared
    finally:
        for module, original in saved.items():
            module.expect_close = original


def _expected_values_shown(message, arrays):
    """The numbers written in ``message`` that are values of an expected array and not the mean of either array."""
    shown = [float(x) for x in re.findall(r"-?\d+\.\d+(?:e-?\d+)?", message)]
    listed = []
    for got, expected in arrays:
        means = [np.nanmean(got), np.nanmean(expected)]
        listed += [x for x in shown if not np.isclose(means, x, rtol=5e-4).any()
                   and np.isclose(expected.ravel(), x, rtol=5e-4).any()]
    return listed
