"""The tutorial's convolutional denoising autoencoder.

    input 28x28x1
    encoder: Conv2D(32) -> MaxPool(2) -> Conv2D(64) -> MaxPool(2)      code 7x7x64
    decoder: Conv2D(64) -> UpSampling(2) -> Conv2D(32) -> UpSampling(2) -> Conv2D(1, sigmoid)

All convolutions are 3x3, 'same' padding, ReLU; 74,497 parameters in all.
Written against Keras 3's public API only, so it also runs under JAX.
"""

import math
from pathlib import Path

import keras
from keras import layers

INPUT_SHAPE = (28, 28, 1)
CODE_SHAPE = (7, 7, 64)
N_PARAMS = 74_497

# The model trained by `python -m dae_reference run --profile full` (results/full/).
PRETRAINED_PATH = Path(__file__).parent / "weights" / "dae_full.keras"


def compression_ratio(input_shape, code_shape):
    """Input size over code size: above 1 the code is smaller than the input.

    For the tutorial's 28x28x1 images and 7x7x64 codes this is 784 / 3136 =
    0.25: the code holds four times as many numbers as the image.
    """
    return math.prod(input_shape) / math.prod(code_shape)


def conv2d_params(kernel_size, in_channels, filters):
    """Weights and biases of a Conv2D layer: ``k_h * k_w * in_channels * filters + filters``.

    ``kernel_size`` is an int (square kernel) or a pair ``(k_h, k_w)``.
    """
    k_h, k_w = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    return k_h * k_w * in_channels * filters + filters


def build_dense_autoencoder(code_dim, input_shape=INPUT_SHAPE):
    """A one-hidden-layer autoencoder: Flatten -> Dense(code_dim, relu) -> Dense(784, sigmoid) -> image.

    Parameters
    ----------
    code_dim : int >= 1
        Width of the code.

    Returns
    -------
    keras.Model mapping ``(n, 28, 28, 1)`` to ``(n, 28, 28, 1)`` in (0, 1),
    with ``1569 * code_dim + 784`` parameters for 28x28 images.
    """
    if not isinstance(code_dim, int) or code_dim < 1:
        raise ValueError(f"code_dim={code_dim!r} is invalid: expected a positive integer")
    inputs = keras.Input(shape=input_shape, name="image")
    x = layers.Flatten()(inputs)
    code = layers.Dense(code_dim, activation="relu", name="code")(x)
    x = layers.Dense(math.prod(input_shape), activation="sigmoid", dtype="float32")(code)
    outputs = layers.Reshape(input_shape)(x)
    return keras.Model(inputs, outputs, name=f"dense_autoencoder_{code_dim}")


def build_encoder(input_shape=INPUT_SHAPE):
    """Map images ``(n, 28, 28, 1)`` in [0, 1] to codes ``(n, 7, 7, 64)``."""
    inputs = keras.Input(shape=input_shape, name="image")
    x = layers.Conv2D(32, 3, activation="relu", padding="same", name="enc_conv1")(inputs)
    x = layers.MaxPooling2D(2, padding="same", name="enc_pool1")(x)  # (14, 14, 32)
    x = layers.Conv2D(64, 3, activation="relu", padding="same", name="enc_conv2")(x)
    code = layers.MaxPooling2D(2, padding="same", name="enc_pool2")(x)  # (7, 7, 64)
    return keras.Model(inputs, code, name="encoder")


def build_decoder(code_shape=CODE_SHAPE):
    """Map codes ``(n, 7, 7, 64)`` to images ``(n, 28, 28, 1)`` in (0, 1)."""
    code = keras.Input(shape=code_shape, name="code")
    x = layers.Conv2D(64, 3, activation="relu", padding="same", name="dec_conv1")(code)
    x = layers.UpSampling2D(2, name="dec_up1")(x)  # (14, 14, 64)
    x = layers.Conv2D(32, 3, activation="relu", padding="same", name="dec_conv2")(x)
    x = layers.UpSampling2D(2, name="dec_up2")(x)  # (28, 28, 32)
    # float32 output even under a mixed-precision policy: a float16 sigmoid
    # saturates and its MSE loses precision.
    outputs = layers.Conv2D(1, 3, activation="sigmoid", padding="same", dtype="float32", name="dec_out")(x)
    return keras.Model(code, outputs, name="decoder")


def build_autoencoder(input_shape=INPUT_SHAPE):
    """The encoder followed by the decoder: noisy ``(n, 28, 28, 1)`` -> clean estimate, same shape."""
    encoder = build_encoder(input_shape)
    decoder = build_decoder(encoder.output.shape[1:])
    inputs = keras.Input(shape=input_shape, name="noisy_image")
    return keras.Model(inputs, decoder(encoder(inputs)), name="denoising_autoencoder")


def load_pretrained(path=PRETRAINED_PATH):
    """The reference autoencoder after the tutorial's 20 epochs (val MSE 0.0139), for lessons 5 and 6."""
    return keras.models.load_model(path)
