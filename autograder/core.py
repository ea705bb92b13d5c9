"""Exercises are lists of parts; a part is a check worth some points.

A part is a function that takes the student's function and raises ``Wrong``
with a message the student can act on (what was expected, what came back, the
likely cause) when the answer is wrong. Anything else the student's code
raises loses the part too, with the exception named.

Messages give numbers, but not the hidden cases' answers: a single number is
shown with the number expected; an array by its shape, or by its mean and how
many of its values differ, by how much and where, never by the values
expected, so that the feedback cannot be copied back in as an answer.
"""

import contextlib
import dataclasses
import importlib
import inspect
import io
import logging
import os
import warnings
from unittest import mock

import numpy as np

from autograder.course import LESSONS
from dae_reference.quiet import stderr_to_devnull

LESSON_MODULES = [f"autograder.checks.lesson{lesson[:2]}" for lesson in LESSONS]
REFERENCE_PACKAGE = "dae_reference"


class Wrong(Exception):
    """The answer is wrong; the message says how."""


@dataclasses.dataclass
class Part:
    description: str
    points: float
    run: object
    public: bool


@dataclasses.dataclass
class Result:
    part: Part
    earned: float
    message: str = ""


class Exercise:
    """A graded exercise: its name (the student's function), lesson and parts."""

    def __init__(self, name, lesson):
        self.name, self.lesson, self.parts = name, lesson, []
        EXERCISES[name] = self

    def part(self, points, public=False):
        """Decorator: register a check worth ``points``; its docstring describes it."""

        def register(run):
            description = inspect.getdoc(run).splitlines()[0]
            self.parts.append(Part(description, points, run, public))
            return run

        return register

    @property
    def max_points(self):
        return sum(part.points for part in self.parts)


EXERCISES = {}


def exercise(name):
    """The registered exercise called ``name``."""
    if name not in EXERCISES:
        load_all()
    if name not in EXERCISES:
        raise KeyError(f"no exercise is called {name!r}; known: {', '.join(sorted(EXERCISES))}")
    return EXERCISES[name]


def exercises(lesson):
    """The exercises of ``lesson`` (e.g. ``'02_noise_models'``), in the order the lesson sets them."""
    load_all()
    return [ex for ex in EXERCISES.values() if ex.lesson == lesson]


def load_lesson(lesson):
    """Import one lesson's checks (``'02_noise_models'``), which registers its exercises, and no other lesson's."""
    with quiet():
        importlib.import_module(f"autograder.checks.lesson{lesson[:2]}")


def load_all():
    """Import every lesson's checks, which registers their exercises (quietly: TensorFlow logs at import)."""
    with quiet():
        for module in LESSON_MODULES:
            importlib.import_module(module)


def run_parts(name, answer, *context, public_only=False):
    """Run the parts of exercise ``name`` on ``answer``; a list of ``Result``.

    ``answer`` is the student's function, or an ``autograder.remote.RemoteAnswer``
    that calls it in a sandboxed kernel: the checks treat both alike.
    """
    ex = exercise(name)
    parts = [p for p in ex.parts if p.public or not public_only]
    reason = uses_reference(answer)
    if reason:
        return [Result(p, 0.0, reason) for p in parts]
    return [run_part(p, answer, *context) for p in parts]


def run_part(part, answer, *context):
    _SETUP.clear()
    try:
        with quiet():
            part.run(answer, *context)
    except Wrong as wrong:
        return Result(part, 0.0, str(wrong))
    except (Exception, SystemExit) as error:  # the student's code failed: that loses the part, not the grading
        return Result(part, 0.0, f"your code raised {describe_exception(error)}")
    return Result(part, float(part.points))


def grade(name, answer, *context):
    """Grade ``answer`` (the student's function, or a result) for exercise ``name``.

    ``context`` is passed on to the checks (the profile a training ran under).
    Prints one line per part and returns the points earned, a float.
    """
    results = run_parts(name, answer, *context)
    print(report(name, results))
    return sum(r.earned for r in results)


def report(name, results):
    """What ``grade`` prints: the points, then one line per part."""
    earned, total = sum(r.earned for r in results), exercise(name).max_points
    lines = [f"{name}: {format_points(earned)} / {format_points(total)} point{'s' if total != 1 else ''}"]
    return "\n".join(lines + ["  " + format_result(r) for r in results])


class QuickCheckFailed(AssertionError):
    """A quick check failed; the report printed above it says which, and why."""


def check(name, answer, *context):
    """Quick public checks for exercise ``name``, printed with hints.

    Raises ``QuickCheckFailed`` when one fails, so that the cell shows an
    error and nbgrader's Validate names the exercise (the check cells are
    graded cells worth 0 points: they never change a score). While nbgrader
    or the course's grader autogrades, it runs nothing: the graded cell after
    it runs these checks with the hidden ones.
    """
    __tracebackhide__ = True  # IPython shows the student's cell, not the checker's frames
    if os.environ.get("NBGRADER_EXECUTION") == "autograde":  # (Validate sets "validate" and runs the checks)
        print(f"{name}: the quick checks are left to the graded cell below while the notebook is graded.")
        return
    results = run_parts(name, answer, *context, public_only=True)
    for r in results:
        print(format_result(r, show_points=False))
    failed = [r for r in results if r.earned < r.part.points]
    if failed:
        # nbgrader's Validate shows only this line: it names the first failure and its likely cause
        first = failed[0].message or failed[0].part.description
        raise QuickCheckFailed(f"{name}: {len(failed)} of {len(results)} quick checks failed; {first}")
    print(f"{name}: the quick checks pass. The graded tests try more cases.")


def format_result(result, show_points=True):
    mark = "ok  " if result.earned == result.part.points else "FAIL"
    points = f" ({format_points(result.part.points)} pt)" if show_points else ""
    line = f"{mark} {result.part.description}{points}"
    return line + (f"\n       -> {result.message}" if result.message else "")


def format_points(x):
    return f"{x:g}"


def describe_exception(error):
    if isinstance(error, SystemExit):
        return "SystemExit (sys.exit() was called)"
    text = str(error).strip().splitlines()
    first = text[0] if text else ""
    return f"{type(error).__name__}: {first[:300]}" if first else type(error).__name__


def uses_reference(answer):
    """A reason to give no points if ``answer`` is, or calls, the reference implementation."""
    module = getattr(answer, "__module__", None) or ""
    if module.split(".")[0] == REFERENCE_PACKAGE:
        return f"this is {module}.{getattr(answer, '__name__', '')}, the reference implementation: write your own"
    try:
        source = inspect.getsource(answer)
    except (TypeError, OSError):
        return ""
    return reference_in(source)


def reference_in(source):
    """A reason to give no points if the function's ``source`` uses the reference implementation."""
    if REFERENCE_PACKAGE in source:
        return f"your function uses {REFERENCE_PACKAGE}, the reference implementation: write your own"
    return ""


@contextlib.contextmanager
def quiet():
    """Silence warnings, logging, stdout and stderr while a check runs.

    The report is the only output a student should see, and nbgrader gives no
    points to a test cell that writes to stderr, which TensorFlow's C++ code
    does behind Python's back: file descriptor 2 goes to /dev/null too.
    """
    logging.disable(logging.WARNING)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"), stderr_to_devnull():
            warnings.simplefilter("ignore")
            with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
                yield
    finally:
        logging.disable(logging.NOTSET)


# Helpers for the lesson checks -------------------------------------------------


def as_array(value, what):
    """``value`` as a NumPy array; a ``Wrong`` naming ``what`` if it is not array-like."""
    if value is None:
        raise Wrong(f"{what} returned None: did you forget the `return` statement?")
    try:
        return np.asarray(value)
    except Exception as error:  # e.g. a ragged list
        raise Wrong(f"{what} returned a {type(value).__name__}, which is not an array: {error}") from None


def neighbour_correlation(noise):
    """The mean correlation of each image's noise with the next image's, ``noise`` of shape ``(n, ...)``: about 0
    for noise drawn anew for every image, 1 for one pattern repeated (at any scale)."""
    flat = noise.reshape(len(noise), -1)
    flat = flat - flat.mean(axis=1, keepdims=True)
    flat = flat / np.maximum(np.linalg.norm(flat, axis=1, keepdims=True), 1e-12)
    return float(np.mean(np.sum(flat[:-1] * flat[1:], axis=1)))


def as_number(value, what):
    """``value`` as a Python float; ``Wrong`` if it is not a single number."""
    if value is None:
        raise Wrong(f"{what} returned None: did you forget the `return` statement?")
    array = np.asarray(value)
    if array.size != 1 or not np.issubdtype(array.dtype, np.number):
        raise Wrong(f"{what} should return one number, got {type(value).__name__} of shape {array.shape}")
    return float(array.reshape(()))


def expect_shape(array, shape, what, hint=""):
    if tuple(array.shape) != tuple(shape):
        raise Wrong(f"{what} has shape {tuple(array.shape)}, expected {tuple(shape)}" + (f": {hint}" if hint else ""))


def expect_close(got, expected, what, rtol=1e-5, atol=1e-8, likely=None, otherwise=""):
    """Compare numbers or arrays; on a mismatch, name the likely mistake.

    ``likely`` maps a description of a mistake to the value that mistake
    would give; the first one that matches ``got`` becomes the hint, else
    ``otherwise``, a hint in words, so that no lost point is explained by
    numbers alone.
    """
    got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if got.shape == expected.shape and np.allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True):
        return
    hint = ""
    for mistake, value in (likely or {}).items():
        value = np.asarray(value, dtype=np.float64)
        if value.shape == expected.shape and np.allclose(value, expected, rtol=rtol, atol=atol):
            continue  # on this input the mistake gives the right answer: it cannot be what went wrong
        if value.shape == got.shape and np.allclose(got, value, rtol=max(rtol, 1e-3), atol=atol):
            hint = f": {mistake}"
            break
    else:
        hint = f": {otherwise}" if otherwise else ""
    if got.shape != expected.shape:
        raise Wrong(f"{what} has shape {got.shape}, expected {expected.shape}{hint}")
    if got.size == 1:
        raise Wrong(f"{what} is {float(got.reshape(())):.4g}, expected {float(expected.reshape(())):.4g}{hint}")
    nans = np.isnan(got) & ~np.isnan(expected)
    if nans.any():
        raise Wrong(f"{what} holds NaN in {nans.sum()} of its {got.size} values, where numbers were expected{hint}")
    wrong = ~np.isclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)
    first = tuple(int(i) for i in np.argwhere(wrong)[0])
    largest = np.nanmax(np.abs(got - expected))
    got_mean, expected_mean = f"{np.nanmean(got):.4g}", f"{np.nanmean(expected):.4g}"
    means = (f"has the expected mean ({got_mean}) but" if got_mean == expected_mean
             else f"has mean {got_mean}, expected {expected_mean};")
    raise Wrong(f"{what} {means} {wrong.sum()} of its {got.size} values differ, by up to {largest:.3g}, "
                f"the first at index {first}{hint}")


def as_model(value, what):
    """``value`` if it is a Keras model; ``Wrong`` otherwise."""
    import keras

    if not isinstance(value, keras.Model):
        raise Wrong(f"{what} returned a {type(value).__name__}, expected a keras.Model")
    return value


# Set-up steps for the next call of an answer that runs in a sandboxed kernel (``autograder.answering``):
# what a check does to this process's state before calling the student's function, the kernel does too.
_SETUP = []


def take_setup():
    """The set-up steps asked for since the last call, and forget them."""
    steps = list(_SETUP)
    _SETUP.clear()
    return steps


def seed_weights(seed=0):
    """Seed Keras (and NumPy and Python) so that models built next start from the same weights every run."""
    import keras

    keras.utils.set_random_seed(seed)
    _SETUP.append(("seed", seed))


def unseed():
    """Unseed TensorFlow's global generator: unseeded random ops then differ from run to run."""
    import tensorflow as tf

    tf.random.set_seed(None)
    _SETUP.append(("unseed",))


@contextlib.contextmanager
def replacing(answer, functions):
    """Call ``answer`` with ``functions`` (name -> the grader's function) in place of the student's of those names.

    So that a mistake in a helper the answer calls is not counted twice.
    """
    if getattr(answer, "is_remote", False) is True:  # a RemoteAnswer: the kernel replaces them, and calls back for them
        answer.setup.append(("replace", functions))
        try:
            yield
        finally:
            answer.setup.remove(("replace", functions))
    else:
        with mock.patch.dict(answer.__globals__, functions):
            yield


@contextlib.contextmanager
def pretending_gpus(answer, capabilities):
    """Call ``answer`` where TensorFlow reports GPUs of the given compute capabilities."""
    if getattr(answer, "is_remote", False) is True:
        step = ("gpus", [list(c) for c in capabilities])
        answer.setup.append(step)
        try:
            yield
        finally:
            answer.setup.remove(step)
    else:
        from autograder.answering import pretend_gpus

        with pretend_gpus(capabilities):
            yield


@contextlib.contextmanager
def moving_clock(answer):
    """Call ``answer`` under the grader's moving clock (``autograder.clock``); yields a function that gives the moves
    of each epoch the answer trained, [training, validation] seconds, once it has returned."""
    if getattr(answer, "is_remote", False) is True:
        step = ("clock",)
        answer.setup.append(step)
        answer.reports.pop("clock", None)
        try:
            yield lambda: answer.reports.get("clock", [])
        finally:
            answer.setup.remove(step)
    else:
        from autograder import clock

        with clock.moving(getattr(answer, "__globals__", {})) as moving:
            yield lambda: moving.epochs


def is_dataset(value):
    """A tf.data.Dataset, or one that stays in the student's kernel."""
    import tensorflow as tf

    return isinstance(value, tf.data.Dataset) or getattr(value, "is_dataset", False) is True


def is_history(value):
    """A Keras History, or one received from the student's kernel."""
    import keras

    return isinstance(value, keras.callbacks.History) or getattr(value, "is_history", False) is True


def predict(model, x, what):
    """``model``'s output on ``x`` as a NumPy array."""
    return as_array(as_model(model, what).predict(x, verbose=0), f"the output of {what}")
