"""The grader's moving clock: what a timing check compares a student's epoch times with, however busy the machine.

An epoch of a check's tiny training lasts a fraction of a second, several times
that on a busy grading machine, so a time read from the real clock cannot tell
a whole epoch from its training alone, or wall-clock time from CPU time. While
``moving`` is in force, the wall clocks the student's code reads run ahead of
the real clock by an offset that Keras moves on, by ``TRAIN_STEP`` seconds as
each training batch of a ``fit`` begins and by ``TEST_STEP`` as each validation
batch begins. A timer of whole epochs then reads each epoch's moves plus its
real length; CPU time, a time per batch, or a clock stopped before the
validation read far less, on any machine. The moves of each epoch are recorded
(``MovingClock.epochs``) for the check to compare with.

The clocks: ``time.time``, ``perf_counter`` and ``monotonic`` and their
``_ns`` twins, ``time.clock_gettime`` on a wall or monotonic clock,
``datetime.datetime.now``, ``utcnow`` and ``today``, ``timeit.default_timer``.
Only the student's code reads them moved: the names of the answer's namespace
that hold one of them or the ``time``, ``datetime`` or ``timeit`` module, and
those modules as that namespace imports them during the call. TensorFlow,
Keras, the kernel's threads and the grader keep the real clock.

Imported in the sandbox and in the student image too: the standard library
only, and Keras once a clock moves.
"""

import builtins
import contextlib
import datetime as real_datetime
import time as real_time
import timeit as real_timeit
import types

# Large against any real epoch of the checks' tiny training (well under a second, a few seconds on a crowded
# machine), so that a timer that misses a part of the epoch, or reads CPU time, falls far outside the band.
TRAIN_STEP = 100.0
TEST_STEP = 1000.0

_WALL = ("time", "perf_counter", "monotonic")
_CLOCK_IDS = {getattr(real_time, name) for name in ("CLOCK_REALTIME", "CLOCK_MONOTONIC", "CLOCK_MONOTONIC_RAW",
                                                      "CLOCK_BOOTTIME") if hasattr(real_time, name)}


class MovingClock:
    """An offset that Keras's batches move on, and the clocks, modules and ``datetime`` class that read it."""

    def __init__(self):
        self.offset = 0.0
        self.epochs = []  # per epoch of a fit: [the moves of its training batches, of its validation batches]
        self._epoch = None
        self.time = self._module(real_time, {**{name: self._ahead(getattr(real_time, name)) for name in _WALL},
                                             **{f"{name}_ns": self._ahead_ns(getattr(real_time, f"{name}_ns"))
                                                for name in _WALL},
                                             "clock_gettime": self._clock_gettime,
                                             "clock_gettime_ns": self._clock_gettime_ns})
        self.datetime_class = self._datetime_class()
        self.datetime = self._module(real_datetime, {"datetime": self.datetime_class})
        self.timeit = self._module(real_timeit, {"default_timer": self.time.perf_counter})
        self.moved = {real_time: self.time, real_datetime: self.datetime, real_timeit: self.timeit,
                      real_datetime.datetime: self.datetime_class}
        for name in [*_WALL, *(f"{name}_ns" for name in _WALL), "clock_gettime", "clock_gettime_ns"]:
            self.moved[getattr(real_time, name)] = getattr(self.time, name)

    def move(self, seconds, part):
        self.offset += seconds
        if self._epoch is not None:
            self._epoch[part] += seconds

    def begin_epoch(self):
        self._epoch = [0.0, 0.0]
        self.epochs.append(self._epoch)

    def end_epoch(self):
        self._epoch = None

    def _ahead(self, clock):
        def moved():
            return clock() + self.offset
        moved.__name__ = clock.__name__
        return moved

    def _ahead_ns(self, clock):
        def moved():
            return clock() + round(self.offset * 1e9)
        moved.__name__ = clock.__name__
        return moved

    def _clock_gettime(self, clock_id):
        return real_time.clock_gettime(clock_id) + (self.offset if clock_id in _CLOCK_IDS else 0.0)

    def _clock_gettime_ns(self, clock_id):
        return real_time.clock_gettime_ns(clock_id) + (round(self.offset * 1e9) if clock_id in _CLOCK_IDS else 0)

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

    @staticmethod
    def _module(module, replaced):
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

    try:
        for name, hook in hooks.items():
            setattr(callbacks, name, _before(originals[name], hook))
        namespace.update({name: clock.moved[value] for name, value in list(namespace.items())
                          if _is_moved(clock, value)})
        builtins.__import__ = import_
        yield clock
    finally:
        builtins.__import__ = real_import
        real = {id(twin): value for value, twin in clock.moved.items()}  # (what the call imported goes back too)
        namespace.update({name: real[id(value)] for name, value in list(namespace.items()) if id(value) in real})
        for name, original in originals.items():
            setattr(callbacks, name, original)


def _is_moved(clock, value):
    """Whether the clock has a moved twin of ``value`` (a clock, the time, datetime or timeit module, datetime)."""
    try:
        return value in clock.moved
    except TypeError:  # unhashable
        return False


def _before(method, hook):
    def hooked(self, *args, **kwargs):
        hook()
        return method(self, *args, **kwargs)
    hooked.__name__ = method.__name__
    return hooked
