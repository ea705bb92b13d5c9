"""Lesson 3, the convolutional autoencoder: typical wrong answers and the feedback each must get."""

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from tests.submissions import alternative as right
from tests.submissions.wrong import Mistake


def _conv(filters, activation="relu"):
    return layers.Conv2D(filters, 3, activation=activation, padding="same")


def _encoder_pooling_first(input_shape=(28, 28, 1)):
    return keras.Sequential([keras.Input(input_shape), layers.MaxPooling2D(2), _conv(32), layers.MaxPooling2D(2), _conv(64)])


def _encoder_linear_second(input_shape=(28, 28, 1)):
    return keras.Sequential([keras.Input(input_shape), _conv(32), layers.MaxPooling2D(2), _conv(64, None), layers.MaxPooling2D(2)])


def _decoder_upsampling_first(code_shape=(7, 7, 64)):
    return keras.Sequential([keras.Input(code_shape), layers.UpSampling2D(), _conv(64), layers.UpSampling2D(), _conv(32),
                             _conv(1, "sigmoid")])


def _decoder_linear_first(code_shape=(7, 7, 64)):
    return keras.Sequential([keras.Input(code_shape), _conv(64, None), layers.UpSampling2D(), _conv(32), layers.UpSampling2D(),
                             _conv(1, "sigmoid")])


def _autoencoder_own_layers():
    """Right layers, but not built from build_encoder() and build_decoder() as the lesson asks."""
    return keras.Sequential([keras.Input((28, 28, 1)), _conv(32), layers.MaxPooling2D(2), _conv(64), layers.MaxPooling2D(2),
                             _conv(64), layers.UpSampling2D(), _conv(32), layers.UpSampling2D(), _conv(1, "sigmoid")])


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


def _decoder_bilinear(code_shape=(7, 7, 64)):
    return keras.Sequential([keras.Input(code_shape), layers.Conv2D(64, 3, activation="relu", padding="same"),
                             layers.UpSampling2D(interpolation="bilinear"),
                             layers.Conv2D(32, 3, activation="relu", padding="same"),
                             layers.UpSampling2D(interpolation="bilinear"),
                             layers.Conv2D(1, 3, activation="sigmoid", padding="same")])


def _perturbation_field(model, row, col, n_trials=2, delta=10.0, seed=0, tolerance=1e-5, swap=False):
    """The lesson's method with one knob turned: a step, a tolerance, or row and col swapped."""
    height, width = model.input_shape[1:3]
    rng = np.random.default_rng(seed)
    mask = np.zeros((height, width), dtype=bool)
    for _ in range(n_trials):
        base = rng.random((1, height, width, 1), dtype=np.float32)
        batch = np.repeat(base, 1 + height * width, axis=0)
        for k in range(height * width):
            batch[1 + k, k // width, k % width, 0] += delta
        out = model.predict(batch, verbose=0)
        out = out[:, col, row, :] if swap else out[:, row, col, :]
        mask |= (np.abs(out[1:] - out[0]).max(axis=-1) > tolerance).reshape(height, width)
    return mask


def _field_tiny_step(model, row, col):
    """A step of 1e-8: 0.5 + 1e-8 is 0.5 in float32, so nothing changes."""
    return _perturbation_field(model, row, col, delta=1e-8)


def _field_exact_equality(model, row, col):
    """Any change at all counts (!= on floats): float32 rounding moves the output too."""
    return _perturbation_field(model, row, col, tolerance=0.0)


def _field_step_down(model, row, col):
    """A step downwards: a pixel that does not win a max pooling cannot change it by getting smaller."""
    return _perturbation_field(model, row, col, delta=-10.0)


def _field_row_col_swapped(model, row, col):
    return _perturbation_field(model, row, col, swap=True)


def _field_window_off_by_one(model, row, col):
    """A 3x3 window computed, not measured, with a slice that stops one short."""
    mask = np.zeros(model.input_shape[1:3], dtype=bool)
    mask[max(row - 1, 0):row + 1, max(col - 1, 0):col + 1] = True
    return mask


def _field_window_from_kernels(model, row, col):
    """A 5x5 window from kernel arithmetic, whatever the model."""
    mask = np.zeros(model.input_shape[1:3], dtype=bool)
    mask[max(row - 2, 0):row + 3, max(col - 2, 0):col + 3] = True
    return mask


def _field_gradient_at_zero(model, row, col):
    """The gradient at a black image: every ReLU sits at 0 (or below), where its gradient is 0."""
    image = tf.zeros((1, *model.input_shape[1:]))
    with tf.GradientTape() as tape:
        tape.watch(image)
        out = tf.reduce_sum(model(image)[0, row, col, :])
    return np.abs(tape.gradient(out, image).numpy()[0, :, :, 0]) > 0


WRONG = {
    "conv2d_params": [Mistake(lambda k, c, f: k * k * c * f, "biases are missing", public=True)],
    "build_encoder": [Mistake(_encoder_average_pooling, "MaxPooling2D"), Mistake(_encoder_16_filters, "18,816", public=True),
                      Mistake(_encoder_fixed_input, "input_shape", public=True),
                      Mistake(_encoder_pooling_first, "wrong order", public=True),
                      Mistake(_encoder_linear_second, "activation='relu'", public=True)],
    "build_decoder": [Mistake(_decoder_without_sigmoid, "sigmoid", public=True), Mistake(_decoder_32_filters_first, "55,681", public=True),
                      Mistake(_decoder_transposed, "Conv2D layers with [64, 1] filters"),
                      Mistake(_decoder_fixed_code, "code_shape", public=True),
                      Mistake(_decoder_upsampling_first, "wrong order", public=True),
                      Mistake(_decoder_linear_first, "activation='relu'", public=True),
                      Mistake(_decoder_bilinear, "interpolation='nearest'")],
    "build_autoencoder": [Mistake(_autoencoder_without_sigmoid, "expected [0, 1]", public=True),
                          Mistake(_autoencoder_small_encoder, "74,497", public=True),
                          Mistake(_autoencoder_own_layers, "does not call")],
    "receptive_field": [Mistake(_field_tiny_step, "vanishes", public=True),
                        Mistake(_field_gradient_at_zero, "ReLUs are off", public=True),
                        Mistake(_field_window_off_by_one, "off-by-one", public=True),
                        Mistake(_field_window_from_kernels, "computed from kernel sizes", public=True),
                        Mistake(_field_exact_equality, "never with == or !="),
                        Mistake(_field_step_down, "max pooling that the pixel does not win"),
                        Mistake(_field_row_col_swapped, "row indexes the height")],
}
