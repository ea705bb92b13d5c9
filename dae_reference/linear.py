"""PCA, the linear autoencoder.

An autoencoder with linear layers and MSE learns the same subspace as PCA
(Baldi and Hornik 1989), so the best rank-``k`` linear reconstruction is the
yardstick a nonlinear code of size ``k`` has to beat.
"""

import numpy as np


def pca_reconstruct(x, k):
    """Project ``x`` on its ``k`` leading principal components and map back.

    Parameters
    ----------
    x : float array ``(n, ...)``, one sample per row once flattened
    k : int, 0 <= k <= min(n, d)
        Number of components kept; 0 returns the mean image for every sample.

    Returns
    -------
    float64 array of the shape of ``x``
    """
    x = np.asarray(x, dtype=np.float64)
    flat = x.reshape(len(x), -1)
    if not isinstance(k, (int, np.integer)) or not 0 <= k <= min(flat.shape):
        raise ValueError(f"k={k!r} is invalid: expected an integer in [0, {min(flat.shape)}]")
    mean = flat.mean(axis=0)
    _, _, components = np.linalg.svd(flat - mean, full_matrices=False)  # rows: principal directions
    top = components[:k]
    return ((flat - mean) @ top.T @ top + mean).reshape(x.shape)
