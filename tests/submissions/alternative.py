"""Correct answers in other reasonable styles than the solutions': each must get full marks."""

import math
import time

import keras
import numpy as np
import tensorflow as tf
from keras import layers
from scipy.spatial.distance import cdist
from skimage.metrics import structural_similarity


def mse(x, x_hat):
    return np.square(np.subtract(x, x_hat, dtype=np.float64)).sum() / np.size(x)


def compression_ratio(input_shape, code_shape):
    return math.prod(input_shape) / math.prod(code_shape)


def pca_reconstruct(x, k):  # eigen-decomposition of the covariance instead of an SVD
    flat = np.reshape(x, (len(x), -1)).astype(np.float64)
    mean = flat.mean(axis=0)
    centred = flat - mean
    values, vectors = np.linalg.eigh(centred.T @ centred)
    top = vectors[:, np.argsort(values)[::-1][:k]]
    return (centred @ top @ top.T + mean).reshape(np.shape(x))


def build_dense_autoencoder(code_dim):  # functional API
    inputs = keras.Input((28, 28, 1))
    code = layers.Dense(code_dim, activation="relu")(layers.Flatten()(inputs))
    return keras.Model(inputs, layers.Reshape((28, 28, 1))(layers.Dense(784, activation="sigmoid")(code)))


def error_curves(model, x_input, x_target, x_clean, x_noisy, epochs, batch_size=128):  # one fit, a callback per epoch
    curves = {"clean": [], "noisy": []}

    class Measure(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            for key, x in (("clean", x_clean), ("noisy", x_noisy)):
                curves[key].append(float(np.mean(np.square(np.asarray(model(x), dtype=np.float64) - x_clean))))

    model.fit(x_input, x_target, epochs=epochs, batch_size=batch_size, verbose=0, callbacks=[Measure()])
    return curves


def add_gaussian_noise(x, sigma=0.5, seed=None, clip=True):  # the legacy global generator
    if seed is not None:
        np.random.seed(seed)
    noisy = x + np.random.normal(0.0, sigma, size=np.shape(x))
    if clip:
        noisy = np.clip(noisy, 0, 1)
    return noisy


def add_masking_noise(x, fraction, seed=None):
    keep = np.random.default_rng(seed).binomial(1, 1 - fraction, size=np.shape(x))
    return x * keep


def add_salt_and_pepper_noise(x, fraction, seed=None):
    choice = np.random.default_rng(seed).choice(3, size=np.shape(x), p=[fraction / 2, fraction / 2, 1 - fraction])
    out = np.array(x, dtype=np.float64, copy=True)
    out[choice == 0] = 0.0
    out[choice == 1] = 1.0
    return out


def psnr(x, y, data_range=1.0):
    rmse = np.sqrt(np.mean((np.asarray(x, float) - np.asarray(y, float)) ** 2))
    return 20 * np.log10(data_range / rmse)


def _clipped_mean_of_one(x, sigma):
    """One pixel, with the math module, integrating the clipped density piece by piece; 1 - Phi(b) for the top."""
    if sigma == 0:
        return min(max(x, 0.0), 1.0)
    cdf = lambda t: 0.5 * math.erfc(-(t - x) / (sigma * math.sqrt(2)))  # P(x + sigma Z < t)
    pdf = lambda t: math.exp(-0.5 * ((t - x) / sigma) ** 2) / (sigma * math.sqrt(2 * math.pi))
    between = x * (cdf(1) - cdf(0)) + sigma**2 * (pdf(0) - pdf(1))  # the integral of t over [0, 1]
    return between + 1 - cdf(1)


def clipped_noise_mean(x, sigma):
    return np.vectorize(_clipped_mean_of_one, otypes=[float])(np.asarray(x, dtype=np.float64), sigma)


def conv2d_params(kernel_size, in_channels, filters):
    return (kernel_size * kernel_size * in_channels + 1) * filters


def build_encoder(input_shape=(28, 28, 1)):  # Sequential
    return keras.Sequential([
        keras.Input(input_shape),
        layers.Conv2D(32, (3, 3), activation="relu", padding="same"),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (3, 3), activation="relu", padding="same"),
        layers.MaxPooling2D((2, 2)),
    ])


def build_decoder(code_shape=(7, 7, 64)):
    return keras.Sequential([
        keras.Input(code_shape),
        layers.Conv2D(64, 3, padding="same", activation=tf.nn.relu),
        layers.UpSampling2D(),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.UpSampling2D(),
        layers.Conv2D(1, 3, padding="same", activation="sigmoid"),
    ])


def build_autoencoder():
    return keras.Sequential([keras.Input((28, 28, 1)), build_encoder(), build_decoder()])


def make_datasets(x_train, x_val, batch_size=128, sigma=0.5, seed=42):
    """Stateless noise, one seed pair per image from Dataset.random, redrawn each epoch; noise before batching."""
    def corrupt(clean, pair):
        noise = tf.random.stateless_normal(tf.shape(clean), seed=pair, stddev=sigma)
        return tf.clip_by_value(clean + noise, 0.0, 1.0), clean

    images = tf.data.Dataset.from_tensor_slices(x_train).shuffle(10_000, seed=seed)
    pairs = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)
    train_ds = tf.data.Dataset.zip(images, pairs).map(corrupt).batch(batch_size).prefetch(2)
    noise = tf.random.stateless_normal(tf.shape(x_val), seed=(seed, 0), stddev=sigma)
    val_noisy = tf.clip_by_value(x_val + noise, 0.0, 1.0)
    val_ds = tf.data.Dataset.from_tensor_slices((val_noisy, x_val)).batch(batch_size).prefetch(2)
    return train_ds, val_ds


class Stopwatch(keras.callbacks.Callback):
    """Keeps each epoch's wall-clock seconds in a list of its own, which train_autoencoder puts in the History."""

    def __init__(self):
        super().__init__()
        self.laps = []

    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.time()

    def on_epoch_end(self, epoch, logs=None):
        self.laps.append(time.time() - self.started)


def train_autoencoder(model, train_ds, val_ds, epochs, learning_rate=1e-3, verbose=2):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss=keras.losses.MeanSquaredError())
    stopwatch = Stopwatch()
    history = model.fit(train_ds, epochs=epochs, validation_data=val_ds, verbose=verbose, callbacks=[stopwatch])
    history.history["epoch_seconds"] = stopwatch.laps
    return history


def choose_precision():
    for gpu in tf.config.list_physical_devices("GPU"):
        major, _ = tf.config.experimental.get_device_details(gpu)["compute_capability"]
        return "mixed_float16" if major >= 7 else "float32"
    return "float32"


def regime_gap(fixed, fresh):  # a loop and the statistics module
    import statistics

    if len(fixed) != len(fresh) or len(fixed) < 2:
        raise ValueError("need as many fixed runs as fresh runs, two or more")
    gaps = [a / b - 1 for a, b in zip(fixed, fresh)]
    return statistics.fmean(gaps), statistics.stdev(gaps) / len(gaps) ** 0.5


def error_report(x_clean, x_denoised, labels, k=10):  # errors per image in a loop; classes with bincount
    errors = np.array([np.mean((np.asarray(a, float) - b) ** 2) for a, b in zip(x_clean, x_denoised)])
    with np.errstate(invalid="ignore", divide="ignore"):
        per_class = np.bincount(labels, weights=errors, minlength=10) / np.bincount(labels, minlength=10)
    return {"errors": errors, "per_class": per_class, "worst": sorted(range(len(errors)), key=lambda i: -errors[i])[:k]}


def evaluate_denoiser(denoise_fn, x_noisy, x_clean):  # a loop over images; SSIM with a channel axis
    x_hat = denoise_fn(x_noisy)
    errors = [float(np.mean((a - b) ** 2)) for a, b in zip(x_clean, x_hat)]
    images = x_clean if np.ndim(x_clean) == 4 else x_clean[..., None]
    estimates = x_hat if np.ndim(x_hat) == 4 else x_hat[..., None]
    ssim = np.mean([structural_similarity(a, b, data_range=1.0, channel_axis=-1) for a, b in zip(images, estimates)])
    return {"mse": np.mean(errors), "psnr": np.mean([10 * math.log10(1 / e) for e in errors]), "ssim": ssim}


def noise_robustness(model, x_clean, sigmas, seed=0):
    results = []
    for sigma in sigmas:
        np.random.seed(seed)
        noisy = np.clip(x_clean + np.random.normal(0, sigma, x_clean.shape), 0, 1).astype("float32")
        results.append(float(np.mean((np.asarray(model(noisy)) - x_clean) ** 2)))
    return results


def add_blind_noise(x, max_sigma=0.8, seed=None):  # levels and noise from two generators, in float64
    level_rng, noise_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    levels = level_rng.random(len(x)) * max_sigma
    noise = noise_rng.normal(size=np.shape(x))
    noisy = np.asarray(x, dtype=np.float64) + np.expand_dims(levels, tuple(range(1, np.ndim(x)))) * noise
    return np.clip(noisy, 0.0, 1.0).astype("float32")


def nearest_neighbor_distance(samples, reference):
    return cdist(np.reshape(samples, (len(samples), -1)), np.reshape(reference, (len(reference), -1))).min(axis=1)


def audit(train_errors, test_errors, test_labels, new_errors, quantile=0.99):
    threshold = np.percentile(test_errors, 100 * quantile)
    means = [np.mean([e for e, label in zip(test_errors, test_labels) if label == k])
             for k in sorted(set(np.asarray(test_labels).tolist()))]
    return {"gap": np.average(test_errors) - np.average(train_errors), "threshold": threshold,
            "flags": np.array([e > threshold for e in new_errors]), "disparity": max(means) / min(means)}


def receptive_field(model, row, col):  # one image at a time, a step of 20 on two random bases, np.allclose
    height, width = model.input_shape[1:3]
    mask = np.zeros((height, width), dtype=bool)
    for seed in range(2):
        base = np.random.default_rng(100 + seed).uniform(0, 1, (1, height, width, 1)).astype("float32")
        reference = model(base).numpy()[0, row, col]
        for i in range(height):
            for j in range(width):
                changed = base.copy()
                changed[0, i, j, 0] += 20.0
                if not np.allclose(model(changed).numpy()[0, row, col], reference, rtol=1e-5, atol=1e-6):
                    mask[i, j] = True
    return mask


def noise2noise_pairs(x, sigma, clip=True, seed=None):
    generator = np.random.RandomState(seed)  # another generator than the lesson's: the checks judge the statistics
    copies = [np.asarray(x) + generator.normal(0.0, sigma, np.shape(x)) for _ in range(2)]
    if clip:
        copies = [np.clip(c, 0, 1) for c in copies]
    return tuple(c.astype(np.float32) for c in copies)


def two_point_posterior_mean(x_noisy, sigma, p_white=0.5):
    from scipy.special import logsumexp

    x = np.asarray(x_noisy, dtype=np.float64)
    # log p(x_noisy, white) - log p(x_noisy): the log of the posterior probability, normalised with logsumexp
    joint = np.stack([np.log1p(-p_white) - x**2 / (2 * sigma**2), np.log(p_white) - (x - 1) ** 2 / (2 * sigma**2)])
    return np.exp(joint[1] - logsumexp(joint, axis=0))


def tweedie_score(denoiser, x_noisy, sigma):
    x_noisy = np.asarray(x_noisy, dtype=np.float64)
    return np.subtract(denoiser(x_noisy), x_noisy) / (sigma * sigma)


def langevin_sample(score, x_start, step_size, steps, seed=None):
    rng = np.random.default_rng(seed)
    x = np.asarray(x_start, dtype=np.float64)
    for _ in range(steps):
        drift = step_size * np.asarray(score(x.astype(np.float32)), dtype=np.float64)
        x = x + drift + math.sqrt(2 * step_size) * rng.standard_normal(x.shape)
    return x.astype(np.float32)  # float64 throughout, float32 at the end


def linear_probe(features_train, y_train, features_test, y_test, C=1.0, seed=0):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    pipeline = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=2000, random_state=seed))
    pipeline.fit(np.reshape(features_train, (len(features_train), -1)), y_train)
    return pipeline.score(np.reshape(features_test, (len(features_test), -1)), y_test)
