"""Lesson 1, autoencoder theory: mse, compression_ratio, pca_reconstruct, build_dense_autoencoder, error_curves."""

import numpy as np

from autograder.core import (Exercise, Wrong, as_array, as_model, as_number, expect_close, expect_shape, predict,
                            replacing, seed_weights)
from dae_reference import evaluate, linear

LESSON = "01_autoencoder_theory"
MSE_HINT = "the MSE is the mean of (x - x_hat)**2 over every element"
RATIO_HINT = "the ratio is the number of values in the input (np.prod(input_shape)) over the number in the code"
PCA_HINT = ("centre the rows, project on the first k rows of Vt (np.linalg.svd of the centred data), map back "
            "and add the mean")
rng = np.random.default_rng

mse = Exercise("mse", LESSON)


@mse.part(1, public=True)
def _mse_on_a_batch(fn):
    """mean of the squared differences over a batch of images"""
    x, x_hat = rng(1).random((4, 28, 28, 1), dtype=np.float32), rng(2).random((4, 28, 28, 1), dtype=np.float32)
    diff = x.astype(np.float64) - x_hat
    got = as_number(fn(x, x_hat), "mse(x, x_hat)")
    expect_close(got, evaluate.mse(x, x_hat), "mse(x, x_hat)", rtol=1e-4, likely={
        "that is the sum of the squared differences; divide by their number (np.mean)": np.sum(diff**2),
        "that is the root of the MSE; leave out the square root": np.sqrt(np.mean(diff**2)),
        "that is the mean absolute difference; square the differences": np.mean(np.abs(diff)),
    }, otherwise=MSE_HINT)


@mse.part(1)
def _mse_any_shape(fn):
    """any shape and float dtype; identical arrays give 0"""
    for seed, shape, dtype in [(3, (7,), np.float64), (4, (3, 5, 5, 2), np.float32), (5, (2, 10), np.float64)]:
        x, x_hat = (rng(seed).normal(size=shape).astype(dtype) for _ in range(2))
        x_hat = x_hat + rng(seed + 10).normal(size=shape).astype(dtype)
        got = as_number(fn(x, x_hat), f"mse on arrays of shape {shape} ({np.dtype(dtype).name})")
        expect_close(got, evaluate.mse(x, x_hat), f"mse on arrays of shape {shape} ({np.dtype(dtype).name})", rtol=1e-4,
                     otherwise=MSE_HINT + ", whatever the shape")
    x = rng(6).random((3, 4))
    expect_close(as_number(fn(x, x.copy()), "mse(x, x)"), 0.0, "mse(x, x)", atol=1e-12, otherwise="identical arrays have no error at all")


compression_ratio = Exercise("compression_ratio", LESSON)


@compression_ratio.part(1, public=True)
def _ratio_of_the_tutorial(fn):
    """the tutorial's 28x28x1 image and 7x7x64 code give 0.25"""
    got = as_number(fn((28, 28, 1), (7, 7, 64)), "compression_ratio((28, 28, 1), (7, 7, 64))")
    expect_close(got, 0.25, "compression_ratio((28, 28, 1), (7, 7, 64))", likely={
        "that is code size over input size; the ratio is input size over code size": 4.0,
    }, otherwise=RATIO_HINT)


@compression_ratio.part(1)
def _ratio_other_shapes(fn):
    """other input and code shapes, as tuples or lists"""
    for shape, code in [((32, 32, 3), (8, 8, 16)), ([784], [32]), ((28, 28, 1), (2,)), ((10, 10), (10, 10))]:
        what = f"compression_ratio({shape}, {code})"
        expected = np.prod(shape) / np.prod(code)
        expect_close(as_number(fn(shape, code), what), expected, what, likely={
            "that is code size over input size; invert it": 1 / expected,
        }, otherwise=RATIO_HINT)


pca_reconstruct = Exercise("pca_reconstruct", LESSON)


def _low_rank(seed, n, d, rank):
    r = rng(seed)
    return r.normal(size=(n, rank)) @ r.normal(size=(rank, d)) + r.normal(size=d) + 0.01 * r.normal(size=(n, d))


@pca_reconstruct.part(1, public=True)
def _pca_on_images(fn):
    """keeps the shape of a batch of images and matches PCA with k components"""
    x = rng(7).random((60, 8, 8, 1))
    got = as_array(fn(x, 5), "pca_reconstruct(x, 5)")
    expect_shape(got, x.shape, "pca_reconstruct(x, 5)", "flatten each image to a row, reconstruct, reshape back")
    _compare_pca(fn, x, 5)


@pca_reconstruct.part(1)
def _pca_centres_the_data(fn):
    """subtracts the mean before the SVD and adds it back after"""
    _compare_pca(fn, _low_rank(8, 40, 12, 3) + 5.0, 2)


@pca_reconstruct.part(1)
def _pca_edge_cases(fn):
    """k = 0 gives the mean image, full rank gives the data back"""
    x = _low_rank(9, 30, 10, 4)
    expect_close(as_array(fn(x, 0), "pca_reconstruct(x, 0)"), np.broadcast_to(x.mean(axis=0), x.shape), "pca_reconstruct(x, 0)", rtol=1e-6, atol=1e-8,
                 otherwise="with k = 0 no component is kept: every sample becomes the mean sample")
    expect_close(as_array(fn(x, 10), "pca_reconstruct(x, d)"), x, "pca_reconstruct(x, d) with d = all 10 dimensions", rtol=1e-6, atol=1e-8,
                 otherwise="with every component kept the data must come back unchanged")


def _compare_pca(fn, x, k):
    flat = x.reshape(len(x), -1)
    _, _, vt = np.linalg.svd(flat, full_matrices=False)
    uncentred = (flat @ vt[:k].T @ vt[:k]).reshape(x.shape)
    got = as_array(fn(x, k), f"pca_reconstruct(x, {k})")
    expect_close(got, linear.pca_reconstruct(x, k), f"pca_reconstruct(x, {k})", rtol=1e-5, atol=1e-6, likely={
        "that is PCA without centring: subtract the mean image before the SVD and add it back": uncentred,
        f"that keeps {k + 1} components, not {k}": linear.pca_reconstruct(x, k + 1),
        f"that keeps {k - 1} components, not {k}": linear.pca_reconstruct(x, max(k - 1, 0)),
    }, otherwise=PCA_HINT)


build_dense_autoencoder = Exercise("build_dense_autoencoder", LESSON)


@build_dense_autoencoder.part(1, public=True)
def _dense_maps_images_to_images(fn):
    """a Keras model from (n, 28, 28, 1) images to (n, 28, 28, 1) in [0, 1], even for large inputs: a sigmoid output"""
    seed_weights()  # the same initial weights, and so the same report, every time
    out = predict(fn(32), rng(10).random((3, 28, 28, 1), dtype=np.float32), "build_dense_autoencoder(32)")
    expect_shape(out, (3, 28, 28, 1), "its output", "reshape the 784 outputs back to (28, 28, 1)")
    model = fn(8)
    large = 50 * rng(11).normal(size=(4, 28, 28, 1)).astype(np.float32)
    out = predict(model, large, "build_dense_autoencoder(8)")
    if out.min() < 0 or out.max() > 1:
        raise Wrong(f"on large inputs the outputs range from {out.min():.3g} to {out.max():.3g}, outside [0, 1]: "
                    "the last Dense layer needs activation='sigmoid'")
    x = 3 * rng(13).random((4, 28, 28, 1), dtype=np.float32)
    logits = _last_dense_logits(model, x)
    if logits is not None:
        out = predict(model, x, "build_dense_autoencoder(8)").reshape(len(x), -1).astype(np.float64)
        if not np.allclose(out, 1 / (1 + np.exp(-logits)), atol=1e-5):
            raise Wrong("the outputs are in [0, 1] but are not the sigmoid of the last Dense layer's outputs "
                        "(a hard_sigmoid or a clip keeps them in [0, 1] too): give it activation='sigmoid'")


def _last_dense_logits(model, x):
    """The last Dense layer's outputs before any activation, on ``x``; None where the model's graph does not show them."""
    import keras

    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if not dense or len(dense[-1].get_weights()) != 2:
        return None
    try:
        inputs = keras.Model(model.inputs, dense[-1].input).predict(x, verbose=0)
    except Exception:  # a nested or subclassed model: the other parts judge it
        return None
    kernel, bias = dense[-1].get_weights()
    return np.asarray(inputs, dtype=np.float64).reshape(len(x), -1) @ kernel + bias


@build_dense_autoencoder.part(1, public=True)
def _dense_parameter_count(fn):
    """uses code_dim: one hidden Dense layer of code_dim units, 1569 * code_dim + 784 parameters"""
    counts = {}
    for code_dim in (16, 64):
        model = as_model(fn(code_dim), f"build_dense_autoencoder({code_dim})")
        counts[code_dim] = model.count_params()
    if counts[16] == counts[64]:
        raise Wrong(f"build_dense_autoencoder(16) and build_dense_autoencoder(64) both have {counts[16]:,} parameters: "
                    "code_dim is ignored; use it as the number of units of the hidden Dense layer")
    for code_dim, count in counts.items():
        expected = 1569 * code_dim + 784
        if count != expected:
            raise Wrong(f"build_dense_autoencoder({code_dim}) has {count:,} parameters, expected {expected:,} "
                        f"(784 -> {code_dim} -> 784, each Dense with biases): is there a layer too many or too few?")


@build_dense_autoencoder.part(1, public=True)
def _dense_hidden_relu(fn):
    """the hidden layer is nonlinear (ReLU): the output's logit is not a linear function of the input"""
    model = fn(16)
    x = 0.2 * rng(12).random((4, 28, 28, 1), dtype=np.float32)
    logits = [_logit(predict(model, v, "build_dense_autoencoder(16)")) for v in (x, -x, np.zeros_like(x))]
    curvature = np.abs(logits[0] + logits[1] - 2 * logits[2]).max()
    slope = np.abs(logits[0] - logits[2]).max()
    if curvature <= 1e-3 * max(slope, 1e-6):
        raise Wrong("the output's logit is symmetric in the input, as it is when the hidden layer has no activation "
                    "(a sigmoid of a linear map) or one symmetric about 0 (tanh, sigmoid): give the hidden Dense layer "
                    "activation='relu'")


def _logit(p):
    p = np.clip(p.astype(np.float64), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


error_curves = Exercise("error_curves", LESSON)


def _grader_mse(x, x_hat):
    return float(np.mean((np.asarray(x, dtype=np.float64) - np.asarray(x_hat, dtype=np.float64)) ** 2))


def _call(fn, *args, **kwargs):
    """Call the student's error_curves with a correct ``mse`` in its namespace: a mistake in mse is not counted twice."""
    with replacing(fn, {"mse": _grader_mse}):
        return fn(*args, **kwargs)


CURVES_HINT = ("train with model.fit(x_input, x_target, epochs=1, batch_size=batch_size) once per epoch, then score "
               "the model's output on x_clean and on x_noisy, both against x_clean")


def _tiny_model(seed, learning_rate):
    """A small compiled autoencoder on 4x4 images, the same weights for the same seed.

    The checks train it with batch_size = the number of images: one step per epoch, the same whatever the order of the
    images, so that the student's run and the reference's agree to rounding.
    """
    import keras
    from keras import layers

    seed_weights(seed)
    model = keras.Sequential([keras.Input((4, 4, 1)), layers.Flatten(), layers.Dense(24, activation="relu"),
                              layers.Dense(16, activation="sigmoid"), layers.Reshape((4, 4, 1))])
    optimizer = keras.optimizers.Adam(learning_rate) if learning_rate else keras.optimizers.SGD(0.0)
    model.compile(optimizer=optimizer, loss="mse")
    return model


def _images(seed, n, sigma=0.4):
    clean = rng(seed).random((n, 4, 4, 1), dtype=np.float32)
    noisy = np.clip(clean + sigma * rng(seed + 1).standard_normal(clean.shape), 0, 1).astype(np.float32)
    return clean, noisy


def _as_curves(value, epochs, what):
    """The student's result as two float arrays of ``epochs`` values, or ``Wrong`` saying what is off."""
    if value is None:
        raise Wrong(f"{what} returned None: did you forget the `return` statement?")
    if not isinstance(value, dict) or set(value) != {"clean", "noisy"}:
        keys = sorted(map(str, value)) if isinstance(value, dict) else None
        raise Wrong(f"{what} returned {'a dict with keys ' + str(keys) if keys is not None else 'a ' + type(value).__name__}, "
                    "expected a dict with exactly the keys 'clean' and 'noisy'")
    curves = {key: np.asarray(value[key], dtype=np.float64).reshape(-1) for key in ("clean", "noisy")}
    for key, curve in curves.items():
        if curve.size != epochs:
            raise Wrong(f"{what}[{key!r}] holds {curve.size} values after epochs={epochs}, expected {epochs}, one per epoch: "
                        "measure after every epoch, not once at the end (and use the epochs argument)")
    return curves


def _clone(model):
    import keras

    copy = keras.models.clone_model(model)
    copy.set_weights(model.get_weights())
    copy.compile(optimizer=type(model.optimizer).from_config(model.optimizer.get_config()), loss="mse")
    return copy


def _mse_of(model, x, target):
    return float(np.mean((np.asarray(model(x), dtype=np.float64) - target) ** 2))


@error_curves.part(1, public=True)
def _curves_score_against_clean(fn):
    """one clean and one noisy error per epoch, both scored against the clean images"""
    model = _tiny_model(20, learning_rate=0.0)  # a learning rate of 0: the weights, and so the errors, stay put
    clean, noisy = _images(21, 30)
    x_train = rng(22).random((30, 4, 4, 1), dtype=np.float32)
    right = {"clean": _mse_of(model, clean, clean), "noisy": _mse_of(model, noisy, clean)}
    wrong_noisy = _mse_of(model, noisy, noisy)
    what = "error_curves(model, x_train, x_train, x_clean, x_noisy, epochs=3, batch_size=30)"
    curves = _as_curves(_call(fn, model, x_train, x_train, clean, noisy, epochs=3, batch_size=30), 3, what)
    for key in ("clean", "noisy"):
        expect_close(curves[key], np.full(3, right[key]), f"{what}[{key!r}] (a model with a learning rate of 0)", rtol=1e-4,
                     atol=1e-7, likely={
                         "the output on the noisy images is scored against the noisy images; score it against x_clean, "
                         "the image the noise was added to": np.full(3, wrong_noisy),
                         "the 'clean' and 'noisy' errors are swapped": np.full(3, right["noisy" if key == "clean" else "clean"]),
                     }, otherwise=CURVES_HINT)


def _compare_training(fn, seed, n, epochs, denoise):
    from dae_reference import drift

    model = _tiny_model(seed, learning_rate=0.05)  # Adam: steps large enough that each mistake shows
    clean, noisy = _images(seed + 1, 20)
    x_target, x_noisy_train = _images(seed + 3, n)
    x_input = x_noisy_train if denoise else x_target

    initial = _clone(model)  # the answer trains model in place

    def reference(x_in, x_out):
        return drift.error_curves(_clone(initial), x_in, x_out, clean, noisy, epochs, batch_size=n)

    expected = reference(x_input, x_target)
    what = f"error_curves(model, x_input, x_target, x_clean, x_noisy, epochs={epochs}, batch_size={n})"
    curves = _as_curves(_call(fn, model, x_input, x_target, clean, noisy, epochs=epochs, batch_size=n), epochs, what)
    _expect_steps(model, epochs, n)
    if all(np.allclose(curves[key], expected[key], rtol=1e-3, atol=1e-6) for key in curves):
        return
    likely = {"each value is measured before its epoch's training; measure after model.fit":
              {key: [_mse_of(initial, x, clean)] + expected[key][:-1] for key, x in (("clean", clean), ("noisy", noisy))}}
    if denoise:  # the likely mistakes, trained only now that the answer is wrong (these parts are hidden)
        likely["the model was trained on x_target as input too; fit x_input to x_target"] = reference(x_target, x_target)
        likely["the model was trained to give back the noisy inputs; the targets are x_target"] = reference(x_input, x_input)
    for key in ("clean", "noisy"):
        expect_close(curves[key], expected[key], f"{what}[{key!r}]", rtol=1e-3, atol=1e-6,
                     likely={mistake: value[key] for mistake, value in likely.items()}, otherwise=CURVES_HINT)


def _expect_steps(model, epochs, n, batch_size=None):
    """The optimizer's step count tells how the model was trained: ceil(n / batch_size) steps per epoch."""
    batch_size = batch_size or n
    per_epoch = -(-n // batch_size)
    steps = int(np.asarray(model.optimizer.iterations))
    if steps == epochs * per_epoch:
        return
    causes = {0: "the model passed in was not trained: train it, not a new or cloned model",
              epochs * -(-n // 32): "that is fit's default batch size of 32: pass batch_size=batch_size to fit",
              epochs * -(-n // 128): "that is a batch size of 128 whatever batch_size was passed: pass batch_size=batch_size to fit",
              epochs * (epochs + 1) // 2 * per_epoch: ("fit(epochs=epoch) in a loop trains 1 + 2 + 3 + ... epochs: "
                                                       "call fit with epochs=1 each time round the loop")}
    raise Wrong(f"with {n} images and batch_size={batch_size} the optimizer took {steps} steps in {epochs} epochs, expected "
                f"{epochs * per_epoch} ({per_epoch} per epoch): "
                f"{causes.get(steps, 'train each epoch once, with batch_size=batch_size')}")


@error_curves.part(1)
def _curves_of_a_denoiser(fn):
    """trains one epoch at a time on (x_input, x_target) and measures after each epoch"""
    _compare_training(fn, 30, n=70, epochs=3, denoise=True)


@error_curves.part(1)
def _curves_other_sizes(fn):
    """uses epochs and batch_size: other numbers of epochs, images and images per batch"""
    _compare_training(fn, 40, n=48, epochs=4, denoise=False)
    model = _tiny_model(44, learning_rate=0.05)  # 48 images in batches of 16: three steps an epoch
    clean, noisy = _images(45, 20)
    x = _images(46, 48)[0]
    _as_curves(_call(fn, model, x, x, clean, noisy, epochs=2, batch_size=16), 2,
               "error_curves(model, x, x, x_clean, x_noisy, epochs=2, batch_size=16)")
    _expect_steps(model, 2, 48, batch_size=16)
