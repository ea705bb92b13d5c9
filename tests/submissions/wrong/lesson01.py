"""Lesson 1, autoencoder theory: typical wrong answers and the feedback each must get."""

import keras
import numpy as np
from keras import layers

from tests.submissions.wrong import Mistake


def _dense(hidden="relu", output="sigmoid", code_dim=32):
    return keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(code_dim, activation=hidden),
                             layers.Dense(784, activation=output), layers.Reshape((28, 28, 1))])


def _dense_relu_output(code_dim):
    return _dense(output="relu", code_dim=code_dim)


def _dense_linear_output(code_dim):
    return _dense(output=None, code_dim=code_dim)


def _dense_linear_hidden(code_dim):
    return _dense(hidden=None, code_dim=code_dim)


def _dense_fixed_code(code_dim):
    return _dense(code_dim=32)


def _dense_without_reshape(code_dim):
    return keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(code_dim, activation="relu"),
                             layers.Dense(784, activation="sigmoid")])


def _dense_two_hidden_layers(code_dim):
    return keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(128, activation="relu"),
                             layers.Dense(code_dim, activation="relu"), layers.Dense(784, activation="sigmoid"),
                             layers.Reshape((28, 28, 1))])


def _pca_uncentred(x, k):
    flat = np.reshape(x, (len(x), -1))
    vt = np.linalg.svd(flat, full_matrices=False)[2]
    return (flat @ vt[:k].T @ vt[:k]).reshape(np.shape(x))


def _dense_tanh_hidden(code_dim):
    return keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(code_dim, activation="tanh"),
                             layers.Dense(784, activation="sigmoid"), layers.Reshape((28, 28, 1))])


WRONG = {
    "mse": [Mistake(lambda x, x_hat: np.sum((x - x_hat) ** 2), "the sum of the squared differences", public=True),
            Mistake(lambda x, x_hat: np.mean(np.abs(np.subtract(x, x_hat))), "mean absolute difference", public=True)],
    "compression_ratio": [Mistake(lambda i, c: np.prod(c) / np.prod(i), "code size over input size", public=True)],
    "pca_reconstruct": [Mistake(_pca_uncentred, "without centring", public=True),
                        Mistake(lambda x, k: _pca_uncentred(x - np.mean(x, axis=0), k + 1) + np.mean(x, axis=0),
                                "components, not", public=True)],
    "build_dense_autoencoder": [
        Mistake(_dense_relu_output, "sigmoid", public=True),
        Mistake(_dense_linear_output, "activation='sigmoid'", public=True),
        Mistake(lambda code_dim: _dense(output="hard_sigmoid", code_dim=code_dim), "hard_sigmoid", public=True),
        Mistake(_dense_linear_hidden, "activation='relu'", public=True),
        Mistake(_dense_tanh_hidden, "symmetric about 0 (tanh, sigmoid)", public=True),
        Mistake(_dense_fixed_code, "code_dim is ignored", public=True),
        Mistake(_dense_without_reshape, "reshape", public=True),
        Mistake(_dense_two_hidden_layers, "parameters", public=True),
    ],
}
