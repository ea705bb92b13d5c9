"""What the code has learned: a linear probe on the encoder's output.

A linear classifier trained on a representation tells how much of the class
is readable from it by a straight cut. The baselines decide what the number
means: the raw pixels, and the same encoder with random, untrained weights
(random convolutions and pooling already give useful features), each reduced
to the same number of dimensions (in one recorded variant, each to its own,
chosen with the regularisation), probed with the same training images, the
same regularisation search and the same test images.

``python -m dae_reference record probe`` runs the lesson's comparison for
several sizes and seeds and writes ``results/full/probe.json``.
"""

import json
from pathlib import Path

import numpy as np

C_GRID = (0.001, 0.01, 0.1, 1.0, 10.0)  # inverse regularisation strengths tried, on a validation split of the training set
N_COMPONENTS = 64  # dimensions every representation is reduced to before probing (PCA fitted on training images)
DIMENSION_GRID = (32, 64, 128, 256)  # the dimensions tried where the recorded variant tunes them as C is tuned
MAX_ITER = 1000
RECORD_SIZES = (1000, 4000)  # training images of the recorded runs
RECORD_SEEDS = (0, 1, 2)  # which training and test images, and the random encoder's weights
N_TEST = 2000
# The design's choices checked on the larger size: noisy probe images (the trained encoder only ever saw noisy
# ones; noise of the course's level, clipped), a larger PCA, and the dimension tuned for each representation
RECORD_VARIANTS = ({"images": "noisy", "n_components": N_COMPONENTS}, {"images": "clean", "n_components": 256},
                   {"images": "clean", "n_components": "tuned"})


def linear_probe(features_train, y_train, features_test, y_test, C=1.0, seed=0):
    """Test accuracy of a logistic regression trained on standardised features.

    Parameters
    ----------
    features_train : float array ``(n, ...)``, one example per row once flattened
    y_train : int array ``(n,)``, the class of each training example
    features_test : float array ``(m, ...)``, as many values per example as ``features_train``
    y_test : int array ``(m,)``
    C : float > 0, inverse regularisation strength of the logistic regression
    seed : int, ``random_state`` of the classifier

    Returns
    -------
    float in [0, 1], the fraction of test examples classified correctly

    The mean and standard deviation come from the training features only (a
    feature constant there is left unscaled), so that nothing about the test
    set reaches the classifier before it is scored.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    train = np.asarray(features_train, dtype=np.float64).reshape(len(features_train), -1)
    test = np.asarray(features_test, dtype=np.float64).reshape(len(features_test), -1)
    if train.shape[1] != test.shape[1]:
        raise ValueError(f"features_train has {train.shape[1]} values per example but features_test has {test.shape[1]}")
    scaler = StandardScaler().fit(train)
    classifier = LogisticRegression(C=C, max_iter=MAX_ITER, random_state=seed)
    classifier.fit(scaler.transform(train), np.asarray(y_train))
    return float(np.mean(classifier.predict(scaler.transform(test)) == np.asarray(y_test)))


def pca_features(features_train, features_test, n_components=N_COMPONENTS, seed=0):
    """Both sets projected on the ``n_components`` leading principal components of the training set."""
    from sklearn.decomposition import PCA

    train = np.asarray(features_train, dtype=np.float64).reshape(len(features_train), -1)
    test = np.asarray(features_test, dtype=np.float64).reshape(len(features_test), -1)
    pca = PCA(n_components, svd_solver="randomized", random_state=seed).fit(train)
    return pca.transform(train), pca.transform(test)


def _validation_quarter(n, seed):
    """Indices of a random quarter of ``n`` training examples, for validation, and of the other three quarters."""
    order = np.random.default_rng(seed).permutation(n)
    return order[:n // 4], order[n // 4:]


def tuned_probe(probe, features_train, y_train, features_test, y_test, grid=C_GRID, seed=0):
    """Pick ``C`` on a validation quarter of the training set, then score on the test set: ``(accuracy, C)``.

    ``probe`` is a function like ``linear_probe``. The test set is used once.
    """
    val, fit = _validation_quarter(len(features_train), seed)
    scores = [probe(features_train[fit], y_train[fit], features_train[val], y_train[val], C=c, seed=seed) for c in grid]
    best = grid[int(np.argmax(scores))]
    return probe(features_train, y_train, features_test, y_test, C=best, seed=seed), best


def tuned_dimension_probe(probe, features_train, y_train, features_test, y_test, dimensions=DIMENSION_GRID,
                          grid=C_GRID, seed=0):
    """Pick the PCA dimension and ``C`` together on a validation quarter of the training set (PCA fitted on the
    other three quarters), then refit the PCA on the whole training set and score the test set once:
    ``(accuracy, (dimension, C))``."""
    val, fit = _validation_quarter(len(features_train), seed)
    scores = {}
    for k in dimensions:
        fit_features, val_features = pca_features(features_train[fit], features_train[val], k, seed)
        for c in grid:
            scores[k, c] = probe(fit_features, y_train[fit], val_features, y_train[val], C=c, seed=seed)
    best_k, best_c = max(scores, key=scores.get)  # the first of equals, in the grids' order
    train, test = pca_features(features_train, features_test, best_k, seed)
    return probe(train, y_train, test, y_test, C=best_c, seed=seed), (best_k, best_c)


def random_encoder(encoder, seed=0):
    """The same architecture as ``encoder`` with fresh, untrained weights drawn with ``seed``."""
    import keras

    keras.utils.set_random_seed(seed)
    return keras.models.clone_model(encoder)


def representations(encoder, x_train, x_test, seed=0):
    """``{name: (train features, test features)}``: pixels, the trained code, the code of a random encoder."""
    untrained = random_encoder(encoder, seed)
    return {
        "pixels": (x_train, x_test),
        "trained code": (encoder.predict(x_train, batch_size=256, verbose=0), encoder.predict(x_test, batch_size=256, verbose=0)),
        "random code": (untrained.predict(x_train, batch_size=256, verbose=0), untrained.predict(x_test, batch_size=256, verbose=0)),
    }


def compare(encoder, x_train, y_train, x_test, y_test, n_components=N_COMPONENTS, seed=0):
    """Tuned probe accuracy of each representation, each reduced to ``n_components``: ``{name: (accuracy, C)}``.

    With ``n_components="tuned"`` each representation gets its own dimension from ``DIMENSION_GRID``, chosen with
    ``C``: ``{name: (accuracy, (dimension, C))}``.
    """
    results = {}
    for name, (train, test) in representations(encoder, x_train, x_test, seed).items():
        if n_components == "tuned":
            results[name] = tuned_dimension_probe(linear_probe, np.asarray(train).reshape(len(train), -1), y_train,
                                                  np.asarray(test).reshape(len(test), -1), y_test, seed=seed)
            continue
        train, test = pca_features(train, test, n_components, seed)
        results[name] = tuned_probe(linear_probe, train, y_train, test, y_test, seed=seed)
    return results


def record_probe(path):
    """Compare the representations for each of ``RECORD_SIZES`` and ``RECORD_SEEDS`` (clean images, ``N_COMPONENTS``
    dimensions), then for each of ``RECORD_VARIANTS`` with the largest size; write JSON to ``path``.

    Each run draws its training images from the first 20,000 training images
    and its ``N_TEST`` test images from the test set, with the run's seed.
    ``python -m dae_reference record probe`` does this (about 25 minutes on a 2-core CPU).
    """
    from dae_reference.config import EVAL_NOISE_SEED
    from dae_reference.data import load_fashion_mnist
    from dae_reference.model import load_pretrained
    from dae_reference.noise import add_gaussian_noise

    (x_train, y_train), (x_test, y_test) = load_fashion_mnist()
    encoder = load_pretrained().get_layer("encoder")
    plan = [(n, seed, {"images": "clean", "n_components": N_COMPONENTS}) for n in RECORD_SIZES for seed in RECORD_SEEDS]
    plan += [(RECORD_SIZES[-1], seed, variant) for variant in RECORD_VARIANTS for seed in RECORD_SEEDS]
    runs = []
    for n_train, seed, variant in plan:
        rng = np.random.default_rng(seed)
        train = rng.choice(20_000, n_train, replace=False)
        test = rng.choice(len(x_test), N_TEST, replace=False)
        images_train, images_test = x_train[train], x_test[test]
        if variant["images"] == "noisy":
            images_train = add_gaussian_noise(images_train, 0.5, seed=seed)
            images_test = add_gaussian_noise(images_test, 0.5, seed=EVAL_NOISE_SEED + seed)
        results = compare(encoder, images_train, y_train[train], images_test, y_test[test],
                          n_components=variant["n_components"], seed=seed)
        run = {"n_train": n_train, "seed": seed, **variant, "accuracy": {name: acc for name, (acc, _) in results.items()}}
        if variant["n_components"] == "tuned":
            run["dimension"] = {name: k for name, (_, (k, _)) in results.items()}
            run["C"] = {name: c for name, (_, (_, c)) in results.items()}
        else:
            run["C"] = {name: c for name, (_, c) in results.items()}
        runs.append(run)
        print(n_train, seed, variant, runs[-1]["accuracy"], runs[-1]["C"], flush=True)
    summary = {"n_test": N_TEST, "C_grid": list(C_GRID), "dimension_grid": list(DIMENSION_GRID), "runs": runs}
    Path(path).write_text(json.dumps(summary, indent=2) + "\n")
    return summary
