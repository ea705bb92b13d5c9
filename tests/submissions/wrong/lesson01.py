"""Lesson 1, autoencoder theory: typical wrong answers and the feedback each must get."""

import keras
import numpy as np
from keras import layers


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


WRONG = {
    "mse": [(lambda x, x_hat: np.sum((x - x_hat) ** 2), "the sum of the squared differences")],
    "compression_ratio": [(lambda i, c: np.prod(c) / np.prod(i), "code size over input size")],
    "pca_reconstruct": [(lambda x, k: (lambda f, vt: (f @ vt[:k].T @ vt[:k]).reshape(np.shape(x)))(
        np.reshape(x, (len(x), -1)), np.linalg.svd(np.reshape(x, (len(x), -1)), full_matrices=False)[2]), "without centring")],
    "build_dense_autoencoder": [(_dense_relu_output, "sigmoid"), (_dense_without_reshape, "reshape"),
                                (_dense_two_hidden_layers, "parameters")],
}
