"""Typical wrong answers, each with a piece of the feedback it must get.

WRONG maps an exercise to ``(answer, feedback)`` pairs: the answer must lose
points and the report must contain ``feedback``.
"""

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from tests.submissions import alternative as right


def _dense_relu_output(code_dim):
    return keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(code_dim, activation="relu"),
                             layers.Dense(784, activation="relu"), layers.Reshape((28, 28, 1))])


def _dense_without_reshape(code_dim):
    return keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(code_dim, activation="relu"),
                             layers.Dense(784, activation="sigmoid")])


def _dense_two_hidden_layers(code_dim):
    return keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(128, activation="relu"),
                             layers.Dense(code_dim, activation="relu"), layers.Dense(784, activation="sigmoid"),
                             layers.Reshape((28, 28, 1))])


def _unseeded(noise):
    """The noise function with its seed ignored."""
    return lambda x, *args, seed=None, **kwargs: noise(x, *args, seed=None, **kwargs)


def _encoder_16_filters(input_shape=(28, 28, 1)):
    return keras.Sequential([keras.Input(input_shape), layers.Conv2D(16, 3, activation="relu", padding="same"),
                             layers.MaxPooling2D(2), layers.Conv2D(64, 3, activation="relu", padding="same"),
                             layers.MaxPooling2D(2)])


def _encoder_fixed_input(input_shape=(28, 28, 1)):
    return right.build_encoder()


def _decoder_32_filters_first(code_shape=(7, 7, 64)):
    return keras.Sequential([keras.Input(code_shape), layers.Conv2D(32, 3, activation="relu", padding="same"),
                             layers.UpSampling2D(), layers.Conv2D(32, 3, activation="relu", padding="same"),
                             layers.UpSampling2D(), layers.Conv2D(1, 3, activation="sigmoid", padding="same")])


def _decoder_transposed(code_shape=(7, 7, 64)):
    return keras.Sequential([keras.Input(code_shape), layers.Conv2D(64, 3, activation="relu", padding="same"),
                             layers.Conv2DTranspose(32, 3, strides=2, activation="relu", padding="same"),
                             layers.Conv2DTranspose(32, 3, strides=2, activation="relu", padding="same"),
                             layers.Conv2D(1, 3, activation="sigmoid", padding="same")])


def _decoder_fixed_code(code_shape=(7, 7, 64)):
    return right.build_decoder()


def _autoencoder_small_encoder():
    return keras.Sequential([keras.Input((28, 28, 1)), _encoder_16_filters(), right.build_decoder()])


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


def _encoder_average_pooling(input_shape=(28, 28, 1)):
    return keras.Sequential([keras.Input(input_shape), layers.Conv2D(32, 3, activation="relu", padding="same"),
                             layers.AveragePooling2D(2), layers.Conv2D(64, 3, activation="relu", padding="same"),
                             layers.AveragePooling2D(2)])


def _decoder_without_sigmoid(code_shape=(7, 7, 64)):
    return keras.Sequential([keras.Input(code_shape), layers.Conv2D(64, 3, activation="relu", padding="same"),
                             layers.UpSampling2D(), layers.Conv2D(32, 3, activation="relu", padding="same"),
                             layers.UpSampling2D(), layers.Conv2D(1, 3, padding="same")])


def _autoencoder_without_sigmoid():
    return keras.Sequential([keras.Input((28, 28, 1)), right.build_encoder(), _decoder_without_sigmoid()])


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
    "mse": [(lambda x, x_hat: np.sum((x - x_hat) ** 2), "the sum of the squared differences")],
    "compression_ratio": [(lambda i, c: np.prod(c) / np.prod(i), "code size over input size")],
    "pca_reconstruct": [(lambda x, k: (lambda f, vt: (f @ vt[:k].T @ vt[:k]).reshape(np.shape(x)))(
        np.reshape(x, (len(x), -1)), np.linalg.svd(np.reshape(x, (len(x), -1)), full_matrices=False)[2]), "without centring")],
    "build_dense_autoencoder": [(_dense_relu_output, "sigmoid"), (_dense_without_reshape, "reshape"),
                                (_dense_two_hidden_layers, "parameters")],
    "add_gaussian_noise": [
        (lambda x, sigma=0.5, seed=None, clip=True: right.add_gaussian_noise(x, sigma**2, seed, clip), "variance"),
        (lambda x, sigma=0.5, seed=None, clip=True: x + np.random.default_rng(seed).normal(0, sigma, np.shape(x)), "clip"),
        (_unseeded(right.add_gaussian_noise), "same seed"),
    ],
    "add_masking_noise": [(lambda x, fraction, seed=None: right.add_masking_noise(x, 1 - fraction, seed), "instead of zeroing"),
                          (_unseeded(right.add_masking_noise), "same seed")],
    "add_salt_and_pepper_noise": [
        (lambda x, fraction, seed=None: np.where(np.random.default_rng(seed).random(np.shape(x)) < fraction, 1.0, x), "half"),
        (_unseeded(right.add_salt_and_pepper_noise), "same seed"),
        (lambda x, fraction, seed=None: np.where(np.random.default_rng(seed).random(np.shape(x)) < fraction, np.nan, x),
         "returned NaN"),
    ],
    "psnr": [(lambda x, y, data_range=1.0: 20 * np.log10(data_range**2 / np.mean((x - y) ** 2)), "20 log10")],
    "clipped_noise_stats": [(lambda x, sigma: {"mean": 0.0, "std": sigma, "mean_on_black": 0.0}, "after clipping")],
    "conv2d_params": [(lambda k, c, f: k * k * c * f, "biases are missing")],
    "build_encoder": [(_encoder_average_pooling, "MaxPooling2D"), (_encoder_16_filters, "18,816"),
                      (_encoder_fixed_input, "input_shape")],
    "build_decoder": [(_decoder_without_sigmoid, "sigmoid"), (_decoder_32_filters_first, "55,681"),
                      (_decoder_transposed, "Conv2D layers with [64, 1] filters"), (_decoder_fixed_code, "code_shape")],
    "build_autoencoder": [(_autoencoder_without_sigmoid, "expected [0, 1]"), (_autoencoder_small_encoder, "74,497")],
    "make_datasets": [(_datasets_fixed_noise, "same noise in every epoch"), (_datasets_unbatched, "batch"),
                      (_datasets_fresh_validation_noise, "validation noise changes"), (_datasets_sigma_ignored, "sigma=0.1")],
    "compile_autoencoder": [(_compile_sgd, "expected Adam"), (_compile_default_rate, "learning_rate=3e-4")],
    "train_autoencoder": [(lambda model, train_ds, val_ds, epochs: model.fit(train_ds, epochs=epochs, verbose=0), "validation_data")],
    "choose_precision": [(_precision_any_gpu, "compute capability 6.1"),
                         (lambda: "float32", "float32"), (lambda: "mixed_float16", "mixed_float16")],
    "reconstruction_errors": [(lambda a, b: np.mean((a - b) ** 2, axis=0), "one mean squared error per image")],
    "evaluate_denoiser": [(lambda f, noisy, clean: {"mse": float(np.mean((f(noisy) - clean) ** 2)), "psnr": 0.0, "ssim": 0.0}, "PSNR")],
    "per_class_mse": [(lambda e, y: np.bincount(y, weights=e, minlength=10), "sums per class")],
    "worst_k": [(lambda e, k=10: np.argsort(e)[:k], "smallest errors")],
    "noise_robustness": [(lambda model, x, sigmas, seed=0: [np.mean((right.add_gaussian_noise(x, s, seed) - x) ** 2) for s in sigmas], "expected")],
    "memorization_gap": [(lambda tr, te: np.mean(tr) - np.mean(te), "sign is flipped")],
    "nearest_neighbor_distance": [(lambda s, r: right.nearest_neighbor_distance(s, r) ** 2, "squared distances")],
    "ood_flags": [(lambda e, t: np.asarray(e) < t, "above the threshold")],
    "class_disparity": [(lambda p: np.min(p) / np.max(p), "best over worst")],
}
