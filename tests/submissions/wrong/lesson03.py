"""Lesson 3, the convolutional autoencoder: typical wrong answers and the feedback each must get."""

import keras
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
}
