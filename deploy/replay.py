"""Replay the reference's recorded answers for the quick public checks (copied into the student image).

The student image has no reference source of a graded function. Its check
modules call the same names as the instructor's (``evaluate.mse(x, y)``,
``reference.N_PARAMS``), bound to the proxies below: each call returns what
the reference returned for the same arguments when the image was built
(``deploy/student_build.py`` records them), so ``check()`` prints the same
report. Where no value was recorded (an object such as a Keras model, or
arguments the build did not meet), the check uses the student's own function
of that name, as a lesson's notebook defines it; failing that, the check
says it cannot judge the call in the student edition.
"""

import hashlib
import pickle
import sys
from pathlib import Path

import numpy as np

RECORDED_PATH = Path(__file__).resolve().parent / "checks" / "recorded.pickle"
UNRECORDABLE = "<unrecordable>"
_recorded = None
_counters = {}


class NotRecorded(Exception):
    """The student edition of a check met a call the build did not record."""


def fingerprint(value):
    """A hashable, stable summary of ``value``: arrays by dtype, shape and bytes; objects by type."""
    if isinstance(value, np.ndarray):
        data = np.ascontiguousarray(value)
        return ("array", str(data.dtype), data.shape, hashlib.sha1(data.tobytes()).hexdigest())
    if isinstance(value, (bool, int, float, complex, str, bytes, type(None), np.generic)):
        return ("scalar", type(value).__name__, repr(value))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(fingerprint(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((repr(k), fingerprint(v)) for k, v in value.items())))
    if callable(value) and not hasattr(value, "predict"):
        return ("callable",)
    return ("object", type(value).__module__, type(value).__qualname__)


def call_key(parameters, args, kwargs):
    """The arguments bound to the reference's parameters ``[(name, default or None, kind), ...]``, defaults applied."""
    bound, positional = {}, list(args)
    for name, has_default, default, kind in parameters:
        if kind == "VAR_POSITIONAL":
            bound[name] = tuple(positional)
            positional = []
        elif kind == "VAR_KEYWORD":
            bound[name] = {k: v for k, v in kwargs.items() if k not in bound}
        elif positional and kind != "KEYWORD_ONLY":
            bound[name] = positional.pop(0)
        elif name in kwargs:
            bound[name] = kwargs[name]
        elif has_default:
            bound[name] = default
    return fingerprint(bound)


def part_frame(part_codes):
    """The outermost frame on the stack that runs one of the check parts ``part_codes``: {code: part id}."""
    frame, found = sys._getframe(1), None
    while frame is not None:
        if frame.f_code in part_codes:
            found = frame
        frame = frame.f_back
    return found


def first_argument(frame):
    """The first argument of the part's frame: the student's function (or result)."""
    return frame.f_locals.get(frame.f_code.co_varnames[0]) if frame.f_code.co_argcount else None


def environment_key():
    """What an environment-dependent reference reads: the first GPU's compute capability, or None."""
    import tensorflow as tf

    devices = tf.config.list_physical_devices("GPU")
    if not devices:
        return None
    return tuple(tf.config.experimental.get_device_details(devices[0]).get("compute_capability", (0, 0)))


def recorded():
    global _recorded
    if _recorded is None:
        _recorded = pickle.loads(RECORDED_PATH.read_bytes())
    return _recorded


class ReplayFunction:
    """Stands for the reference function ``qualname`` in one check module."""

    def __init__(self, qualname, check_module, fallback=None):
        self.qualname, self.check_module, self.fallback = qualname, check_module, fallback
        self.__name__ = qualname.rsplit(".", 1)[1]

    def __call__(self, *args, **kwargs):
        __tracebackhide__ = True
        table = recorded()
        info = table["functions"][self.qualname]
        codes = {code: part for part, code in part_codes(self.check_module).items()}
        frame = part_frame(codes)
        key = call_key(info["parameters"], args, kwargs)
        if info.get("environment"):
            key = (key, environment_key())
        if frame is not None:
            part = codes[frame.f_code]
            outputs = table["calls"].get((part, self.qualname, key))
            if outputs:
                count_key = (id(frame), part, self.qualname, key)
                index = _counters.get(count_key, 0)
                _counters[count_key] = index + 1
                value = outputs[min(index, len(outputs) - 1)]
                if not (isinstance(value, str) and value == UNRECORDABLE):
                    return pickle.loads(value)
        own = self.fallback or (own_function(first_argument(frame), self.__name__) if frame is not None else None)
        if own is not None:
            return own(*args, **kwargs)
        raise NotRecorded(f"the student edition of this check has no recorded reference value for {self.__name__}(...) "
                          "with these inputs; the graded tests will judge it")


def own_function(answer, name):
    """The student's own function ``name``, from the namespace the answer was defined in (a lesson's notebook)."""
    candidate = getattr(answer, "__globals__", {}).get(name)
    return candidate if callable(candidate) and not isinstance(candidate, ReplayFunction) else None


_part_codes = {}


def register_parts(check_module, parts):
    """Name the public parts of ``check_module``: ``{part id: function}``."""
    _part_codes[check_module] = {part: function.__code__ for part, function in parts.items()}


def part_codes(check_module):
    return _part_codes.get(check_module, {})


class ReplayModule:
    """Stands for a reference module in one check module: recorded constants and functions, else the image's module."""

    def __init__(self, module_name, check_module):
        self.module_name, self.check_module = module_name, check_module

    def __getattr__(self, name):
        table = recorded()
        qualname = f"{self.module_name}.{name}"
        if qualname in table["constants"]:
            return pickle.loads(table["constants"][qualname])
        if qualname in table["functions"]:
            codes = {code: part for part, code in part_codes(self.check_module).items()}
            frame = part_frame(codes)
            # taken now, before a check puts this stand-in into the student's namespace (mock.patch.dict)
            fallback = own_function(first_argument(frame), name) if frame is not None else None
            return ReplayFunction(qualname, self.check_module, fallback)
        import importlib

        return getattr(importlib.import_module(self.module_name), name)
