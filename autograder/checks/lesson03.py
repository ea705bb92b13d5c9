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


# Receptive fields: small models whose fields are known in closed form -----------------------------------------

receptive_field = Exercise("receptive_field", LESSON)


def _conv(layers, bias=0.0, dilation=1, activation=None):
    import keras

    return layers.Conv2D(1, 3, padding="same", dilation_rate=dilation, activation=activation, kernel_initializer="ones",
                         bias_initializer=keras.initializers.Constant(bias))


def _sequential(shape, *stack):
    import keras

    return keras.Sequential([keras.Input(shape), *stack])


def _field_model(kind, shape):
    """A small model with fixed weights, one input channel; ``kind`` names it in the feedback."""
    import keras
    from keras import layers

    if kind == "one 3x3 convolution":
        return _sequential(shape, _conv(layers))
    if kind == "two stacked 3x3 convolutions":
        return _sequential(shape, _conv(layers, activation="relu"), _conv(layers))
    if kind == "max pooling, a 3x3 convolution, upsampling":
        return _sequential(shape, layers.MaxPooling2D(2), _conv(layers), layers.UpSampling2D(2))
    if kind == "a 3x3 convolution with dilation 2":
        return _sequential(shape, _conv(layers, dilation=2))
    if kind == "a model that ignores its input":
        return _sequential(shape, layers.Conv2D(1, 3, padding="same", kernel_initializer="zeros",
                                                bias_initializer=keras.initializers.Constant(0.5)))
    if kind == "a 3x3 convolution plus and minus a global mean":
        # (conv(x) + 30 mean(x)) - 30 mean(x): conv(x) up to float32 rounding, of about 1e-6, which every pixel moves
        inputs = keras.Input(shape)
        big = layers.Conv2D(1, 1, use_bias=False, kernel_initializer=keras.initializers.Constant(30.0))(
            layers.GlobalAveragePooling2D(keepdims=True)(inputs))
        big = layers.UpSampling2D(size=shape[:2])(big)
        return keras.Model(inputs, layers.Subtract()([layers.Add()([_conv(layers)(inputs), big]), big]))
    if kind == "two 3x3 ReLU convolutions whose ReLUs are off on images in [0, 1]":
        # the first layer's units see a sum of 9 pixels minus 5: off for most images in [0, 1], on after a step of +10
        return _sequential(shape, _conv(layers, bias=-5.0, activation="relu"), _conv(layers))
    raise KeyError(kind)


def _box(shape, rows, cols, step=1):
    """The expected mask: True at rows[0]..rows[1] x cols[0]..cols[1] (inclusive, every ``step``), clipped to ``shape``."""
    mask = np.zeros(shape, dtype=bool)
    r = [i for i in range(rows[0], rows[1] + 1, step) if 0 <= i < shape[0]]
    c = [j for j in range(cols[0], cols[1] + 1, step) if 0 <= j < shape[1]]
    mask[np.ix_(r, c)] = True
    return mask


def _as_mask(value, shape, what):
    if value is None:
        raise Wrong(f"{what} returned None: did you forget the `return` statement?")
    mask = np.asarray(value)
    if mask.shape != tuple(shape):
        raise Wrong(f"{what} has shape {mask.shape}, expected {tuple(shape)}: one entry per input pixel (height, width)")
    if mask.dtype != bool:
        if not (np.issubdtype(mask.dtype, np.number) and np.isin(mask, (0, 1)).all()):
            raise Wrong(f"{what} has dtype {mask.dtype} with values other than 0 and 1: return a boolean mask, "
                        "True where perturbing the pixel changed the output")
        mask = mask.astype(bool)
    return mask


def _shift(mask, dr, dc):
    shifted = np.zeros_like(mask)
    h, w = mask.shape
    shifted[max(dr, 0):h + min(dr, 0), max(dc, 0):w + min(dc, 0)] = mask[max(-dr, 0):h - max(dr, 0), max(-dc, 0):w - max(dc, 0)]
    return shifted


def _expect_field(fn, kind, shape, row, col, expected, swapped=None):
    """Compare ``fn``'s mask for output pixel (row, col) of model ``kind`` with ``expected``; name the likely mistake."""
    what = f"receptive_field(<{kind}>, row={row}, col={col})"
    got = _as_mask(fn(_field_model(kind, (*shape, 1)), row, col), shape, what)
    if np.array_equal(got, expected):
        return
    n_got, n_expected = int(got.sum()), int(expected.sum())
    missing, extra = int((expected & ~got).sum()), int((got & ~expected).sum())
    start = f"{what} marks {n_got} pixels, expected {n_expected}"
    if n_got == 0:
        raise Wrong(f"{start}: no perturbation changed the output. A step too small for float32 vanishes "
                    "(0.5 + 1e-8 == 0.5 in float32), and a gradient, or a small step, at a point where the ReLUs "
                    "are off is zero: add a large step (delta = 10) to one pixel at a time")
    if n_expected == 0:
        raise Wrong(f"{start}: this model's output never depends on its input. Measure the model, do not assume "
                    "a window around (row, col)")
    if swapped is not None and np.array_equal(got, swapped):
        raise Wrong(f"{start}: this is the field of output pixel (row={col}, col={row}): row indexes the height "
                    "(axis 1 of the output), col the width (axis 2)")
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            if (dr or dc) and np.array_equal(got, _shift(expected, dr, dc)):
                raise Wrong(f"{start}, but your mask is the right field shifted by ({dr}, {dc}) pixels: an "
                            "off-by-one in the index of the perturbed pixel or of the output pixel")
    rows, cols = np.nonzero(expected)
    bounds = _box(expected.shape, (rows.min(), rows.max()), (cols.min(), cols.max()))
    got_rows, got_cols = np.nonzero(got)
    got_box = _box(got.shape, (got_rows.min(), got_rows.max()), (got_cols.min(), got_cols.max()))
    size, got_size = (np.ptp(rows) + 1, np.ptp(cols) + 1), (np.ptp(got_rows) + 1, np.ptp(got_cols) + 1)
    if np.array_equal(got, got_box) and max(abs(a - b) for a, b in zip(size, got_size)) == 1:
        raise Wrong(f"{start}: your mask is a {got_size[0]}x{got_size[1]} window where the field spans "
                    f"{size[0]}x{size[1]}: an off-by-one in the window (a slice a:b stops before b)")
    if not missing and got.mean() > 0.5:
        raise Wrong(f"{start}: your mask holds {extra} pixels outside the field, most of the image. The output moves "
                    "by float32 rounding (about 1e-6) when any pixel changes: count a change only above a tolerance "
                    "(1e-5), never with == or != on floats")
    if not missing and not (got & ~bounds).any():
        raise Wrong(f"{start}: your mask fills the window around the field, but {extra} pixels inside it never reach "
                    "the output, as the holes of a dilated convolution: measure each pixel, do not compute a window")
    if not missing:
        raise Wrong(f"{start}: your mask marks {extra} pixels that cannot reach the output: is it a window computed "
                    "from kernel sizes rather than measured? Perturb each pixel and keep those that move the output")
    if not extra:
        raise Wrong(f"{start}: {missing} pixels of the field are missing. A pixel's change is lost through a ReLU "
                    "that is off or a max pooling that the pixel does not win: step upwards by a large amount "
                    "(delta = 10, far above the [0, 1] pixels) and take the union over several random images")
    raise Wrong(f"{start}: {missing} pixels of the field are missing and {extra} pixels outside it are marked: "
                "perturb each pixel (i, j) and read the output at (row, col), every index in (height, width) order")


@receptive_field.part(1, public=True)
def _field_of_convolutions(fn):
    """one 3x3 convolution sees 3x3 pixels, two stacked see 5x5 (9x9 images, the centre)"""
    _expect_field(fn, "one 3x3 convolution", (9, 9), 4, 4, _box((9, 9), (3, 5), (3, 5)))
    _expect_field(fn, "two stacked 3x3 convolutions", (9, 9), 4, 4, _box((9, 9), (2, 6), (2, 6)))


@receptive_field.part(1)
def _field_at_border_and_pooling(fn):
    """at the border of a non-square image, and through max pooling and upsampling"""
    _expect_field(fn, "two stacked 3x3 convolutions", (10, 7), 1, 5, _box((10, 7), (-1, 3), (3, 7)),
                  swapped=_box((10, 7), (3, 7), (-1, 3)))
    # output (5, 6) comes from pooled cell (2, 3); the convolution sees pooled rows 1-3, cols 2-4: input rows 2-7, cols 4-9
    _expect_field(fn, "max pooling, a 3x3 convolution, upsampling", (12, 12), 5, 6, _box((12, 12), (2, 7), (4, 9)))


@receptive_field.part(1)
def _field_of_dilated_convolution(fn):
    """a dilated 3x3 convolution sees 9 pixels two apart, with holes between them"""
    _expect_field(fn, "a 3x3 convolution with dilation 2", (9, 9), 4, 4, _box((9, 9), (2, 6), (2, 6), step=2))


@receptive_field.part(1)
def _field_without_input_and_float_noise(fn):
    """a model that ignores its input sees nothing; float32 rounding elsewhere is not a change"""
    _expect_field(fn, "a model that ignores its input", (8, 8), 3, 3, np.zeros((8, 8), dtype=bool))
    _expect_field(fn, "a 3x3 convolution plus and minus a global mean", (9, 9), 4, 4, _box((9, 9), (3, 5), (3, 5)))


@receptive_field.part(1)
def _field_through_dead_relus(fn):
    """through ReLUs that are off on images in [0, 1]: a large step finds the 5x5 field"""
    _expect_field(fn, "two 3x3 ReLU convolutions whose ReLUs are off on images in [0, 1]", (9, 9), 4, 4,
                  _box((9, 9), (2, 6), (2, 6)))
