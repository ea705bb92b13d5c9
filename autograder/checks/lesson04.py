"""Lesson 4, training: the input pipeline, compile, fit and time, precision, the trained result, and fixed against fresh
noise."""

import time

import numpy as np

from autograder.clock import TRAIN_STEP
from autograder.core import (Exercise, Wrong, as_number, expect_close, expect_shape, is_dataset, is_history,
                             moving_clock, pretending_gpus, seed_weights, unseed)
from autograder.course import load_thresholds
from dae_reference import device, train

LESSON = "04_training"


def _distinct_images(n=96, size=28):
    """``n`` constant images with distinct grey levels in [0.3, 0.7], so each can be told apart."""
    levels = np.linspace(0.3, 0.7, n, dtype=np.float32)
    return np.broadcast_to(levels[:, None, None, None], (n, size, size, 1)).copy()


# A noise level small enough that clipping at 0 and 1 never acts on the images above
# (0.3 - 6 * 0.04 > 0), so that noisy - clean is the noise itself, position by position.
_SMALL_SIGMA = 0.04


def _epoch(ds, what):
    """One pass over ``ds`` as two float arrays (noisy, clean)."""
    if not is_dataset(ds):
        raise Wrong(f"{what} is a {type(ds).__name__}, expected a tf.data.Dataset")
    noisy, clean = [], []
    for element in ds:
        if not isinstance(element, tuple) or len(element) != 2:
            raise Wrong(f"{what} yields {type(element).__name__}s, expected (noisy, clean) pairs")
        noisy.append(np.asarray(element[0], dtype=np.float64))
        clean.append(np.asarray(element[1], dtype=np.float64))
    if not noisy:
        raise Wrong(f"{what} is empty")
    return np.concatenate(noisy), np.concatenate(clean)


def _datasets(fn, global_seed=0, **kwargs):
    """``fn`` on the distinct images, after seeding the global generators as lesson 4 does before it trains.

    ``global_seed=None`` unseeds TensorFlow's global generator instead: unseeded random ops in a pipeline then
    differ from pass to pass, as a redrawn validation noise would in training.
    """
    if global_seed is None:
        unseed()
    else:
        seed_weights(global_seed)
    result = fn(_distinct_images(), _distinct_images(40)[::-1].copy(), **kwargs)
    if not isinstance(result, tuple) or len(result) != 2:
        raise Wrong(f"make_datasets should return (train_ds, val_ds), got {type(result).__name__}")
    return result


def _image_index(clean, what):
    """Which of the 96 distinct training images each clean target is; ``Wrong`` if one is not a training image."""
    index = np.rint((clean[:, 0, 0, 0] - 0.3) / 0.4 * 95).astype(int)
    if np.any(index < 0) or np.any(index > 95) or not np.allclose(clean, _distinct_images()[index], atol=1e-6):
        raise Wrong(f"the second element of each {what} pair is not a clean training image: yield (noisy, clean), "
                    "the noisy image first (the model's input), the clean one second (its target)")
    return index


make_datasets = Exercise("make_datasets", LESSON)


@make_datasets.part(1, public=True)
def _batches(fn):
    """returns (train_ds, val_ds) of float32 (noisy, clean) batches of batch_size images, the noisy ones in [0, 1]"""
    train_ds, val_ds = _datasets(fn, batch_size=32)
    for ds, what in [(train_ds, "train_ds"), (val_ds, "val_ds")]:
        noisy, clean = next(iter(ds))
        expect_shape(np.asarray(noisy), (32, 28, 28, 1), f"the first noisy batch of {what} with batch_size=32",
                     "use .batch(batch_size)")
        expect_shape(np.asarray(clean), (32, 28, 28, 1), f"the first clean batch of {what} with batch_size=32")
        for array, which in [(noisy, "noisy"), (clean, "clean")]:
            dtype = np.asarray(array).dtype
            if dtype != np.float32:
                raise Wrong(f"the {which} batches of {what} are {dtype}, expected float32 as the docstring promises: "
                            "NumPy noise is float64, convert with .astype(np.float32) (or tf.cast)")
    for ds, what in [(train_ds, "training"), (val_ds, "validation")]:
        noisy, clean = _epoch(ds, what)
        if what == "training":
            _image_index(clean, "train_ds")
        if np.allclose(noisy, clean):
            raise Wrong(f"the noisy {what} images equal the clean ones: corrupt the inputs, keep the targets clean")
        if noisy.min() < 0 or noisy.max() > 1:
            raise Wrong(f"the noisy {what} images range from {noisy.min():.2f} to {noisy.max():.2f} with sigma=0.5: "
                        "the noise is not clipped; clip the noisy images to [0, 1] (tf.clip_by_value), as pixels are")


@make_datasets.part(1, public=True)
def _noise_level(fn):
    """the training and validation noise have standard deviation sigma"""
    for sigma in (_SMALL_SIGMA, 0.1):
        train_ds, val_ds = _datasets(fn, batch_size=32, sigma=sigma, seed=4)
        for ds, what in [(train_ds, "training"), (val_ds, "validation")]:
            noisy, clean = _epoch(ds, what)
            std = float(np.std(noisy - clean))
            if abs(std - sigma) > 0.15 * sigma:
                raise Wrong(f"with sigma={sigma} the {what} noise has standard deviation {std:.3f}: sigma is ignored "
                            "or misused; scale standard normal noise by sigma (stddev=sigma)")


@make_datasets.part(1, public=True)
def _validation_fixed(fn):
    """validation: targets are x_val in order, the noise is the same every pass"""
    x_val = _distinct_images(40)[::-1].copy()
    _, val_ds = _datasets(fn, global_seed=None, batch_size=16)
    first_noisy, first_clean = _epoch(val_ds, "val_ds")
    second_noisy, _ = _epoch(val_ds, "val_ds")
    expect_shape(first_clean, x_val.shape, "the clean validation images, concatenated")
    if not np.allclose(first_clean, x_val):
        raise Wrong("the clean validation images are not x_val in its order: do not shuffle the validation set")
    if not np.allclose(first_noisy, second_noisy):
        raise Wrong("the validation noise is redrawn on every pass: corrupt x_val once, before building val_ds, "
                    "so every epoch is judged on the same noisy images")


def _training_noise(fn, seed, epochs=1):
    """``epochs`` passes over one build's train_ds: [(image index, noise), ...] in the order they came."""
    train_ds, _ = _datasets(fn, batch_size=16, sigma=_SMALL_SIGMA, seed=seed)
    passes = []
    for _ in range(epochs):
        noisy, clean = _epoch(train_ds, "train_ds")
        expect_shape(clean, (96, 28, 28, 1), "one epoch of clean training images")
        index = _image_index(clean, "train_ds")
        if sorted(index) != list(range(96)):
            raise Wrong("one epoch of train_ds does not hold every training image exactly once")
        passes.append((index, noisy - clean))
    return passes


# Random ops that keep state between calls, and the names a student wrote them under.
_STATEFUL_RANDOM = {
    "RandomStandardNormal": "tf.random.normal", "RandomUniform": "tf.random.uniform",
    "RandomUniformInt": "tf.random.uniform", "TruncatedNormal": "tf.random.truncated_normal",
    "RngReadAndSkip": "a tf.random.Generator", "StatefulStandardNormalV2": "a tf.random.Generator",
    "StatefulUniform": "a tf.random.Generator", "StatefulTruncatedNormal": "a tf.random.Generator",
    "PyFunc": "NumPy in a numpy_function", "EagerPyFunc": "Python in a py_function",
}


def _stateful_random_in_parallel_map(ds):
    """The stateful random ops that a parallel ``Dataset.map`` in ``ds`` calls, by the names students write.

    Run time cannot show this reliably: the threads of a parallel map hand a stateful op's draws to the
    batches in an order that only sometimes differs between two runs. The dataset's graph shows it every time.
    """
    from tensorflow.core.framework import graph_pb2
    from tensorflow.python.data.ops import options

    graph = graph_pb2.GraphDef()
    try:
        if hasattr(ds, "serialized_graph"):  # a dataset that stays in the student's kernel
            graph.ParseFromString(ds.serialized_graph())
        else:
            graph.ParseFromString(ds._as_serialized_graph(
                external_state_policy=options.ExternalStatePolicy.IGNORE).numpy())
    except Exception:  # a dataset TensorFlow cannot serialise (or a graph that does not parse): judged by what it yields
        return []
    functions = {f.signature.name: f for f in graph.library.function}

    def called(node):
        for value in node.attr.values():
            if value.HasField("func"):
                yield value.func.name
            yield from (f.name for f in value.list.func)

    found, seen = set(), set()
    pending = [name for node in graph.node if node.op.startswith("ParallelMap") for name in called(node)]
    while pending:
        name = pending.pop()
        if name in seen or name not in functions:
            continue
        seen.add(name)
        for node in functions[name].node_def:
            if node.op in _STATEFUL_RANDOM:
                found.add(_STATEFUL_RANDOM[node.op])
            pending.extend(called(node))
    return sorted(found)


@make_datasets.part(1, public=True)
def _training_reproducible(fn):
    """training: two builds with one seed give the same images, order and noise; another seed, other noise"""
    stateful = _stateful_random_in_parallel_map(_datasets(fn, batch_size=16, sigma=_SMALL_SIGMA, seed=3)[0])
    if stateful:
        raise Wrong(f"the training noise comes from {' and '.join(stateful)} inside a parallel Dataset.map: its "
                    "draws go to the batches in whatever order the threads run, so two builds with the same seed "
                    "can give different noise and the run cannot be repeated; derive a seed for each batch from "
                    "seed (Dataset.random(seed=seed)) and draw with tf.random.stateless_normal")
    (index, noise), = _training_noise(fn, seed=3)
    (index_again, noise_again), = _training_noise(fn, seed=3)
    if not np.array_equal(index, index_again):
        raise Wrong("two builds with the same seed shuffle the training images differently: pass seed to .shuffle")
    if not np.allclose(noise, noise_again, atol=1e-6):
        raise Wrong("two builds with the same seed give different training noise, so the run cannot be repeated: "
                    "a tf.random.Generator or tf.random.normal inside a parallel map draws in whatever order the "
                    "calls happen to run; derive a seed for each batch from seed (Dataset.random(seed=seed)) and "
                    "draw with tf.random.stateless_normal")
    (_, other_noise), = _training_noise(fn, seed=4)
    if np.allclose(noise, other_noise, atol=1e-6):
        raise Wrong("seed=3 and seed=4 give the same training noise: the seed is ignored; seed the noise with it")


@make_datasets.part(1, public=True)
def _training_fresh(fn):
    """training: every image each epoch, shuffled one by one over the whole set, with new noise at every position and for every image"""
    (first_index, first_noise), (second_index, second_noise) = _training_noise(fn, seed=3, epochs=2)
    if np.array_equal(first_index, np.arange(96)) or np.array_equal(first_index, second_index):
        raise Wrong("the training images come in the same order every epoch: shuffle them each epoch "
                    "(.shuffle(len(x_train), seed=seed))")
    same_position = np.isclose(first_noise, second_noise, atol=1e-6).all(axis=(1, 2, 3))
    if same_position.mean() > 0.5:
        raise Wrong("the training noise repeats, position by position, every epoch (only the shuffling hands it to "
                    "other images): the global-seed trap, or noise drawn once; give each batch its own stateless "
                    "seed, redrawn each epoch (Dataset.random(seed=seed, rerandomize_each_iteration=True))")
    same_image = np.isclose(first_noise[np.argsort(first_index)], second_noise[np.argsort(second_index)],
                            atol=1e-6).all(axis=(1, 2, 3))
    if same_image.mean() > 0.5:
        raise Wrong("each image gets the same noise in every epoch: the training set was corrupted once; draw the "
                    "noise inside the pipeline, in Dataset.map, with a new stateless seed for each batch every epoch")
    _expect_images_shuffled(fn)


def _expect_images_shuffled(fn):
    """Every image once an epoch, the last smaller batch kept; images shuffled one by one, over the whole set."""
    train_ds, _ = _datasets(fn, batch_size=20, sigma=_SMALL_SIGMA, seed=5)  # 96 images: four batches of 20, one of 16
    epochs = [[frozenset(_image_index(np.asarray(clean, dtype=np.float64), "train_ds")) for _, clean in train_ds]
              for _ in range(2)]
    seen = sum(len(batch) for batch in epochs[0])
    if seen < 96:
        raise Wrong(f"an epoch of train_ds with batch_size=20 holds {seen} of the 96 training images: the last, "
                    "smaller batch is dropped (drop_remainder=True); keep it, so that every image is trained on")
    if set(epochs[0]) == set(epochs[1]):
        raise Wrong("every epoch groups the same images into the same batches, only in another order: the batches "
                    "are shuffled, not the images; shuffle the images before .batch(batch_size)")
    # 2,000 images: a buffer of 1,000 or 1,024, common in examples, is a full shuffle of fewer
    many = np.linspace(0.1, 0.9, 2000, dtype=np.float32)[:, None, None, None] * np.ones((1, 4, 4, 1), np.float32)
    train_ds, _ = fn(many, many[:8], batch_size=50, sigma=_SMALL_SIGMA, seed=5)
    _, clean = next(iter(train_ds))
    first = np.rint((np.asarray(clean, dtype=np.float64)[:, 0, 0, 0] - 0.1) / 0.8 * 1999)
    if first.max() < 1500:  # a full shuffle puts all 50 in the first 1,500 with probability 0.75 ** 50, 6e-7
        raise Wrong(f"with 2,000 training images the first batch holds only images {first.min():.0f} to "
                    f"{first.max():.0f}: the shuffle buffer is smaller than the data set, so early images come first; "
                    "shuffle with a buffer of len(x_train)")


train_autoencoder = Exercise("train_autoencoder", LESSON)


def _tiny_model():
    import keras

    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((6,)), keras.layers.Dense(6, activation="sigmoid")])


def _tiny_datasets():
    import tensorflow as tf

    x = np.random.default_rng(42).random((64, 6), dtype=np.float32)
    x_val = np.random.default_rng(43).random((16, 6), dtype=np.float32)  # not training data, so that validating on train_ds shows
    train_ds = tf.data.Dataset.from_tensor_slices((x, x)).batch(16)
    val_ds = tf.data.Dataset.from_tensor_slices((x_val, x_val)).batch(8)  # two batches: validation_steps=1 shows
    return train_ds, val_ds


def _train_tiny(fn, epochs, learning_rate=1e-2, verbose=0):
    """``fn`` on a fresh uncompiled model: (model, what fn returned)."""
    model, (train_ds, val_ds) = _tiny_model(), _tiny_datasets()
    history = fn(model, train_ds, val_ds, epochs, learning_rate=learning_rate, verbose=verbose)
    if not is_history(history):
        raise Wrong(f"train_autoencoder returned a {type(history).__name__}, expected the History that model.fit returns")
    return model, history


@train_autoencoder.part(1, public=True)
def _adam_and_mse(fn):
    """compiles with Adam and the mean squared error"""
    model, _ = _train_tiny(fn, epochs=1)
    optimizer = type(getattr(model, "optimizer", None)).__name__
    if optimizer != "Adam":
        raise Wrong(f"the optimizer is {optimizer}, expected Adam: compile with optimizer=keras.optimizers.Adam(...)")
    x = np.random.default_rng(40).random((32, 6), dtype=np.float32)
    y = np.random.default_rng(41).random((32, 6), dtype=np.float32)
    loss = model.evaluate(x, y, batch_size=8, verbose=0)
    loss = float(loss[0] if isinstance(loss, list) else loss)
    expected = float(np.mean((y - _predict(model, x)) ** 2))
    if not np.isclose(loss, expected, rtol=1e-3):
        raise Wrong(f"the model is compiled with the wrong loss ({loss:.4f} where the mean squared error is "
                    f"{expected:.4f}): the autoencoder minimises the mean squared error, loss='mse'")


@train_autoencoder.part(1, public=True)
def _learning_rate(fn):
    """uses learning_rate"""
    model, _ = _train_tiny(fn, epochs=1, learning_rate=3e-4)
    rate = float(np.asarray(model.optimizer.learning_rate))
    if np.isclose(rate, 1e-3):
        raise Wrong("with learning_rate=3e-4 the optimizer's learning rate is 0.001, Adam's default: learning_rate is "
                    "ignored; pass it on, Adam(learning_rate=learning_rate)")
    if not np.isclose(rate, 3e-4):
        raise Wrong(f"with learning_rate=3e-4 the optimizer's learning rate is {rate:g}: pass learning_rate on "
                    "unchanged, Adam(learning_rate=learning_rate)")


def _predict(model, x):
    """The tiny model's output, called as a function (model.predict would compile a graph for these few numbers)."""
    return np.asarray(model(x, training=False))


def _val_mse(model, val_ds):
    """The model's mean squared error on val_ds, whatever loss it was compiled with."""
    errors = [np.mean(np.square(_predict(model, noisy) - np.asarray(clean))) for noisy, clean in val_ds]
    return float(np.mean(errors))


def _fit_tiny(fn, epochs):
    model, (train_ds, val_ds) = _tiny_model(), _tiny_datasets()
    before = _val_mse(model, val_ds)
    model, history = _train_tiny(fn, epochs)
    if "val_loss" not in history.history:
        raise Wrong("the History has no validation loss: the model was trained without validation data; "
                    "pass validation_data=val_ds to fit")
    verbose = getattr(history, "params", {}).get("verbose")
    if verbose is not None and verbose != 0:
        raise Wrong(f"with verbose=0 fit ran with verbose={verbose!r}: pass verbose on, fit(..., verbose=verbose), so "
                    "that section 7's trainings print nothing")
    losses, val_losses = (len(history.history.get(key, [])) for key in ("loss", "val_loss"))
    if losses != epochs:
        raise Wrong(f"history.history['loss'] has {losses} values after epochs={epochs}, expected {epochs}: "
                    "train for exactly `epochs` epochs, in one call: fit(..., epochs=epochs)")
    if val_losses != epochs:
        raise Wrong(f"history.history['val_loss'] has {val_losses} values after epochs={epochs}: validate after "
                    "every epoch; leave out validation_freq")
    steps, batches = int(model.optimizer.iterations), epochs * len(list(train_ds))
    if steps != batches:
        raise Wrong(f"the optimizer took {steps} steps in {epochs} epochs of {batches // epochs} batches: "
                    "steps_per_epoch cuts the epochs short; leave it out, so that every epoch sees all of train_ds")
    after = model.evaluate(val_ds, verbose=0)
    if np.isclose(history.history["val_loss"][-1], model.evaluate(val_ds.take(1), verbose=0), rtol=1e-3) and \
            not np.isclose(history.history["val_loss"][-1], after, rtol=1e-3):
        raise Wrong(f"the History's last validation loss is {history.history['val_loss'][-1]:.4f}, the loss on the first "
                    f"batch of val_ds, where the loss on all of val_ds is {after:.4f}: validation_steps limits the "
                    "validation to a few batches; leave it out, so that the whole validation set is scored")
    if not np.isclose(history.history["val_loss"][-1], after, rtol=1e-3):
        raise Wrong(f"the History's last validation loss is {history.history['val_loss'][-1]:.4f} where the loss on val_ds "
                    f"is {after:.4f}: the model was validated on other data; pass validation_data=val_ds, not train_ds")
    return model, before


@train_autoencoder.part(1, public=True)
def _fit(fn):
    """fits for `epochs` epochs on all of train_ds, validating on all of val_ds, passes verbose on, and returns the History"""
    model, before = _fit_tiny(fn, epochs=3)
    if not _val_mse(model, _tiny_datasets()[1]) < before and float(np.asarray(model.optimizer.learning_rate)) > 3e-3:
        # (with the learning rate ignored the error may barely move: _learning_rate names that)
        raise Wrong("the validation error did not go down: is the model trained on train_ds?")


@train_autoencoder.part(1)
def _fit_other_epochs(fn):
    """uses epochs: one epoch gives one loss value"""
    _fit_tiny(fn, epochs=1)


# The timing part compares each epoch's seconds with the grader's moving clock (autograder.clock): while the answer
# runs, the wall clocks its code reads run ahead of the real one, in the k-th epoch by k * TRAIN_STEP seconds at each
# training batch and k * TEST_STEP at each validation batch, and by a FRACTION of a second once, so that a whole epoch
# reads its known moves plus its real length (a fraction of a second, a few seconds on a crowded machine). A timer
# that misses a part of the epoch, reads CPU time, drops the fraction of a second, or puts the epochs out of order
# reads otherwise, on any machine and in any process. _SLACK lets a right time rounded to a tenth of a second pass.
_SLACK = 0.05
_UNITS = {1e3: "milliseconds", 1e6: "microseconds", 1e9: "nanoseconds", 1 / 60: "minutes"}


def _within(seconds, low, high):
    return bool(np.all(seconds >= low - _SLACK) and np.all(seconds <= high + _SLACK))


@train_autoencoder.part(1, public=True)
def _epoch_seconds(fn):
    """records each epoch's wall-clock seconds, its validation included, in history.history['epoch_seconds']"""
    epochs, (train_ds, val_ds) = 3, _tiny_datasets()
    with moving_clock(fn) as moves:
        start = time.perf_counter()
        history = fn(_tiny_model(), train_ds, val_ds, epochs, learning_rate=1e-2, verbose=0)
        took = time.perf_counter() - start  # the real time of the call, the moves of its epochs left out
        moves = moves()
    if not is_history(history):
        raise Wrong(f"train_autoencoder returned a {type(history).__name__}, expected the History that model.fit returns")
    if "epoch_seconds" not in history.history:
        raise Wrong("history.history has no 'epoch_seconds': time each epoch with a callback (on_epoch_begin starts a "
                    "clock, on_epoch_end writes logs['epoch_seconds'], which the History records), and pass it to fit")
    try:
        seconds = np.asarray(history.history["epoch_seconds"], dtype=np.float64)
    except (TypeError, ValueError):
        raise Wrong("history.history['epoch_seconds'] is not a list of numbers: one number of seconds per epoch") from None
    if seconds.ndim == 0:
        raise Wrong("history.history['epoch_seconds'] is one number, not a list with one number per epoch: write "
                    "logs['epoch_seconds'] in on_epoch_end, and the History gathers one value from every epoch")
    seconds = seconds.ravel()
    if len(seconds) != epochs:
        # (not the number of values: a timer kept from earlier calls holds as many as there were earlier calls)
        raise Wrong(f"history.history['epoch_seconds'] has {'fewer' if len(seconds) < epochs else 'more'} values than "
                    f"the {epochs} epochs of this call: train in one fit call for exactly `epochs` epochs, with a "
                    "new timer made in every call (a timer made once, outside train_autoencoder, keeps the times of "
                    "earlier calls)")
    # (no measured time in a message: the same answer must get the same feedback on every run)
    if not np.all(np.isfinite(seconds)) or seconds.min() <= 0:
        raise Wrong("history.history['epoch_seconds'] holds a value that is not a positive number: each epoch's "
                    "seconds are the clock at the epoch's end minus the clock at its start")
    try:
        moves = np.asarray(moves, dtype=np.float64).reshape(-1, 2)[-epochs:]
    except (TypeError, ValueError):
        moves = np.zeros((0, 2))
    if len(moves) != epochs:
        raise Wrong(f"Keras ran {len(moves)} epochs in this call of train_autoencoder, where the History has {epochs}: "
                    "train with one model.fit call and return the History it gives")
    training, validation = moves[:, 0], moves[:, 1]
    whole = training + validation
    if np.all(seconds == np.round(seconds)):
        # (before the band: under the moved clock a right time is no whole number, while int() or round() of one
        # falls in the band when the real epochs are long enough)
        raise Wrong("history.history['epoch_seconds'] holds whole seconds: int(), round() or a timedelta's .seconds "
                    "drop the fraction of a second, which on a GPU is a good part of an epoch; keep it, as "
                    "time.perf_counter() differences or timedelta.total_seconds() give it")
    if _within(seconds, whole, whole + took):
        return
    if np.all(seconds == seconds[0]):
        raise Wrong("every epoch took exactly the same time by history.history['epoch_seconds'], which no clock "
                    "gives: was fit's total time divided by the number of epochs? Time each epoch from its own "
                    "on_epoch_begin to its on_epoch_end")
    if _within(np.sort(seconds), whole, whole + took):
        raise Wrong("history.history['epoch_seconds'] holds the epochs' times out of order: the first value is the "
                    "first epoch's; append each epoch's seconds as it ends")
    for unit, name in _UNITS.items():
        if _within(seconds / unit, whole, whole + took):
            raise Wrong(f"the epochs' times are in {name}, not in seconds: record seconds, time.perf_counter() "
                        "differences as they are")
    if _within(seconds, np.cumsum(whole), np.cumsum(whole) + took):
        raise Wrong("each epoch's seconds are measured from the start of the training, not of its epoch: start the "
                    "clock in on_epoch_begin")
    if _within(np.diff(seconds), whole[1:], whole[1:] + took) and seconds[0] > whole[0] + took:
        # (readings of a clock grow by an epoch's time from one epoch to the next, from wherever the clock started)
        raise Wrong("history.history['epoch_seconds'] holds readings of the clock, not differences: subtract the "
                    "clock's reading in on_epoch_begin from its reading in on_epoch_end")
    if _within(seconds, training, training + took):
        raise Wrong("each epoch's seconds leave out its validation: Keras validates after the training batches and "
                    "before on_epoch_end, so read the clock in on_epoch_end (not on_train_batch_end or on_test_begin)")
    if _within(seconds, validation, validation + took):
        raise Wrong("each epoch's seconds are its validation's alone: start the clock in on_epoch_begin, before the "
                    "training batches")
    if np.all(seconds < TRAIN_STEP / 2):
        raise Wrong("the epochs' seconds are far shorter than the epochs: is it CPU time (time.process_time), or the "
                    "time of one batch? Time each whole epoch with a wall clock, time.perf_counter(), from "
                    "on_epoch_begin to on_epoch_end. (The grader follows the clocks of the time, datetime and timeit "
                    "modules as your notebook's code names them; not tf.timestamp, a clock kept in a list or a dict, "
                    "or a timer from another module.)")
    raise Wrong("the epochs' seconds do not match the epochs: measure each epoch from its on_epoch_begin to its "
                "on_epoch_end, in seconds")


choose_precision = Exercise("choose_precision", LESSON)


@choose_precision.part(1, public=True)
def _precision_here(fn):
    """gives the right policy for this machine"""
    got, expected = fn(), device.choose_precision()
    if got != expected:
        raise Wrong(f"choose_precision() returned {got!r} on this machine ({device.describe_device()}), expected {expected!r}")


@choose_precision.part(1, public=True)
def _precision_by_gpu(fn):
    """mixed_float16 on a GPU of compute capability 7.0 or newer, float32 otherwise"""
    cases = [([], "float32"), ([(8, 0)], "mixed_float16"), ([(7, 0)], "mixed_float16"), ([(6, 1)], "float32")]
    for capabilities, expected in cases:
        with pretending_gpus(fn, capabilities):
            got = fn()
        if got != expected:
            machine = f"a GPU of compute capability {capabilities[0][0]}.{capabilities[0][1]}" if capabilities else "no GPU"
            hint = "; read it from tf.config.experimental.get_device_details(gpu)['compute_capability']" if capabilities else ""
            raise Wrong(f"with {machine} choose_precision() returned {got!r}, expected {expected!r}{hint}")


training_result = Exercise("training_result", LESSON)


def _history_dict(history):
    values = getattr(history, "history", history)
    if not isinstance(values, dict) or "loss" not in values:
        raise Wrong(f"expected the History of the training run, got a {type(history).__name__}")
    return values


@training_result.part(1, public=True)
def _trained_all_epochs(history, profile):
    """a loss and a validation loss for each of the profile's epochs"""
    from dae_reference.config import PROFILES

    values, epochs = _history_dict(history), PROFILES[profile].epochs
    for key in ("loss", "val_loss"):
        if len(values.get(key, [])) != epochs:
            raise Wrong(f"history[{key!r}] has {len(values.get(key, []))} values, expected {epochs} (profile {profile!r})")


@training_result.part(1, public=True)
def _validation_loss(history, profile):
    """final validation MSE within the reference's range for the profile"""
    _expect_below(history, profile, "val_loss")


@training_result.part(1, public=True)
def _training_loss(history, profile):
    """final training MSE within the reference's range for the profile"""
    _expect_below(history, profile, "loss")


def _expect_below(history, profile, key):
    threshold = load_thresholds()[profile][f"{key}_max"]
    values = _history_dict(history).get(key) or []
    if not values:
        raise Wrong(f"the History has no {key!r}: train_autoencoder must fit with validation_data=val_ds")
    final = float(values[-1])
    if not 0 < final <= threshold:
        raise Wrong(f"the final {key} is {final:.4f}, expected at most {threshold:.4f} for the {profile!r} profile "
                    "(the reference's worst seed plus 10%): check the noise, the model and the optimizer above")


regime_gap = Exercise("regime_gap", LESSON)

# Final validation MSEs of paired runs, chosen so that every mistake below gives another answer: the seeds'
# scales differ (a ratio of means is not a mean of ratios), the gaps differ in sign and size (a median, an
# absolute difference, fresh over fixed and a missing "- 1" are all told apart), and the two lists are not in
# the same order of size (runs paired by rank, after sorting each list, are not runs paired by seed).
_FIXED = [0.0300, 0.0150, 0.0212, 0.0125, 0.0180]
_FRESH = [0.0290, 0.0152, 0.0200, 0.0160, 0.0171]
# float32 arithmetic (a TensorFlow mean) is a correct answer: 1e-4 leaves room for it, far below every mistake
_RTOL = 1e-4


def _gap(fn, fixed, fresh, what):
    returned = fn(list(fixed), list(fresh))
    if not isinstance(returned, (tuple, list)) or len(returned) != 2:
        raise Wrong(f"{what} returned a {type(returned).__name__}, expected a pair (mean, standard_error): "
                    "return mean, standard_error")
    return [as_number(value, f"{what}'s {name}") for value, name in zip(returned, ("mean", "standard error"))]


def _mean_mistakes(fixed, fresh):
    fixed, fresh = np.asarray(fixed), np.asarray(fresh)
    return {
        "this is fresh / fixed - 1: the gap is fixed over fresh, positive when fixed noise ends worse":
            np.mean(fresh / fixed - 1),
        "this is the mean of fixed / fresh, without the - 1: give the relative gap, 0 when the two regimes tie":
            np.mean(fixed / fresh),
        "this is the ratio of the two means: pair the runs first, seed by seed (fixed[i] / fresh[i] - 1), "
        "then average, so that what a seed does to both runs cancels": fixed.mean() / fresh.mean() - 1,
        "this is the mean absolute difference in MSE: divide each by its fresh run, fixed[i] / fresh[i] - 1":
            np.mean(fixed - fresh),
        "this is the median: take the mean of the paired gaps": np.median(fixed / fresh - 1),
        "these runs are paired by rank (each list sorted), not by seed: fixed[i] and fresh[i] share a seed, keep "
        "them in the order given": np.mean(np.sort(fixed) / np.sort(fresh) - 1),
        "this is in percent: return the fraction (0.05, not 5)": 100 * np.mean(fixed / fresh - 1),
    }


@regime_gap.part(1, public=True)
def _gap_mean(fn):
    """returns (mean, standard_error); the mean is the mean over seeds of fixed[i] / fresh[i] - 1"""
    what = f"regime_gap({_FIXED}, {_FRESH})"
    mean, _ = _gap(fn, _FIXED, _FRESH, what)
    expected, _ = train.regime_gap(_FIXED, _FRESH)
    expect_close(mean, expected, f"{what}'s mean", rtol=_RTOL, atol=1e-9, likely=_mean_mistakes(_FIXED, _FRESH),
                 otherwise="pair the runs by seed, fixed[i] / fresh[i] - 1, and average the gaps")


# What the standard error is, without the line of code that Exercise 4.5 asks the student to find
_ERROR_HINT = ("the standard error of a mean is the spread of the values, estimated for a small sample (it divides "
               "by n - 1), over the square root of how many there are")


def _error_mistakes(fixed, fresh):
    gap = np.asarray(fixed) / np.asarray(fresh) - 1
    n = len(gap)
    return {
        "this divides by n, not n - 1: the sample standard deviation (ddof=1) estimates the spread from few seeds":
            gap.std() / np.sqrt(n),
        "this is the standard deviation of the gaps, not the standard error of their mean: divide by sqrt(n)":
            gap.std(ddof=1),
        "this is the standard deviation with ddof=0, not the standard error of the mean: use ddof=1 and "
        "divide by sqrt(n)": gap.std(),
        "this divides the standard deviation by n: the standard error divides by sqrt(n)": gap.std(ddof=1) / n,
        "this is the variance over n: take the standard deviation (the square root) over sqrt(n)":
            gap.var(ddof=1) / n,
    }


@regime_gap.part(1, public=True)
def _gap_standard_error(fn):
    """the standard error of the mean gap, estimated from the sample of gaps"""
    what = f"regime_gap({_FIXED}, {_FRESH})"
    _, error = _gap(fn, _FIXED, _FRESH, what)
    _, expected = train.regime_gap(_FIXED, _FRESH)
    expect_close(error, expected, f"{what}'s standard error", rtol=_RTOL, atol=1e-9,
                 likely=_error_mistakes(_FIXED, _FRESH),
                 otherwise=_ERROR_HINT)


@regime_gap.part(1)
def _gap_other_runs(fn):
    """other runs: three seeds, fixed better than fresh; and a clear error for unpaired or single runs"""
    fixed, fresh = [0.0410, 0.0398, 0.0431], [0.0395, 0.0401, 0.0450]
    what = "regime_gap on three other pairs of runs"
    mean, error = _gap(fn, fixed, fresh, what)
    expected_mean, expected_error = train.regime_gap(fixed, fresh)
    expect_close(mean, expected_mean, f"{what}'s mean", rtol=_RTOL, atol=1e-9, likely=_mean_mistakes(fixed, fresh),
                 otherwise="pair the runs by seed, fixed[i] / fresh[i] - 1, and average the gaps")
    expect_close(error, expected_error, f"{what}'s standard error", rtol=_RTOL, atol=1e-9,
                 likely=_error_mistakes(fixed, fresh),
                 otherwise=_ERROR_HINT)
    for bad, why in [(([0.02, 0.03], [0.02, 0.03, 0.04]), "two fixed runs and three fresh ones cannot be paired"),
                     (([0.02], [0.02, 0.021, 0.022]), "one fixed run and three fresh ones cannot be paired"),
                     (([0.02], [0.021]), "one seed has no spread to give a standard error")]:
        try:
            fn(*bad)
        except ValueError:
            continue
        except Exception as raised:
            if type(raised).__name__ == "ValueError":  # raised in a sandboxed kernel
                continue
            raise Wrong(f"regime_gap{bad} raised {type(raised).__name__}, expected a ValueError: {why}; check the "
                        "lengths first and raise ValueError with a sentence saying what is wrong") from None
        raise Wrong(f"regime_gap{bad} returned a result, expected a ValueError: {why}; check the lengths first "
                    "(len(fixed) == len(fresh) >= 2) and raise ValueError")
