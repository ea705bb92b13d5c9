"""Two ways to enlarge in a decoder, side by side: UpSampling2D + Conv2D, and Conv2DTranspose.

``build_transpose_decoder`` replaces each ``UpSampling2D(2) -> Conv2D(f, 3)``
pair of the course's decoder with one ``Conv2DTranspose(f, 3, strides=2)``:
the same 55,681 parameters. A 3x3 kernel with stride 2 overlaps unevenly
(some output pixels receive one kernel tap per input, others two or four),
the source of the checkerboard artefacts of Odena, Dumoulin and Olah (2016).
"""

import keras
import numpy as np
from keras import layers

# Pixels left out at each border when measuring the checkerboard: the 'same' padding of the
# decoder's three convolutions changes the outputs up to 7 pixels from the border of 28x28.
MARGIN = 8
CODE_SHAPE = (7, 7, 64)  # the course's code, as in dae_reference.model


def build_transpose_decoder(code_shape=CODE_SHAPE):
    """Codes ``(n, 7, 7, 64)`` -> images ``(n, 28, 28, 1)`` in (0, 1), enlarged by two Conv2DTranspose layers."""
    code = keras.Input(shape=code_shape, name="code")
    x = layers.Conv2D(64, 3, activation="relu", padding="same", name="dec_conv1")(code)
    x = layers.Conv2DTranspose(32, 3, strides=2, activation="relu", padding="same", name="dec_up_conv1")(x)
    outputs = layers.Conv2DTranspose(1, 3, strides=2, activation="sigmoid", padding="same", dtype="float32",
                                     name="dec_up_out")(x)
    return keras.Model(code, outputs, name="transpose_decoder")


def checkerboard(images, margin=MARGIN):
    """How much the four 2x2 phases of ``images`` differ: the spread of their mean values.

    Parameters
    ----------
    images : array ``(n, H, W, 1)``
        Decoder outputs, or residuals (output - clean).
    margin : int >= 0, default=MARGIN
        Pixels left out at each border.

    Returns
    -------
    float
        ``max - min`` over the phases ``(p, q)`` in {0, 1}^2 of the mean of
        ``images[:, p::2, q::2]`` (inside the margin): 0 for an image without
        a pattern that repeats every second pixel, such as a flat one.
    """
    images = np.asarray(images, dtype=np.float64)
    if images.ndim != 4 or min(images.shape[1:3]) <= 2 * margin + 1:
        raise ValueError(f"images of shape {images.shape} are invalid: expected (n, H, W, C) with H, W > {2 * margin + 1}")
    inner = images[:, margin:images.shape[1] - margin, margin:images.shape[2] - margin]
    means = [inner[:, p::2, q::2].mean() for p in (0, 1) for q in (0, 1)]
    return float(max(means) - min(means))


def budget(profile):
    """Images and epochs for the side-by-side training: an eighth of the profile's images, a third of its epochs.

    Returns ``(n_train, epochs)``: (256, 1) under smoke, (1875, 2) under quick, (7500, 6) under full.
    """
    n_train = (profile.n_train or 60_000) // 8
    return n_train, max(1, profile.epochs // 3)


def train_side_by_side(models, x_noisy, x_clean, epochs, batch_size=128, seed=0):
    """Train each of ``models`` (a dict name -> autoencoder) on the same pairs with Adam and the MSE.

    Returns ``{name: list of the training loss per epoch}``. Each model is
    compiled here; the same seed orders the batches of every model.
    """
    losses = {}
    for name, model in models.items():
        keras.utils.set_random_seed(seed)
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
        history = model.fit(x_noisy, x_clean, epochs=epochs, batch_size=batch_size, verbose=0)
        losses[name] = [float(v) for v in history.history["loss"]]
    return losses
