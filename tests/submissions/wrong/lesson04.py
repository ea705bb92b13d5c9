"""Lesson 4, training: typical wrong answers and the feedback each must get."""

import keras
import numpy as np
import tensorflow as tf

from tests.submissions import alternative as right


def _datasets_unbatched(x_train, x_val, batch_size=128, sigma=0.5, seed=42):
    train_ds, val_ds = right.make_datasets(x_train, x_val, batch_size, sigma, seed)
    return train_ds.unbatch(), val_ds.unbatch()


def _datasets_fresh_validation_noise(x_train, x_val, batch_size=128, sigma=0.5, seed=42):
    def corrupt(clean):
        return tf.clip_by_value(clean + tf.random.normal(tf.shape(clean), stddev=sigma), 0.0, 1.0), clean

    train_ds, _ = right.make_datasets(x_train, x_val, batch_size, sigma, seed)
    return train_ds, tf.data.Dataset.from_tensor_slices(x_val).batch(batch_size).map(corrupt)


def _datasets_sigma_ignored(x_train, x_val, batch_size=128, sigma=0.5, seed=42):
    return right.make_datasets(x_train, x_val, batch_size, 0.5, seed)


def _compile_default_rate(model, learning_rate=1e-3):
    model.compile(optimizer="adam", loss="mse")
    return model


def _datasets_fixed_noise(x_train, x_val, batch_size=128, sigma=0.5, seed=42):
    """The tutorial's way: the training set corrupted once."""
    noisy = np.clip(x_train + sigma * np.random.default_rng(seed).standard_normal(x_train.shape), 0, 1).astype("float32")
    train_ds = tf.data.Dataset.from_tensor_slices((noisy, x_train)).shuffle(len(x_train), seed=seed).batch(batch_size)
    return train_ds, right.make_datasets(x_train, x_val, batch_size, sigma, seed)[1]


def _compile_sgd(model, learning_rate=1e-3):
    model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="mse")
    return model


def _precision_any_gpu():
    return "mixed_float16" if tf.config.list_physical_devices("GPU") else "float32"


WRONG = {
    "make_datasets": [(_datasets_fixed_noise, "same noise in every epoch"), (_datasets_unbatched, "batch"),
                      (_datasets_fresh_validation_noise, "validation noise changes"), (_datasets_sigma_ignored, "sigma=0.1")],
    "compile_autoencoder": [(_compile_sgd, "expected Adam"), (_compile_default_rate, "learning_rate=3e-4")],
    "train_autoencoder": [(lambda model, train_ds, val_ds, epochs: model.fit(train_ds, epochs=epochs, verbose=0), "validation_data")],
    "choose_precision": [(_precision_any_gpu, "compute capability 6.1"),
                         (lambda: "float32", "float32"), (lambda: "mixed_float16", "mixed_float16")],
}
