"""The grader's moving clock (autograder/clock.py): the student's code reads it moved by Keras's batches, the rest
of the process reads the real clock, and the timing check passes a right timer whichever wall clock it reads."""

import builtins
import textwrap
import time
import types

import keras
import pytest

from autograder import clock, core
from autograder.checks import lesson04

TIMER = """
import keras

class Timer(keras.callbacks.Callback):
    {attributes}

    def on_epoch_begin(self, epoch, logs=None):
        {imports}
        self.start = {now}

    def on_epoch_end(self, epoch, logs=None):
        {imports}
        logs["epoch_seconds"] = {seconds}


def train(model, train_ds, val_ds, epochs, learning_rate=1e-3, verbose=2):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mse")
    return model.fit(train_ds, validation_data=val_ds, epochs=epochs, verbose=verbose, callbacks=[Timer()],
                     shuffle=False)
"""

# Right timers, each reading a wall clock in its own way: (imports at the top, imports in the methods, the clock
# read at the epoch's start, the seconds written at its end[, the class's attributes]).
RIGHT = {
    "perf_counter": ("import time", "", "time.perf_counter()", "time.perf_counter() - self.start"),
    "imported by name": ("from time import perf_counter", "", "perf_counter()", "perf_counter() - self.start"),
    "imported in the methods": ("", "import time", "time.time()", "time.time() - self.start"),
    "imported for the module": ("", "global time; import time", "time.time()", "time.time() - self.start"),
    "monotonic_ns": ("import time", "", "time.monotonic_ns()", "(time.monotonic_ns() - self.start) / 1e9"),
    "clock_gettime": ("import time", "", "time.clock_gettime(time.CLOCK_MONOTONIC)",
                      "time.clock_gettime(time.CLOCK_MONOTONIC) - self.start"),
    "datetime class": ("from datetime import datetime", "", "datetime.now()",
                       "(datetime.now() - self.start).total_seconds()"),
    "datetime module": ("import datetime", "", "datetime.datetime.now()",
                        "(datetime.datetime.now() - self.start).total_seconds()"),
    "timeit": ("from timeit import default_timer", "", "default_timer()", "default_timer() - self.start"),
    "a clock in a class attribute": ("import time", "", "self.clock()", "self.clock() - self.start",
                                     "clock = time.perf_counter"),
    "a clock as a default argument": ("import time", "", "self.clock()", "self.clock() - self.start",
                                      "def __init__(self, clock=time.perf_counter):\n"
                                      "        super().__init__()\n        self.clock = clock"),
    "a clock in a static method": ("import time", "", "self.clock()", "self.clock() - self.start",
                                   "clock = staticmethod(time.perf_counter)"),
    "datetime.now kept in a name": ("from datetime import datetime\nnow = datetime.now", "", "now()",
                                    "(now() - self.start).total_seconds()"),
}


def answer(top, inside, now, seconds, attributes="pass"):
    """The training function of a notebook whose timer reads the clock as given, in a namespace of its own."""
    source = top + "\n" + textwrap.dedent(TIMER).format(now=now, seconds=seconds, imports=inside or "pass",
                                                        attributes=attributes)
    namespace = types.ModuleType("notebook").__dict__
    exec(compile(source, "<notebook>", "exec"), namespace)
    return namespace["train"]


def timing_part():
    return next(p for p in core.exercise("train_autoencoder").parts if p.run is lesson04._epoch_seconds)


@pytest.mark.parametrize("style", RIGHT)
def test_a_right_timer_passes_whichever_wall_clock_it_reads(style):
    part = timing_part()
    result = core.run_part(part, answer(*RIGHT[style]))
    assert result.earned == part.points, result.message


@pytest.mark.parametrize("seconds, passes", [("int(time.perf_counter() - self.start)", False),
                                             ("round(time.perf_counter() - self.start, 1)", True)])
def test_whole_seconds_fail_and_tenths_pass_however_long_the_epochs(seconds, passes):
    """Each epoch lasts over 1.2 s (as on a crowded machine): int() of a right time would lie among the right times."""
    train = answer("import time", "", "time.perf_counter()", seconds,
                   "def on_test_end(self, logs=None):\n        time.sleep(1.2)")
    part = timing_part()
    result = core.run_part(part, train)
    assert (result.earned == part.points) == passes, result.message
    assert passes or "holds whole seconds" in result.message


def test_a_timer_made_once_before_the_call_with_its_clock_kept_in_it_passes():
    top = "import time"
    attributes = "def __init__(self, clock=time.perf_counter):\n        super().__init__()\n        self.clock = clock"
    train = answer(top, "", "self.clock()", "self.clock() - self.start", attributes)
    namespace = train.__globals__
    exec("TIMER = Timer()\nTimer.__init__.__defaults__ = (None,)", namespace)  # the clock is in the instance alone
    source = "def train(model, train_ds, val_ds, epochs, learning_rate=1e-3, verbose=2):\n" \
             "    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss='mse')\n" \
             "    return model.fit(train_ds, validation_data=val_ds, epochs=epochs, verbose=verbose, " \
             "callbacks=[TIMER], shuffle=False)\n"
    exec(source, namespace)
    part = timing_part()
    result = core.run_part(part, namespace["train"])
    assert result.earned == part.points, result.message
    assert namespace["TIMER"].clock is time.perf_counter


def test_an_object_that_refuses_the_moved_clock_keeps_its_own_and_spoils_nothing():
    train = answer(*RIGHT["perf_counter"])
    exec("class Locked(type):\n    def __setattr__(cls, name, value):\n        raise AttributeError('read-only')\n"
         "class Settings(metaclass=Locked):\n    clock = time.time\n", train.__globals__)
    hook = keras.callbacks.CallbackList.on_train_batch_begin
    part = timing_part()
    result = core.run_part(part, train)
    assert result.earned == part.points, result.message
    assert keras.callbacks.CallbackList.on_train_batch_begin is hook and train.__globals__["time"] is time


def test_the_clock_moves_for_the_answer_alone_and_keras_records_each_epoch():
    train = answer(*RIGHT["imported by name"])
    namespace = train.__globals__
    real = (namespace["perf_counter"], keras.callbacks.CallbackList.on_train_batch_begin, builtins.__import__)
    assert "time" not in namespace
    before = time.perf_counter()
    with clock.moving(namespace) as moving:
        assert namespace["perf_counter"] is not real[0]
        history = train(lesson04._tiny_model(), *lesson04._tiny_datasets(), epochs=2, verbose=0)
        here = time.perf_counter() - before
    # the tiny datasets: 4 training batches and 2 validation batches an epoch; the k-th epoch moves k times as far
    assert moving.epochs == [[4 * clock.TRAIN_STEP + clock.FRACTION, 2 * clock.TEST_STEP],
                             [8 * clock.TRAIN_STEP + clock.FRACTION, 4 * clock.TEST_STEP]]
    assert here < clock.TRAIN_STEP  # this module's clock, and Keras's, stayed real
    for (training, validation), seconds in zip(moving.epochs, history.history["epoch_seconds"]):
        assert training + validation <= seconds < training + validation + here
    assert (namespace["perf_counter"], keras.callbacks.CallbackList.on_train_batch_begin, builtins.__import__) == real


def test_what_the_answer_imports_while_the_clock_moves_is_the_real_module_afterwards():
    train = answer(*RIGHT["imported for the module"])
    with clock.moving(train.__globals__):
        train(lesson04._tiny_model(), *lesson04._tiny_datasets(), epochs=1, verbose=0)
        assert train.__globals__["time"] is not time
    assert train.__globals__["time"] is time


def test_a_moved_clock_never_reads_behind_the_real_one():
    moving = clock.MovingClock()
    moving.move(clock.TEST_STEP, 1)  # outside an epoch: the clock moves, no epoch records it
    assert moving.epochs == []
    real, real_ns = time.perf_counter(), time.time_ns()
    assert moving.time.perf_counter() >= real + clock.TEST_STEP
    assert moving.time.time_ns() >= real_ns + int(clock.TEST_STEP * 1e9)
    assert moving.time.clock_gettime(time.CLOCK_PROCESS_CPUTIME_ID) < clock.TEST_STEP  # CPU time is not moved
    assert (moving.datetime.datetime.now() - moving.datetime_class.now()).total_seconds() < 1
    assert moving.time.sleep is time.sleep and moving.timeit.Timer is __import__("timeit").Timer
