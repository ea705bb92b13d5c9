"""The receptive field of an output pixel, measured by perturbing the input one pixel at a time.

A pixel belongs to the receptive field of output pixel ``(row, col)`` when
changing it can change that output. Two layers hide a pixel from a small or
unlucky perturbation: a ReLU that is off (its input below zero) passes no
change, and a max pooling passes only the change of the value that wins. So
the step is large and upwards (``delta = 10`` on images in [0, 1]: the pixel
wins every max it enters and wakes the ReLUs it feeds with a positive weight),
and the mask is the union over several random base images.
"""

import numpy as np

# A change of the output larger than this counts; float32 rounding moves outputs of order 1 by about 1e-7.
TOLERANCE = 1e-5


def receptive_field(model, row, col, n_trials=2, delta=10.0, seed=0):
    """Input pixels whose perturbation changes output pixel ``(row, col)``.

    Parameters
    ----------
    model : keras.Model
        Maps images ``(n, H, W, 1)`` to outputs ``(n, H_out, W_out, C)``.
    row, col : int
        The output pixel, ``0 <= row < H_out``, ``0 <= col < W_out``.
    n_trials : int >= 1, default=2
        Random base images (uniform in [0, 1]); the mask is the union over them.
    delta : float, default=10.0
        Added to one pixel at a time; large, so that float32 keeps it and ReLUs and max poolings pass it.
    seed : int, default=0

    Returns
    -------
    mask : bool array ``(H, W)``
        True where adding ``delta`` changed some channel of the output at
        ``(row, col)`` by more than ``TOLERANCE`` in at least one trial.
    """
    if not isinstance(n_trials, int) or n_trials < 1:
        raise ValueError(f"n_trials={n_trials!r} is invalid: expected a positive integer")
    height, width = model.input_shape[1:3]
    rng = np.random.default_rng(seed)
    pixels = np.arange(height * width)
    mask = np.zeros((height, width), dtype=bool)
    for _ in range(n_trials):
        base = rng.random((1, height, width, 1), dtype=np.float32)
        batch = np.repeat(base, 1 + height * width, axis=0)  # the base, then one copy per pixel
        batch[1 + pixels, pixels // width, pixels % width, 0] += delta
        out = np.asarray(model.predict(batch, verbose=0))[:, row, col, :]  # (1 + H*W, C)
        change = np.abs(out[1:] - out[0]).max(axis=-1)
        mask |= (change > TOLERANCE).reshape(height, width)
    return mask
