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


def _curves(score_noisy_against="clean", measure="after", fit_epochs=lambda epoch: 1, batch_size=True, inputs="input",
            swap=False, fixed_batch=None):
    """An ``error_curves`` with one mistake, chosen by the arguments."""

    def error_curves(model, x_input, x_target, x_clean, x_noisy, epochs, batch_size_=128):
        def score(x, target):
            return float(np.mean((np.asarray(model.predict(x, verbose=0), dtype=np.float64) - target) ** 2))

        fit_input = {"input": x_input, "target": x_target}[inputs]
        kwargs = {"batch_size": fixed_batch or batch_size_} if batch_size else {}
        curves = {"clean": [], "noisy": []}
        for epoch in range(epochs):
            if measure == "after":
                model.fit(fit_input, x_target, epochs=fit_epochs(epoch), verbose=0, **kwargs)
            curves["clean"].append(score(x_clean, x_clean))
            curves["noisy"].append(score(x_noisy, x_clean if score_noisy_against == "clean" else x_noisy))
            if measure == "before":
                model.fit(fit_input, x_target, epochs=1, verbose=0, **kwargs)
        return {"clean": curves["noisy"], "noisy": curves["clean"]} if swap else curves

    def answer(model, x_input, x_target, x_clean, x_noisy, epochs, batch_size=128):
        return error_curves(model, x_input, x_target, x_clean, x_noisy, epochs, batch_size)

    return answer


def _curves_once(model, x_input, x_target, x_clean, x_noisy, epochs, batch_size=128):
    model.fit(x_input, x_target, epochs=epochs, batch_size=batch_size, verbose=0)
    return {key: [float(np.mean((model.predict(x, verbose=0) - x_clean) ** 2))] for key, x in (("clean", x_clean), ("noisy", x_noisy))}


def _curves_of_a_copy(model, x_input, x_target, x_clean, x_noisy, epochs, batch_size=128):
    copy = keras.models.clone_model(model)
    copy.set_weights(model.get_weights())  # the same start, so that in and out of the sandbox it fails the same parts
    copy.compile(optimizer=type(model.optimizer).from_config(model.optimizer.get_config()), loss="mse")
    return _curves()(copy, x_input, x_target, x_clean, x_noisy, epochs, batch_size)


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
    "error_curves": [
        Mistake(_curves(score_noisy_against="noisy"), "scored against the noisy images", public=True),
        Mistake(_curves(swap=True), "errors are swapped", public=True),
        Mistake(_curves_once, "not once at the end", public=True),
        Mistake(_curves(measure="before"), "measured before its epoch's training"),
        Mistake(_curves(fit_epochs=lambda epoch: epoch + 1), "1 + 2 + 3"),
        Mistake(_curves(batch_size=False), "default batch size of 32"),
        Mistake(_curves(fixed_batch=128), "batch size of 128 whatever batch_size was passed"),
        Mistake(_curves(inputs="target"), "trained on x_target as input too"),
        Mistake(_curves_of_a_copy, "was not trained"),
    ],
}
