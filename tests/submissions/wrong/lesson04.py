"""Lesson 4, training: typical wrong answers and the feedback each must get."""

import time

import keras
import numpy as np
import tensorflow as tf

from tests.submissions import alternative as right
from tests.submissions.wrong import Mistake


def _gap(fixed, fresh):
    return right.regime_gap(fixed, fresh)


def _gap_unchecked(fixed, fresh):
    """zip pairs as many runs as the shorter list has, and one run gives a standard error of nan: no error."""
    gaps = np.array([a / b - 1 for a, b in zip(fixed, fresh)])
    return gaps.mean(), gaps.std(ddof=1) / np.sqrt(len(gaps))


def _gap_broadcasts(fixed, fresh):
    """Checks one length only: NumPy broadcasts one fixed run against every fresh one."""
    if len(fresh) < 2:
        raise ValueError("need two runs or more")
    gaps = np.asarray(fixed) / np.asarray(fresh) - 1
    return gaps.mean(), gaps.std(ddof=1) / np.sqrt(len(gaps))


def _validation(x_val, batch_size, sigma, seed):
    return right.make_datasets(x_val[:1], x_val, batch_size, sigma, seed)[1]


def _pipeline(x_train, seed, batch_size, corrupt, parallel=True):
    """shuffle -> batch -> map(corrupt) -> prefetch, as the lesson draws it."""
    return (tf.data.Dataset.from_tensor_slices(x_train).shuffle(len(x_train), seed=seed).batch(batch_size)
            .map(corrupt, num_parallel_calls=tf.data.AUTOTUNE if parallel else None).prefetch(tf.data.AUTOTUNE))


def _datasets_shuffled(x_train, x_val, batch_size=128, sigma=0.5, seed=42, buffer=None, drop=False, batches=False):
    """The right pipeline with a shuffling mistake: a small ``buffer``, the last batch dropped, or whole batches
    shuffled instead of images."""
    def corrupt(clean, pair):
        return tf.clip_by_value(clean + tf.random.stateless_normal(tf.shape(clean), seed=pair, stddev=sigma), 0, 1), clean

    images = tf.data.Dataset.from_tensor_slices(x_train)
    if not batches:
        images = images.shuffle(buffer or len(x_train), seed=seed)
    pairs = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)
    train_ds = tf.data.Dataset.zip(images, pairs).map(corrupt).batch(batch_size, drop_remainder=drop)
    if batches:
        train_ds = train_ds.shuffle(len(x_train), seed=seed)
    return train_ds.prefetch(2), right.make_datasets(x_train, x_val, batch_size, sigma, seed)[1]


def _datasets_unbatched(x_train, x_val, batch_size=128, sigma=0.5, seed=42):
    train_ds, val_ds = right.make_datasets(x_train, x_val, batch_size, sigma, seed)
    return train_ds.unbatch(), val_ds.unbatch()


def _datasets_swapped(x_train, x_val, batch_size=128, sigma=0.5, seed=42):
    """(clean, noisy): the model would learn to add noise."""
    train_ds, val_ds = right.make_datasets(x_train, x_val, batch_size, sigma, seed)
    return train_ds.map(lambda noisy, clean: (clean, noisy)), val_ds.map(lambda noisy, clean: (clean, noisy))


def _datasets_float64(x_train, x_val, batch_size=128, sigma=0.5, seed=42):
    """NumPy's float64 noise left as it is."""
    noisy = np.clip(x_val + sigma * np.random.default_rng(seed).standard_normal(x_val.shape), 0, 1)
    train_ds, _ = right.make_datasets(x_train, x_val, batch_size, sigma, seed)
    return train_ds, tf.data.Dataset.from_tensor_slices((noisy, x_val)).batch(batch_size)


def _datasets_fresh_validation_noise(x_train, x_val, batch_size=128, sigma=0.5, seed=42):
    def corrupt(clean):
        return tf.clip_by_value(clean + tf.random.normal(tf.shape(clean), stddev=sigma), 0.0, 1.0), clean

    train_ds, _ = right.make_datasets(x_train, x_val, batch_size, sigma, seed)
    return train_ds, tf.data.Dataset.from_tensor_slices(x_val).batch(batch_size).map(corrupt)


def _datasets_sigma_ignored(x_train, x_val, batch_size=128, sigma=0.5, seed=42):
    return right.make_datasets(x_train, x_val, batch_size, 0.5, seed)


def _datasets_seed_ignored(x_train, x_val, batch_size=128, sigma=0.5, seed=42):
    return right.make_datasets(x_train, x_val, batch_size, sigma, 0)


def _datasets_fixed_noise(x_train, x_val, batch_size=128, sigma=0.5, seed=42):
    """The tutorial's way: the training set corrupted once."""
    noisy = np.clip(x_train + sigma * np.random.default_rng(seed).standard_normal(x_train.shape), 0, 1).astype("float32")
    train_ds = tf.data.Dataset.from_tensor_slices((noisy, x_train)).shuffle(len(x_train), seed=seed).batch(batch_size)
    return train_ds, _validation(x_val, batch_size, sigma, seed)


def _datasets_global_seed(x_train, x_val, batch_size=128, sigma=0.5, seed=42):
    """The trap: unseeded tf.random.normal in map, under lesson 4's global seed, restarts from it every epoch."""
    def corrupt(clean):
        return tf.clip_by_value(clean + tf.random.normal(tf.shape(clean), stddev=sigma), 0.0, 1.0), clean

    return _pipeline(x_train, seed, batch_size, corrupt, parallel=False), _validation(x_val, batch_size, sigma, seed)


def _datasets_set_seed_inside(x_train, x_val, batch_size=128, sigma=0.5, seed=42):
    """The same trap with the global seed set inside, and a parallel map on top."""
    tf.random.set_seed(seed)

    def corrupt(clean):
        return tf.clip_by_value(clean + tf.random.normal(tf.shape(clean), stddev=sigma), 0.0, 1.0), clean

    return _pipeline(x_train, seed, batch_size, corrupt), _validation(x_val, batch_size, sigma, seed)


def _datasets_noise_drawn_once(x_train, x_val, batch_size=128, sigma=0.5, seed=42):
    """One batch of noise drawn once, added to every batch."""
    noise = tf.random.stateless_normal((batch_size, *x_train.shape[1:]), seed=(seed, 0), stddev=sigma)

    def corrupt(clean):
        return tf.clip_by_value(clean + noise[: tf.shape(clean)[0]], 0.0, 1.0), clean

    return _pipeline(x_train, seed, batch_size, corrupt), _validation(x_val, batch_size, sigma, seed)


def _datasets_shared_generator(x_train, x_val, batch_size=128, sigma=0.5, seed=42):
    """One seeded tf.random.Generator shared by the calls of a parallel map: new noise each epoch, in thread order."""
    generator = tf.random.Generator.from_seed(seed)

    def corrupt(clean):
        return tf.clip_by_value(clean + generator.normal(tf.shape(clean), stddev=sigma), 0.0, 1.0), clean

    return _pipeline(x_train, seed, batch_size, corrupt), _validation(x_val, batch_size, sigma, seed)


def _datasets_numpy_in_map(x_train, x_val, batch_size=128, sigma=0.5, seed=42):
    """NumPy's seeded generator called through tf.numpy_function in a parallel map."""
    rng = np.random.default_rng(seed)

    def noisy(clean):
        return np.clip(clean + sigma * rng.standard_normal(clean.shape), 0, 1).astype(np.float32)

    def corrupt(clean):
        return tf.reshape(tf.numpy_function(noisy, [clean], tf.float32), tf.shape(clean)), clean

    return _pipeline(x_train, seed, batch_size, corrupt), _validation(x_val, batch_size, sigma, seed)


class _Timer(keras.callbacks.Callback):
    """An epoch timer that writes logs['epoch_seconds'], right unless told to make a mistake: ``scale`` (1000 for
    milliseconds), ``cumulative`` (from the start of the training), ``reading`` (the clock's reading at the epoch's
    end, not a difference), ``clock`` (CPU time, say), ``part`` ("training": stopped as the validation begins;
    "validation": started as it begins; "batch": the last training batch's time), ``whole`` (int() of the seconds),
    ``reverse`` (each epoch's time put first)."""

    def __init__(self, scale=1.0, cumulative=False, reading=False, clock=None, part=None, whole=False, reverse=False):
        super().__init__()
        self.scale, self.cumulative, self.reading, self.clock, self.part = scale, cumulative, reading, clock, part
        self.whole, self.reverse, self.laps = whole, reverse, []

    def now(self):
        return self.clock() if self.clock else time.perf_counter()

    def on_train_begin(self, logs=None):
        self.began = self.now()

    def on_epoch_begin(self, epoch, logs=None):
        self.start = self.began if self.cumulative else self.now()

    def on_train_batch_begin(self, batch, logs=None):
        if self.part == "batch":
            self.start = self.now()

    def on_train_batch_end(self, batch, logs=None):
        if self.part == "batch":
            self.stopped = self.now()

    def on_test_begin(self, logs=None):
        if self.part == "training":
            self.stopped = self.now()
        elif self.part == "validation":
            self.start = self.now()

    def on_epoch_end(self, epoch, logs=None):
        now = self.stopped if self.part in ("training", "batch") else self.now()
        seconds = now if self.reading else self.scale * (now - self.start)
        seconds = int(seconds) if self.whole else seconds
        self.laps.insert(0 if self.reverse else len(self.laps), seconds)
        logs["epoch_seconds"] = seconds

    def on_train_end(self, logs=None):
        if self.reverse:
            self.model.history.history["epoch_seconds"] = self.laps


def _total_time(model, train_ds, val_ds, epochs, learning_rate=1e-3, verbose=2, split=False):
    """fit's total time in 'epoch_seconds': as one number, or with ``split`` shared out evenly over the epochs."""
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mse")
    start = time.perf_counter()
    history = model.fit(train_ds, validation_data=val_ds, epochs=epochs, verbose=verbose)
    total = time.perf_counter() - start
    history.history["epoch_seconds"] = [total / epochs] * epochs if split else total
    return history


_ONE_TIMER = right.Stopwatch()  # made once, at import: every call appends to the same list


def _timer_made_once(model, train_ds, val_ds, epochs, learning_rate=1e-3, verbose=2):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mse")
    history = model.fit(train_ds, validation_data=val_ds, epochs=epochs, verbose=verbose, callbacks=[_ONE_TIMER])
    history.history["epoch_seconds"] = _ONE_TIMER.laps
    return history


def _train(model, train_ds, val_ds, epochs, learning_rate=1e-3, verbose=2, optimizer=None, loss="mse", fit=(),
           timer=None):
    """The reference's compile and fit, with one choice changed (``fit``: arguments of model.fit to override;
    ``timer``: the epoch timer, None for a right one, False for none)."""
    model.compile(optimizer=optimizer or keras.optimizers.Adam(learning_rate), loss=loss)
    callbacks = [] if timer is False else [timer or _Timer()]
    return model.fit(train_ds, **{"validation_data": val_ds, "epochs": epochs, "verbose": verbose,
                                  "callbacks": callbacks, **dict(fit)})


def _datasets_unclipped(x_train, x_val, batch_size=128, sigma=0.5, seed=42):
    """The reference's pipeline without tf.clip_by_value: noisy pixels outside [0, 1]."""
    def corrupt(clean, pair):
        return clean + tf.random.stateless_normal(tf.shape(clean), seed=pair, stddev=sigma), clean

    images = tf.data.Dataset.from_tensor_slices(x_train).shuffle(10_000, seed=seed)
    pairs = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)
    train_ds = tf.data.Dataset.zip(images, pairs).map(corrupt).batch(batch_size)
    val_noisy = x_val + tf.random.stateless_normal(tf.shape(x_val), seed=(seed, 0), stddev=sigma)
    return train_ds, tf.data.Dataset.from_tensor_slices((val_noisy, x_val)).batch(batch_size)


def _precision_any_gpu():
    return "mixed_float16" if tf.config.list_physical_devices("GPU") else "float32"


WRONG = {
    "make_datasets": [
        Mistake(_datasets_fixed_noise, "each image gets the same noise in every epoch", public=True),
        Mistake(_datasets_unbatched, "use .batch(batch_size)", public=True),
        Mistake(_datasets_swapped, "yield (noisy, clean), the noisy image first", public=True),
        Mistake(_datasets_float64, "expected float32 as the docstring promises", public=True),
        Mistake(_datasets_fresh_validation_noise, "validation noise is redrawn on every pass", public=True),
        Mistake(_datasets_sigma_ignored, "sigma is ignored", public=True),
        Mistake(_datasets_seed_ignored, "the seed is ignored", public=True),
        Mistake(_datasets_global_seed, "the global-seed trap", public=True),
        Mistake(_datasets_set_seed_inside, "tf.random.normal inside a parallel Dataset.map", public=True,
                thread_ordered=True),
        Mistake(_datasets_shared_generator, "a tf.random.Generator inside a parallel Dataset.map", public=True,
                thread_ordered=True),
        Mistake(_datasets_numpy_in_map, "NumPy in a numpy_function inside a parallel Dataset.map", public=True,
                thread_ordered=True),
        Mistake(_datasets_noise_drawn_once, "repeats, position by position, every epoch", public=True),
        Mistake(_datasets_unclipped, "the noise is not clipped", public=True),
        Mistake(lambda *a, **k: _datasets_shuffled(*a, **k, buffer=100), "the shuffle buffer is smaller", public=True),
        Mistake(lambda *a, **k: _datasets_shuffled(*a, **k, buffer=1000), "the shuffle buffer is smaller", public=True),
        Mistake(lambda *a, **k: _datasets_shuffled(*a, **k, drop=True), "the last, smaller batch is dropped", public=True),
        Mistake(lambda *a, **k: _datasets_shuffled(*a, **k, batches=True), "the batches are shuffled, not the images",
                public=True),
    ],
    "train_autoencoder": [
        Mistake(lambda *a, **k: _train(*a, **k, optimizer=keras.optimizers.SGD(1e-2)), "expected Adam", public=True),
        Mistake(lambda *a, **k: _train(*a, **k, optimizer="adam"), "learning_rate is ignored", public=True),
        Mistake(lambda *a, **k: _train(*a, **k, loss="mae"), "compiled with the wrong loss", public=True),
        Mistake(lambda *a, **k: _train(*a, **k, fit={"validation_steps": 1}), "validation_steps limits the validation",
                public=True),
        Mistake(lambda *a, **k: _train(*a, **k, fit={"validation_data": None}), "trained without validation data", public=True),
        Mistake(lambda *a, **k: _train(*a, **k, fit={"epochs": 3}), "train for exactly `epochs` epochs"),
        Mistake(lambda model, train_ds, val_ds, *a, **k: _train(model, train_ds, train_ds, *a, **k),
                "validated on other data", public=True),
        Mistake(lambda *a, **k: _train(*a, **k, fit={"steps_per_epoch": 1}), "steps_per_epoch cuts the epochs short",
                public=True),
        Mistake(lambda *a, **k: _train(*a, **k, fit={"validation_freq": 2}), "leave out validation_freq", public=True),
        Mistake(lambda model, train_ds, val_ds, epochs, learning_rate=1e-3, verbose=2:
                _train(model, train_ds, val_ds, epochs, 10 * learning_rate, verbose), "pass learning_rate on unchanged",
                public=True),
        Mistake(lambda *a, **k: _train(*a, **{**k, "verbose": 2}), "pass verbose on", public=True),
        Mistake(lambda *a, **k: _train(*a, **k, timer=False), "has no 'epoch_seconds'", public=True),
        Mistake(_timer_made_once, "a new timer made in every call", public=True),
        Mistake(lambda *a, **k: _train(*a, **k, timer=_Timer(cumulative=True)), "start the clock in on_epoch_begin",
                public=True),
        Mistake(lambda *a, **k: _train(*a, **k, timer=_Timer(scale=1000.0)), "are in milliseconds, not in seconds",
                public=True),
        Mistake(lambda *a, **k: _train(*a, **k, timer=_Timer(scale=1 / 60)), "are in minutes, not in seconds",
                public=True),
        Mistake(lambda *a, **k: _train(*a, **k, timer=_Timer(whole=True)), "holds whole seconds", public=True),
        Mistake(lambda *a, **k: _train(*a, **k, timer=_Timer(reverse=True)), "the epochs' times out of order",
                public=True),
        Mistake(lambda *a, **k: _train(*a, **k, timer=_Timer(reading=True)), "readings of the clock, not differences",
                public=True),
        Mistake(_total_time, "is one number, not a list", public=True),
        Mistake(lambda *a, **k: _total_time(*a, **k, split=True), "was fit's total time divided by the number of epochs",
                public=True),
        Mistake(lambda *a, **k: _train(*a, **k, timer=_Timer(part="batch")), "the time of one batch", public=True),
        Mistake(lambda *a, **k: _train(*a, **k, timer=_Timer(clock=time.process_time)), "is it CPU time", public=True),
        Mistake(lambda *a, **k: _train(*a, **k, timer=_Timer(clock=time.thread_time)), "is it CPU time", public=True),
        Mistake(lambda *a, **k: _train(*a, **k, timer=_Timer(part="training")), "leave out its validation",
                public=True),
        Mistake(lambda *a, **k: _train(*a, **k, timer=_Timer(part="validation")), "are its validation's alone",
                public=True),
    ],
    "choose_precision": [Mistake(_precision_any_gpu, "compute capability 6.1", public=True),
                         Mistake(lambda: "float32", "float32", public=True),
                         Mistake(lambda: "mixed_float16", "mixed_float16", public=True)],
    "regime_gap": [
        Mistake(lambda f, r: (_gap(r, f)[0], _gap(f, r)[1]), "this is fresh / fixed - 1", public=True),
        Mistake(lambda f, r: (np.mean(f) / np.mean(r) - 1, _gap(f, r)[1]), "pair the runs first", public=True),
        Mistake(lambda f, r: (np.mean(np.subtract(f, r)), _gap(f, r)[1]), "the mean absolute difference",
                public=True),
        Mistake(lambda f, r: (_gap(f, r)[0] + 1, _gap(f, r)[1]), "without the - 1", public=True),
        Mistake(lambda f, r: (100 * _gap(f, r)[0], _gap(f, r)[1]), "in percent", public=True),
        Mistake(lambda f, r: (_gap(f, r)[0], np.std(np.divide(f, r)) / np.sqrt(len(f))), "not n - 1", public=True),
        Mistake(lambda f, r: (_gap(f, r)[0], np.std(np.divide(f, r), ddof=1)), "divide by sqrt(n)", public=True),
        Mistake(lambda f, r: (np.mean(np.divide(f, r) - 1), np.std(np.divide(f, r), ddof=1) / np.sqrt(len(f)))
                if len(f) > 1 else (0.0, 0.0), "expected a ValueError"),
        Mistake(_gap_unchecked, "expected a ValueError"),
        Mistake(lambda f, r: _gap(np.sort(f), np.sort(r)), "paired by rank", public=True),
        Mistake(_gap_broadcasts, "one fixed run and three fresh ones cannot be paired"),
    ],
}
