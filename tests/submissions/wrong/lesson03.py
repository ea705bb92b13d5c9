"""Lesson 3, the convolutional autoencoder: typical wrong answers and the feedback each must get."""

import keras
from keras import layers

from tests.submissions import alternative as right


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


WRONG = {
    "conv2d_params": [(lambda k, c, f: k * k * c * f, "biases are missing")],
    "build_encoder": [(_encoder_average_pooling, "MaxPooling2D"), (_encoder_16_filters, "18,816"),
                      (_encoder_fixed_input, "input_shape")],
    "build_decoder": [(_decoder_without_sigmoid, "sigmoid"), (_decoder_32_filters_first, "55,681"),
                      (_decoder_transposed, "Conv2D layers with [64, 1] filters"), (_decoder_fixed_code, "code_shape")],
    "build_autoencoder": [(_autoencoder_without_sigmoid, "expected [0, 1]"), (_autoencoder_small_encoder, "74,497")],
}
