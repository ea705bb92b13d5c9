"""Lesson 4, training: the input pipeline, compile, fit, precision, and the trained result."""

from unittest import mock

import numpy as np

from autograder.core import Exercise, Wrong, as_model, expect_shape
from autograder.course import load_thresholds
from dae_reference import device, train

LESSON = "04_training"


def _distinct_images(n=96, size=28):
    """``n`` constant images with distinct grey levels in [0.3, 0.7], so each can be told apart."""
    levels = np.linspace(0.3, 0.7, n, dtype=np.float32)
    return np.broadcast_to(levels[:, None, None, None], (n, size, size, 1)).copy()


def _epoch(ds, what):
    """One pass over ``ds`` as two arrays (noisy, clean)."""
    import tensorflow as tf

    if not isinstance(ds, tf.data.Dataset):
        raise Wrong(f"{what} is a {type(ds).__name__}, expected a tf.data.Dataset")
    noisy, clean = [], []
    for element in ds:
        if not isinstance(element, tuple) or len(element) != 2:
            raise Wrong(f"{what} yields {type(element).__name__}s, expected (noisy, clean) pairs")
        noisy.append(np.asarray(element[0]))
        clean.append(np.asarray(element[1]))
    if not noisy:
        raise Wrong(f"{what} is empty")
    return np.concatenate(noisy), np.concatenate(clean)


def _datasets(fn, **kwargs):
    result = fn(_distinct_images(), _distinct_images(40)[::-1].copy(), **kwargs)
    if not isinstance(result, tuple) or len(result) != 2:
        raise Wrong(f"make_datasets should return (train_ds, val_ds), got {type(result).__name__}")
    return result


make_datasets = Exercise("make_datasets", LESSON)


@make_datasets.part(1, public=True)
def _batches(fn):
    """returns (train_ds, val_ds) of (noisy, clean) batches of batch_size images"""
    train_ds, val_ds = _datasets(fn, batch_size=32)
    for ds, what in [(train_ds, "train_ds"), (val_ds, "val_ds")]:
        noisy, clean = next(iter(ds))
        expect_shape(np.asarray(noisy), (32, 28, 28, 1), f"the first noisy batch of {what} with batch_size=32", "use .batch(batch_size)")
        expect_shape(np.asarray(clean), (32, 28, 28, 1), f"the first clean batch of {what} with batch_size=32")
    noisy, clean = _epoch(val_ds, "val_ds")
    if np.allclose(noisy, clean):
        raise Wrong("the noisy validation images equal the clean ones: corrupt the inputs, keep the targets clean")


@make_datasets.part(1)
def _validation_fixed(fn):
    """validation: targets are x_val in order, the noise is the same every pass"""
    import tensorflow as tf

    x_val = _distinct_images(40)[::-1].copy()
    tf.random.set_seed(None)  # unseeded, random ops in a pipeline differ between passes
    _, val_ds = _datasets(fn, batch_size=16)
    first_noisy, first_clean = _epoch(val_ds, "val_ds")
    second_noisy, _ = _epoch(val_ds, "val_ds")
    expect_shape(first_clean, x_val.shape, "the clean validation images, concatenated")
    if not np.allclose(first_clean, x_val):
        raise Wrong("the clean validation images are not x_val in its order: do not shuffle the validation set")
    if not np.allclose(first_noisy, second_noisy):
        raise Wrong("the validation noise changes between passes: corrupt x_val once, before building val_ds, so every epoch is judged on the same images")


@make_datasets.part(1)
def _training_fresh(fn):
    """training: new noise for each image every epoch, images shuffled"""
    import keras

    keras.utils.set_random_seed(0)  # seeded, as lesson 4 trains, and the same whatever ran before
    train_ds, _ = _datasets(fn, batch_size=16, seed=3)
    noise_by_image = []
    for _ in range(2):
        noisy, clean = _epoch(train_ds, "train_ds")
        expect_shape(clean, (96, 28, 28, 1), "one epoch of clean training images")
        index = np.rint((clean[:, 0, 0, 0] - 0.3) / 0.4 * 95).astype(int)
        if sorted(index) != list(range(96)):
            raise Wrong("one epoch of train_ds does not hold every training image exactly once")
        order = np.argsort(index)
        noise_by_image.append((noisy - clean)[order])
    if np.array_equal(np.sort(index), index):
        raise Wrong("the training images come in their original order: shuffle them each epoch (.shuffle(len(x_train)))")
    if np.allclose(noise_by_image[0], noise_by_image[1]):
        raise Wrong("each image gets the same noise in every epoch: draw the noise inside the pipeline, in Dataset.map, "
                    "from a tf.random.Generator.from_seed(seed), whose state moves on from epoch to epoch")


@make_datasets.part(1)
def _training_noise_level(fn):
    """the training noise has standard deviation sigma"""
    train_ds, _ = _datasets(fn, batch_size=32, sigma=0.1, seed=4)
    noisy, clean = _epoch(train_ds, "train_ds")
    std = float(np.std(noisy - clean))
    if abs(std - 0.1) > 0.01:
        raise Wrong(f"with sigma=0.1 the training noise has std {std:.3f}, expected about 0.1: pass sigma on to the noise")


compile_autoencoder = Exercise("compile_autoencoder", LESSON)


def _tiny_model():
    import keras

    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((6,)), keras.layers.Dense(6, activation="sigmoid")])


@compile_autoencoder.part(1, public=True)
def _adam_and_mse(fn):
    """compiles with Adam and the mean squared error, and returns the model"""
    model = _tiny_model()
    returned = fn(model, learning_rate=1e-3)
    if returned is not model:
        raise Wrong("compile_autoencoder should return the model it compiled (`return model`)")
    optimizer = type(model.optimizer).__name__
    if optimizer != "Adam":
        raise Wrong(f"the optimizer is {optimizer}, expected Adam")
    x = np.random.default_rng(40).random((32, 6), dtype=np.float32)
    y = np.random.default_rng(41).random((32, 6), dtype=np.float32)
    loss = model.evaluate(x, y, verbose=0)
    loss = float(loss[0] if isinstance(loss, list) else loss)
    expected = float(np.mean((y - model.predict(x, verbose=0)) ** 2))
    if not np.isclose(loss, expected, rtol=1e-3):
        raise Wrong(f"the compiled loss is {loss:.4f} where the mean squared error is {expected:.4f}: use loss='mse'")


@compile_autoencoder.part(1)
def _learning_rate(fn):
    """uses learning_rate"""
    model = fn(_tiny_model(), learning_rate=3e-4)
    rate = float(np.asarray(as_model(model, "compile_autoencoder(model, learning_rate=3e-4)").optimizer.learning_rate))
    if not np.isclose(rate, 3e-4):
        raise Wrong(f"with learning_rate=3e-4 the optimizer's learning rate is {rate:g}: pass it to Adam(learning_rate=...)")


train_autoencoder = Exercise("train_autoencoder", LESSON)


def _fit_tiny(fn, epochs):
    import keras
    import tensorflow as tf

    model = train.compile_autoencoder(_tiny_model(), learning_rate=1e-2)
    x = np.random.default_rng(42).random((64, 6), dtype=np.float32)
    train_ds = tf.data.Dataset.from_tensor_slices((x, x)).batch(16)
    val_ds = tf.data.Dataset.from_tensor_slices((x[:16], x[:16])).batch(16)
    before = model.evaluate(val_ds, verbose=0)
    history = fn(model, train_ds, val_ds, epochs=epochs)
    if not isinstance(history, keras.callbacks.History):
        raise Wrong(f"train_autoencoder returned a {type(history).__name__}, expected the History that model.fit returns")
    for key in ("loss", "val_loss"):
        values = history.history.get(key, [])
        if len(values) != epochs:
            raise Wrong(f"history.history[{key!r}] has {len(values)} values after epochs={epochs}, expected {epochs}: "
                        "pass epochs and validation_data to fit")
    return history, before


@train_autoencoder.part(1, public=True)
def _fit(fn):
    """fits for `epochs` epochs with validation and returns the History"""
    history, before = _fit_tiny(fn, epochs=3)
    if not history.history["val_loss"][-1] < before:
        raise Wrong("the validation loss did not go down: is the model trained on train_ds?")


@train_autoencoder.part(1)
def _fit_other_epochs(fn):
    """uses epochs: one epoch gives one loss value"""
    _fit_tiny(fn, epochs=1)


choose_precision = Exercise("choose_precision", LESSON)


@choose_precision.part(1, public=True)
def _precision_here(fn):
    """gives the right policy for this machine"""
    got, expected = fn(), device.choose_precision()
    if got != expected:
        raise Wrong(f"choose_precision() returned {got!r} on this machine ({device.describe_device()}), expected {expected!r}")


@choose_precision.part(1)
def _precision_by_gpu(fn):
    """mixed_float16 on a GPU of compute capability 7.0 or newer, float32 otherwise"""
    cases = [([], "float32"), ([(8, 0)], "mixed_float16"), ([(7, 0)], "mixed_float16"), ([(6, 1)], "float32")]
    for capabilities, expected in cases:
        with _pretend_gpus(capabilities):
            got = fn()
        if got != expected:
            machine = f"a GPU of compute capability {capabilities[0][0]}.{capabilities[0][1]}" if capabilities else "no GPU"
            hint = "; read it from tf.config.experimental.get_device_details(gpu)['compute_capability']" if capabilities else ""
            raise Wrong(f"with {machine} choose_precision() returned {got!r}, expected {expected!r}{hint}")


def _pretend_gpus(capabilities):
    """Make TensorFlow report GPUs of the given compute capabilities."""
    import contextlib

    import tensorflow as tf

    gpus = [tf.config.PhysicalDevice(f"/physical_device:GPU:{i}", "GPU") for i in range(len(capabilities))]
    real_list = tf.config.list_physical_devices

    def list_devices(device_type=None):
        return gpus if device_type == "GPU" else real_list(device_type) + (gpus if device_type is None else [])

    def details(gpu):
        return {"compute_capability": capabilities[int(gpu.name.rsplit(":", 1)[1])], "device_name": "pretend GPU"}

    stack = contextlib.ExitStack()
    for module in (tf.config, tf.config.experimental):
        stack.enter_context(mock.patch.object(module, "list_physical_devices", list_devices))
    stack.enter_context(mock.patch.object(tf.config, "list_logical_devices", list_devices))
    stack.enter_context(mock.patch.object(tf.config.experimental, "get_device_details", details))
    return stack


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
    final = float(_history_dict(history)[key][-1])
    if not final <= threshold:
        raise Wrong(f"the final {key} is {final:.4f}, expected at most {threshold:.4f} for the {profile!r} profile "
                    "(the reference's worst seed plus 10%): check the noise, the model and the optimizer above")
