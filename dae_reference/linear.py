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


# PCA against a dense autoencoder at the same code size (lesson 1) ---------------

RESULTS_PATH = "results/full/pca_vs_dense.json"

# The lesson's small run, and the same one-hidden-layer model given all the data.
PCA_VS_DENSE_RUNS = {
    "lesson": {"n_pca": 5_000, "n_dense": 10_000, "epochs": 10, "n_test": 1_000},
    "all_data": {"n_pca": 60_000, "n_dense": 60_000, "epochs": 20, "n_test": 10_000},
}


def pca_vs_dense(x_train, x_test, code_dim=32, n_pca=5_000, n_dense=10_000, epochs=10, n_test=1_000, seed=0):
    """Test MSE of PCA and of the one-hidden-layer dense autoencoder with the same code size.

    PCA is fitted on the first ``n_pca`` training images; the dense
    autoencoder (``model.build_dense_autoencoder``, Adam, MSE, batch 128) is
    trained on the first ``n_dense`` for ``epochs`` epochs after
    ``keras.utils.set_random_seed(seed)``, as lesson 1 does. Both are scored
    on the first ``n_test`` test images.

    Parameters
    ----------
    x_train, x_test : float32 arrays ``(n, 28, 28, 1)`` in [0, 1]
    code_dim : int >= 1

    Returns
    -------
    dict with the settings and float ``'pca_mse'`` and ``'dense_mse'``
    """
    import keras

    from dae_reference.model import build_dense_autoencoder

    if not 1 <= code_dim <= min(n_pca, x_train[0].size):
        raise ValueError(f"code_dim={code_dim!r} is invalid: expected an integer in [1, {min(n_pca, x_train[0].size)}]")
    test = np.asarray(x_test[:n_test], dtype=np.float64).reshape(n_test, -1)
    fit = np.asarray(x_train[:n_pca], dtype=np.float64).reshape(n_pca, -1)
    mean = fit.mean(axis=0)
    _, _, components = np.linalg.svd(fit - mean, full_matrices=False)
    top = components[:code_dim]
    pca_test = (test - mean) @ top.T @ top + mean
    keras.utils.set_random_seed(seed)
    dense = build_dense_autoencoder(code_dim)
    dense.compile(optimizer="adam", loss="mse")
    dense.fit(x_train[:n_dense], x_train[:n_dense], epochs=epochs, batch_size=128, verbose=0)
    dense_test = dense.predict(x_test[:n_test], verbose=0).reshape(n_test, -1).astype(np.float64)
    return {"code_dim": code_dim, "n_pca": n_pca, "n_dense": n_dense, "epochs": epochs, "n_test": n_test, "seed": seed,
            "pca_mse": float(np.mean((test - pca_test) ** 2)), "dense_mse": float(np.mean((test - dense_test) ** 2))}


def record_pca_vs_dense(path=RESULTS_PATH):
    """Run ``pca_vs_dense`` for each of ``PCA_VS_DENSE_RUNS`` and write the results as JSON to ``path``.

    ``python -m dae_reference record pca-vs-dense`` does this (a few minutes on a 2-core CPU).
    """
    import json
    from pathlib import Path

    from dae_reference.data import load_fashion_mnist

    (x_train, _), (x_test, _) = load_fashion_mnist()
    results = {name: pca_vs_dense(x_train, x_test, **settings) for name, settings in PCA_VS_DENSE_RUNS.items()}
    Path(path).write_text(json.dumps(results, indent=2) + "\n")
    return results
