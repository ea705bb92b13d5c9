"""Lesson 3, the convolutional autoencoder: conv2d_params and the three builders."""

import numpy as np

from autograder.core import (Exercise, Wrong, as_model, as_number, expect_close, expect_shape, predict, replacing,
                            seed_weights)
from dae_reference import model as reference

LESSON = "03_conv_autoencoder"
rng = np.random.default_rng

conv2d_params = Exercise("conv2d_params", LESSON)


@conv2d_params.part(1, public=True)
def _params_of_the_encoder_layers(fn):
    """the encoder's two convolutions: 320 and 18,496 parameters"""
    for args in [(3, 1, 32), (3, 32, 64)]:
        _compare_conv_params(fn, *args)


@conv2d_params.part(1)
def _params_other_layers(fn):
    """other kernel sizes, input channels and filter counts"""
    for args in [(5, 3, 16), (1, 64, 1), (7, 2, 3)]:
        _compare_conv_params(fn, *args)


def _compare_conv_params(fn, kernel_size, in_channels, filters):
    what = f"conv2d_params({kernel_size}, {in_channels}, {filters})"
    weights = kernel_size**2 * in_channels * filters
    expect_close(as_number(fn(kernel_size, in_channels, filters), what), reference.conv2d_params(kernel_size, in_channels, filters), what, likely={
        "the biases are missing: one per filter": weights,
        "the kernel has kernel_size x kernel_size weights per input channel, not kernel_size": kernel_size * in_channels * filters + filters,
    }, otherwise="a Conv2D has kernel_size * kernel_size * in_channels weights per filter, plus one bias per filter")


def flat_layers(model):
    """Every layer of ``model``, nested models (Sequential or functional) opened up."""
    import keras

    for layer in model.layers:
        if isinstance(layer, keras.Model):
            yield from flat_layers(layer)
        elif type(layer).__name__ != "InputLayer":
            yield layer


def _kinds(model):
    return [type(layer).__name__ for layer in flat_layers(model)]


def _expect_io(model, in_shape, out_shape, what):
    x = rng(30).random((2, *in_shape), dtype=np.float32)
    expect_shape(predict(model, x, what), (2, *out_shape), f"the output of {what} on (2, {', '.join(map(str, in_shape))}) inputs")


def _expect_input_shape(model, shape, what, argument):
    declared = tuple(model.input_shape[1:]) if not isinstance(model.input_shape, list) else None
    if declared != tuple(shape):
        raise Wrong(f"{what} declares inputs of shape {declared}, expected {tuple(shape)}: pass {argument} to keras.Input")


STRUCTURAL = ("Conv2D", "MaxPooling2D", "AveragePooling2D", "UpSampling2D", "Conv2DTranspose", "Dense")


def _expect_order(model, expected, what):
    """The convolution, pooling and upsampling layers in order; ReLU and Activation layers may sit between them."""
    found = [kind for kind in _kinds(model) if kind in STRUCTURAL]
    if found != list(expected) and sorted(found) == sorted(expected):
        raise Wrong(f"{what} has the right layers in the wrong order: {' -> '.join(found)}, expected "
                    f"{' -> '.join(expected)}")


def _activations(model):
    """The activation after each Conv2D: its own, or that of a ReLU/Activation layer right after a linear one."""
    layers = list(flat_layers(model))
    found = []
    for i, layer in enumerate(layers):
        if type(layer).__name__ != "Conv2D":
            continue
        name = getattr(layer.activation, "__name__", str(layer.activation))
        following = layers[i + 1] if i + 1 < len(layers) else None
        if name == "linear" and following is not None and type(following).__name__ == "ReLU":
            name = "relu"
        elif name == "linear" and following is not None and type(following).__name__ == "Activation":
            name = getattr(following.activation, "__name__", str(following.activation))
        found.append(name)
    return found


def _expect_relu(model, what, last_is_sigmoid=False):
    names = _activations(model)
    hidden = names[:-1] if last_is_sigmoid else names
    for position, name in enumerate(hidden, start=1):
        if name != "relu":
            missing = "has no activation (it is linear)" if name == "linear" else f"uses {name}"
            raise Wrong(f"in {what} Conv2D number {position} {missing}: every hidden convolution needs activation='relu'")
    if last_is_sigmoid and names and names[-1] != "sigmoid":
        raise Wrong(f"{what}'s last Conv2D uses {names[-1]}: it needs activation='sigmoid' so that outputs are pixels in (0, 1)")


def _expect_params(model, expected, what, hint):
    if model.count_params() != expected:
        raise Wrong(f"{what} has {model.count_params():,} parameters, expected {expected:,}: {hint}")


def _expect_convolutions(model, filters, what):
    convolutions = [layer for layer in flat_layers(model) if type(layer).__name__ == "Conv2D"]
    found = [layer.filters for layer in convolutions]
    if found != list(filters):
        raise Wrong(f"{what} has Conv2D layers with {found} filters, expected {list(filters)}")
    for layer in convolutions:
        if tuple(layer.kernel_size) != (3, 3) or layer.padding != "same":
            raise Wrong(f"{what}: a Conv2D has kernel {tuple(layer.kernel_size)} and padding {layer.padding!r}, expected (3, 3) and 'same'")


build_encoder = Exercise("build_encoder", LESSON)
ENCODER_ORDER = ["Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D"]
DECODER_ORDER = ["Conv2D", "UpSampling2D", "Conv2D", "UpSampling2D", "Conv2D"]


@build_encoder.part(1, public=True)
def _encoder_shape(fn):
    """Conv2D -> MaxPooling2D -> Conv2D -> MaxPooling2D with ReLU, (n, 28, 28, 1) images to (n, 7, 7, 64) codes, 18,816 parameters"""
    encoder = as_model(fn(), "build_encoder()")
    _expect_order(encoder, ENCODER_ORDER, "build_encoder()")
    _expect_io(encoder, (28, 28, 1), (7, 7, 64), "build_encoder()")
    _expect_params(encoder, 18_816, "build_encoder()", "Conv2D(32, 3x3) then Conv2D(64, 3x3), 320 + 18,496")
    _expect_relu(encoder, "build_encoder()")


@build_encoder.part(1)
def _encoder_layers(fn):
    """two 3x3 'same' ReLU convolutions (32, 64 filters), each followed by 2x2 max pooling"""
    encoder = as_model(fn(), "build_encoder()")
    _expect_convolutions(encoder, [32, 64], "build_encoder()")
    kinds = _kinds(encoder)
    if kinds.count("MaxPooling2D") != 2:
        pooling = [k for k in kinds if "Pool" in k]
        raise Wrong(f"build_encoder() has the pooling layers {pooling}, expected two MaxPooling2D")


@build_encoder.part(1, public=True)
def _encoder_other_input(fn):
    """uses input_shape: (32, 32, 3) images give (8, 8, 64) codes"""
    encoder = as_model(fn(input_shape=(32, 32, 3)), "build_encoder(input_shape=(32, 32, 3))")
    _expect_input_shape(encoder, (32, 32, 3), "build_encoder(input_shape=(32, 32, 3))", "input_shape")
    _expect_io(encoder, (32, 32, 3), (8, 8, 64), "build_encoder(input_shape=(32, 32, 3))")


build_decoder = Exercise("build_decoder", LESSON)


@build_decoder.part(1, public=True)
def _decoder_shape(fn):
    """Conv2D -> UpSampling2D -> Conv2D -> UpSampling2D -> Conv2D, ReLU then sigmoid, (n, 7, 7, 64) codes to (n, 28, 28, 1) images"""
    decoder = as_model(fn(), "build_decoder()")
    _expect_order(decoder, DECODER_ORDER, "build_decoder()")
    _expect_io(decoder, (7, 7, 64), (28, 28, 1), "build_decoder()")
    _expect_params(decoder, 55_681, "build_decoder()", "Conv2D(64), Conv2D(32), Conv2D(1): 36,928 + 18,464 + 289")
    _expect_relu(decoder, "build_decoder()", last_is_sigmoid=True)


@build_decoder.part(1)
def _decoder_layers(fn):
    """3x3 'same' convolutions (64, 32, 1 filters) with two 2x upsamplings"""
    decoder = as_model(fn(), "build_decoder()")
    _expect_convolutions(decoder, [64, 32, 1], "build_decoder()")
    kinds = _kinds(decoder)
    if kinds.count("UpSampling2D") != 2:
        raise Wrong(f"build_decoder() has the layers {kinds}, expected two UpSampling2D")
    modes = [layer.interpolation for layer in flat_layers(decoder) if type(layer).__name__ == "UpSampling2D"]
    if any(mode != "nearest" for mode in modes):
        raise Wrong(f"build_decoder()'s UpSampling2D layers interpolate {modes}: the tutorial's decoder repeats each "
                    "value (UpSampling2D(2), interpolation='nearest', the default) and lets the next Conv2D smooth")


@build_decoder.part(1, public=True)
def _decoder_sigmoid(fn):
    """outputs in [0, 1] for any code: a sigmoid output layer"""
    seed_weights()  # the same initial weights, and so the same report, every time
    decoder = as_model(fn(), "build_decoder()")
    out = predict(decoder, 50 * rng(31).normal(size=(3, 7, 7, 64)).astype(np.float32), "build_decoder()")
    if out.min() < 0 or out.max() > 1:
        raise Wrong(f"on large codes the outputs range from {out.min():.3g} to {out.max():.3g}: the last Conv2D needs activation='sigmoid'")


@build_decoder.part(1, public=True)
def _decoder_other_code(fn):
    """uses code_shape: (4, 4, 64) codes give (16, 16, 1) images"""
    decoder = as_model(fn(code_shape=(4, 4, 64)), "build_decoder(code_shape=(4, 4, 64))")
    _expect_input_shape(decoder, (4, 4, 64), "build_decoder(code_shape=(4, 4, 64))", "code_shape")
    _expect_io(decoder, (4, 4, 64), (16, 16, 1), "build_decoder(code_shape=(4, 4, 64))")


build_autoencoder = Exercise("build_autoencoder", LESSON)


def _with_reference_parts(fn):
    """Call ``fn`` with the reference encoder and decoder in its namespace: a mistake there is not counted twice."""
    with replacing(fn, {"build_encoder": reference.build_encoder, "build_decoder": reference.build_decoder}):
        return fn()


@build_autoencoder.part(1, public=True)
def _autoencoder_shape(fn):
    """maps (n, 28, 28, 1) to (n, 28, 28, 1) in [0, 1] with 74,497 parameters"""
    seed_weights()  # the same initial weights, and so the same report, every time
    autoencoder = as_model(_with_reference_parts(fn), "build_autoencoder()")
    _expect_io(autoencoder, (28, 28, 1), (28, 28, 1), "build_autoencoder()")
    _expect_params(autoencoder, reference.N_PARAMS, "build_autoencoder()", "the encoder (18,816) and the decoder (55,681)")
    out = predict(autoencoder, 50 * rng(32).normal(size=(2, 28, 28, 1)).astype(np.float32), "build_autoencoder()")
    if out.min() < 0 or out.max() > 1:
        raise Wrong(f"on large inputs the outputs range from {out.min():.3g} to {out.max():.3g}, expected [0, 1]: "
                    "the model must end with the decoder's sigmoid; build it from build_encoder() and build_decoder()")


@build_autoencoder.part(1)
def _autoencoder_layers(fn):
    """built from build_encoder() and build_decoder(): the encoder's then the decoder's convolutions"""
    calls = []

    def counted(build):
        return lambda *args, **kwargs: calls.append(build.__name__) or build(*args, **kwargs)

    with replacing(fn, {"build_encoder": counted(reference.build_encoder),
                                          "build_decoder": counted(reference.build_decoder)}):
        autoencoder = as_model(fn(), "build_autoencoder()")
    if not {"build_encoder", "build_decoder"} <= set(calls):
        raise Wrong("build_autoencoder() does not call build_encoder() and build_decoder(): build it from your two functions")
    _expect_convolutions(autoencoder, [32, 64, 64, 32, 1], "build_autoencoder()")
