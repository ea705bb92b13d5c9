"""The grader's moving clock: what a timing check compares a student's epoch times with, however busy the machine.

An epoch of a check's tiny training lasts a fraction of a second, several times
that on a busy grading machine, so a time read from the real clock cannot tell
a whole epoch from its training alone, or wall-clock time from CPU time. While
``moving`` is in force, the wall clocks the student's code reads run ahead of
the real clock by an offset that Keras moves on as each batch of a ``fit``
begins: in the k-th epoch, by k times ``TRAIN_STEP`` seconds at a training
batch and k times ``TEST_STEP`` at a validation batch, and by a ``FRACTION`` of
a second at its first training batch. A timer of whole epochs
then reads each epoch's moves plus its real length; CPU time, a time per batch,
a clock stopped before the validation, whole seconds, or the epochs' times out
of order read otherwise, on any machine. The moves of each epoch are recorded
(``MovingClock.epochs``) for the check to compare with.

The clocks: ``time.time``, ``perf_counter`` and ``monotonic`` and their
``_ns`` twins, ``time.clock_gettime`` on a wall or monotonic clock,
``datetime.datetime.now``, ``utcnow`` and ``today``, ``timeit.default_timer``.
Only the student's code reads them moved: the names of the answer's namespace
that hold one of them or the ``time``, ``datetime`` or ``timeit`` module,
those modules as that namespace imports them during the call, and the class
and instance attributes and default arguments of the classes, instances and
functions the namespace defines. TensorFlow, Keras, the kernel's threads and
the grader keep the real clock. A clock the student's code reaches in another
way (``tf.timestamp``, another module, a clock kept in a list or a dict) reads
the real one; a moved clock it keeps in such a place during the call stays
ahead after it.

Imported in the sandbox and in the student image too: the standard library
only, and Keras once a clock moves. One clock moves at a time in a process.
"""

import builtins
import contextlib
import datetime as real_datetime
import time as real_time
import timeit as real_timeit
import types

# Large against any real epoch of the checks' tiny training (well under a second, a few seconds on a crowded
# machine), so that a timer that misses a part of the epoch, or reads CPU time, reads far less than the epoch's moves.
TRAIN_STEP = 100.0
TEST_STEP = 1000.0
# Moved once more at an epoch's first training batch, so that a right time is not a whole number, nor one rounded to
# a tenth of a second unless the epoch lasted 0.85 to 0.95 s (or that plus whole seconds), while int() and round()
# of the seconds, and a timedelta's .seconds, are whole numbers however long the epoch.
FRACTION = 0.1

_WALL = ("time", "perf_counter", "monotonic")
_CLOCK_IDS = {getattr(real_time, name) for name in ("CLOCK_REALTIME", "CLOCK_MONOTONIC", "CLOCK_MONOTONIC_RAW",
                                                      "CLOCK_BOOTTIME") if hasattr(real_time, name)}


class MovingClock:
    """An offset that Keras's batches move on, and the clocks, modules and ``datetime`` class that read it."""

    def __init__(self):
        self.offset = 0.0
        self.epochs = []  # per epoch of a fit: [the moves of its training batches, of its validation batches]
        self._epoch = None
        readings = {name: _Reading(self, getattr(real_time, name), 10**9 if name.endswith("_ns") else 1)
                    for name in [*_WALL, "clock_gettime"] + [f"{name}_ns" for name in [*_WALL, "clock_gettime"]]}
        self.time = _module(real_time, readings)
        self.datetime_class = self._datetime_class()
        self.datetime = _module(real_datetime, {"datetime": self.datetime_class})
        self.timeit = _module(real_timeit, {"default_timer": self.time.perf_counter})
        # each real clock, module or class -> its moved twin
        self.moved = {real_time: self.time, real_datetime: self.datetime, real_timeit: self.timeit,
                      real_datetime.datetime: self.datetime_class}
        self.moved.update({getattr(real_time, name): reading for name, reading in readings.items()})
        for name in ("now", "utcnow", "today"):
            self.moved[getattr(real_datetime.datetime, name)] = getattr(self.datetime_class, name)

    def move(self, step, part):
        """Move on by ``step`` times the number of the epoch under way (1 outside an epoch), and by ``FRACTION`` at
        an epoch's first training batch."""
        seconds = step * (len(self.epochs) if self._epoch is not None else 1)
        if self._epoch is not None and part == 0 and self._epoch[0] == 0:
            seconds += FRACTION
        self.offset += seconds
        if self._epoch is not None:
            self._epoch[part] += seconds

    def begin_epoch(self):
        self._epoch = [0.0, 0.0]
        self.epochs.append(self._epoch)

    def end_epoch(self):
        self._epoch = None

    def _datetime_class(self):
        clock = self

        class datetime(real_datetime.datetime):
            @classmethod
            def now(cls, tz=None):
                return super().now(tz) + real_datetime.timedelta(seconds=clock.offset)

            @classmethod
            def utcnow(cls):
                return super().utcnow() + real_datetime.timedelta(seconds=clock.offset)

            @classmethod
            def today(cls):
                return super().today() + real_datetime.timedelta(seconds=clock.offset)

        return datetime


class _Reading:
    """A real clock read ahead by the moving clock's offset (in ``unit``s a second); ``clock_gettime`` moves only
    the wall and monotonic clocks. Not a function, so that it never binds as a method, as the real clocks do not."""

    def __init__(self, clock, real, unit=1):
        self.clock, self.real, self.unit, self.__name__ = clock, real, unit, real.__name__

    def __call__(self, *args):
        ahead = self.clock.offset if not args or args[0] in _CLOCK_IDS else 0.0
        return self.real(*args) + (round(ahead * self.unit) if self.unit != 1 else ahead)


def _module(module, replaced):
    """A copy of ``module`` with some of its names ``replaced``."""
    copy = types.ModuleType(module.__name__, module.__doc__)
    copy.__dict__.update({k: v for k, v in vars(module).items() if k not in ("__name__", "__doc__")})
    copy.__dict__.update(replaced)
    return copy


@contextlib.contextmanager
def moving(namespace):
    """Move the clocks that the code of ``namespace`` (a function's globals) reads; yields the ``MovingClock``."""
    import keras

    clock = MovingClock()
    callbacks = keras.callbacks.CallbackList
    hooks = {"on_epoch_begin": lambda: clock.begin_epoch(), "on_epoch_end": lambda: clock.end_epoch(),
             "on_train_batch_begin": lambda: clock.move(TRAIN_STEP, 0),
             "on_test_batch_begin": lambda: clock.move(TEST_STEP, 1)}
    originals = {name: getattr(callbacks, name) for name in hooks}
    real_import = builtins.__import__

    def import_(name, globals=None, locals=None, fromlist=(), level=0):
        module = real_import(name, globals, locals, fromlist, level)
        if globals is namespace and level == 0 and module in (real_time, real_datetime, real_timeit):
            return clock.moved[module]
        return module

    swapped = []  # (object, attribute, its real value): the class attributes and default arguments moved
    try:
        for name, hook in hooks.items():
            setattr(callbacks, name, _before(originals[name], hook))
        namespace.update({name: clock.moved[value] for name, value in list(namespace.items())
                          if _is_moved(clock, value)})
        _move_attributes(clock, namespace, swapped)
        builtins.__import__ = import_
        yield clock
    finally:  # the process's state first, then the student's, which the student's code may have locked meanwhile
        builtins.__import__ = real_import
        for name, original in originals.items():
            setattr(callbacks, name, original)
        real = {id(twin): value for value, twin in clock.moved.items()}  # (what the call imported goes back too)
        namespace.update({name: real[id(value)] for name, value in list(namespace.items()) if id(value) in real})
        for owner, attribute, value in reversed(swapped):
            with contextlib.suppress(Exception):
                setattr(owner, attribute, value)


def _move_attributes(clock, namespace, swapped):
    """Move the clocks held by the classes, instances and functions that ``namespace``'s module defines: class and
    instance attributes, default arguments. Appends (object, attribute, real value) to ``swapped`` as it goes."""
    module = namespace.get("__name__")

    def swap(owner, attribute, value, twin):
        try:
            setattr(owner, attribute, twin)
        except Exception:  # an object of the student's that refuses: its clock stays real
            return
        swapped.append((owner, attribute, value))

    functions = []
    for value in list(namespace.values()):
        if isinstance(value, types.FunctionType) and value.__module__ == module:
            functions.append(value)
        elif isinstance(value, type) and value.__module__ == module or type(value).__module__ == module:
            for name, attribute in list(vars(value).items()) if hasattr(value, "__dict__") else []:
                inner = getattr(attribute, "__func__", attribute)  # (a staticmethod's or a method's function)
                if _is_moved(clock, attribute):
                    swap(value, name, attribute, clock.moved[attribute])
                elif isinstance(attribute, staticmethod) and _is_moved(clock, inner):
                    swap(value, name, attribute, staticmethod(clock.moved[inner]))
                elif isinstance(inner, types.FunctionType):
                    functions.append(inner)
    for function in functions:
        defaults, keywords = function.__defaults__ or (), function.__kwdefaults__ or {}
        if any(_is_moved(clock, v) for v in defaults):
            swap(function, "__defaults__", function.__defaults__,
                 tuple(clock.moved[v] if _is_moved(clock, v) else v for v in defaults))
        if any(_is_moved(clock, v) for v in keywords.values()):
            swap(function, "__kwdefaults__", function.__kwdefaults__,
                 {k: clock.moved[v] if _is_moved(clock, v) else v for k, v in keywords.items()})


def _is_moved(clock, value):
    """Whether the clock has a moved twin of ``value`` (a clock, the time, datetime or timeit module, datetime)."""
    try:
        return value in clock.moved
    except Exception:  # unhashable, or a hash of the student's that fails
        return False


def _before(method, hook):
    def hooked(self, *args, **kwargs):
        hook()
        return method(self, *args, **kwargs)
    hooked.__name__ = method.__name__
    return hooked
