"""Corruption processes for a denoising autoencoder.

Each function takes clean images in [0, 1] and returns a corrupted copy of the
same shape and dtype; the input is never modified. They accept NumPy arrays
(seeded with ``numpy.random.default_rng(seed)``) and TensorFlow tensors, so
that the same function can corrupt a batch inside a ``tf.data`` pipeline. For
tensors, ``seed`` is a stateless seed: an int or a shape ``(2,)`` integer
tensor; ``None`` draws from TensorFlow's global generator.

Vincent et al. (2008) name three: additive isotropic Gaussian noise, masking
noise (a fraction of the pixels forced to 0) and salt-and-pepper noise (a
fraction forced to 0 or 1 at random).
"""

import numpy as np
from scipy import special

NOISE_TYPES = ("gaussian", "masking", "salt_and_pepper")


def add_gaussian_noise(x, sigma=0.5, seed=None, clip=True):
    """Add ``sigma * N(0, 1)`` to every pixel, then clip to [0, 1].

    Parameters
    ----------
    x : array or tensor of float, any shape, values in [0, 1]
    sigma : float >= 0, default=0.5
        Standard deviation of the noise (not its variance).
    seed : int or None
    clip : bool, default=True
        Clip the result to [0, 1], as the tutorial does. Clipping biases the
        noise: on a black pixel only the positive half survives.

    Returns
    -------
    Same type, shape and dtype as ``x``.
    """
    _check_fraction_or_sigma("sigma", sigma, upper=None)
    if _is_tensor(x):
        tf = _tf()
        noisy = x + sigma * _tf_random(tf.random.normal, tf.random.stateless_normal, x, seed)
        return tf.clip_by_value(noisy, 0.0, 1.0) if clip else noisy
    x = np.asarray(x)
    noise = np.random.default_rng(seed).standard_normal(x.shape)
    noisy = (x + sigma * noise).astype(_float_dtype(x), copy=False)
    return np.clip(noisy, 0.0, 1.0) if clip else noisy


def add_masking_noise(x, fraction, seed=None):
    """Set each pixel to 0 with probability ``fraction``.

    Vincent et al. (2008) zero exactly ``fraction * d`` of the ``d`` inputs;
    drawing each pixel independently gives the same fraction on average and
    is what most implementations do.

    Parameters
    ----------
    x : array or tensor of float, any shape, values in [0, 1]
    fraction : float in [0, 1]
    seed : int or None

    Returns
    -------
    Same type, shape and dtype as ``x``.
    """
    _check_fraction_or_sigma("fraction", fraction, upper=1.0)
    if _is_tensor(x):
        tf = _tf()
        uniform = _tf_random(tf.random.uniform, tf.random.stateless_uniform, x, seed)
        return tf.where(uniform < fraction, tf.zeros_like(x), x)
    x = np.asarray(x)
    mask = np.random.default_rng(seed).random(x.shape) < fraction
    return np.where(mask, 0, x).astype(_float_dtype(x), copy=False)


def add_salt_and_pepper_noise(x, fraction, seed=None):
    """Set a ``fraction`` of the pixels to 0 or 1, each with probability one half.

    Parameters
    ----------
    x : array or tensor of float, any shape, values in [0, 1]
    fraction : float in [0, 1]
        Probability that a pixel is corrupted.
    seed : int or None

    Returns
    -------
    Same type, shape and dtype as ``x``.
    """
    _check_fraction_or_sigma("fraction", fraction, upper=1.0)
    if _is_tensor(x):
        tf = _tf()
        uniform = _tf_random(tf.random.uniform, tf.random.stateless_uniform, x, seed)
        # uniform in [0, fraction/2) -> pepper (0), [fraction/2, fraction) -> salt (1)
        salt_or_pepper = tf.cast(uniform >= fraction / 2, x.dtype)
        return tf.where(uniform < fraction, salt_or_pepper, x)
    x = np.asarray(x)
    uniform = np.random.default_rng(seed).random(x.shape)
    salt_or_pepper = (uniform >= fraction / 2).astype(_float_dtype(x))
    return np.where(uniform < fraction, salt_or_pepper, x).astype(_float_dtype(x), copy=False)


def clipped_noise_mean(x, sigma):
    """The exact mean of clipped Gaussian noise: ``m(x) = E[clip(x + sigma*Z, 0, 1)]``, ``Z ~ N(0, 1)``.

    With ``a = -x / sigma`` and ``b = (1 - x) / sigma``, the draws below 0 count
    as 0, those above 1 as 1 and the others as themselves::

        m(x) = x (Phi(b) - Phi(a)) + sigma (phi(a) - phi(b)) + Phi(-b)

    ``Phi(-b)`` is the mass clipped at 1, written so rather than ``1 - Phi(b)``,
    which cancels to 0 for large ``b`` (here only below 1e-16 of a pixel). At
    ``sigma = 0`` the formula is 0 / 0 where ``x`` is 0 or 1: the limit
    ``clip(x, 0, 1)`` is returned instead. ``m(x) - x`` is the bias clipping adds
    to a pixel of value ``x``: ``m(0) = 0.195`` for ``sigma = 0.5``. The baselines'
    correction (``evaluate.unclip``) inverts it.

    Parameters
    ----------
    x : float array or number, any shape, any real values (clean pixels lie in [0, 1])
    sigma : float >= 0
        Standard deviation of the noise.

    Returns
    -------
    float64 array of the shape of ``x``, values in [0, 1]
    """
    _check_fraction_or_sigma("sigma", sigma, upper=None)
    x = np.asarray(x, dtype=np.float64)
    if sigma == 0:
        return np.clip(x, 0.0, 1.0)
    a, b = -x / sigma, (1.0 - x) / sigma
    unclipped = special.ndtr(b) - special.ndtr(a)  # P(0 < x + sigma Z < 1)
    m = x * unclipped + sigma * (_normal_pdf(a) - _normal_pdf(b)) + special.ndtr(-b)
    return np.clip(m, 0.0, 1.0)  # far outside [0, 1] the terms cancel, and rounding can leave 1e-17 below 0


def _normal_pdf(z):
    """The standard normal density; |z| is capped at 40, where it is already 0 in float64, so z * z cannot overflow."""
    z = np.minimum(np.abs(z), 40.0)
    return np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi)


def corrupt(x, noise_type="gaussian", level=0.5, seed=None):
    """Apply the noise named by ``noise_type`` at ``level`` (sigma or fraction)."""
    if noise_type == "gaussian":
        return add_gaussian_noise(x, sigma=level, seed=seed)
    if noise_type == "masking":
        return add_masking_noise(x, fraction=level, seed=seed)
    if noise_type == "salt_and_pepper":
        return add_salt_and_pepper_noise(x, fraction=level, seed=seed)
    raise ValueError(f"noise_type={noise_type!r} is not one of {NOISE_TYPES}")


def _check_fraction_or_sigma(name, value, upper):
    if not np.isscalar(value) or not np.isfinite(value) or value < 0 or (upper is not None and value > upper):
        valid = f"in [0, {upper}]" if upper is not None else ">= 0"
        raise ValueError(f"{name}={value!r} is invalid: expected a number {valid}")


def _float_dtype(x):
    """Keep float inputs' precision; promote integers to float32."""
    return x.dtype if np.issubdtype(x.dtype, np.floating) else np.float32


def _is_tensor(x):
    return type(x).__module__.startswith("tensorflow")


def _tf():
    import tensorflow as tf  # imported only when a tensor is passed: NumPy users pay nothing

    return tf


def _tf_random(stateful, stateless, x, seed):
    """Draw a tensor shaped like ``x``: stateless given a seed, from the global generator otherwise."""
    tf = _tf()
    if seed is None:
        return stateful(tf.shape(x), dtype=x.dtype)
    if isinstance(seed, (int, np.integer)):
        seed = (0, int(seed))
    return stateless(tf.shape(x), seed=tf.cast(seed, tf.int64), dtype=x.dtype)
