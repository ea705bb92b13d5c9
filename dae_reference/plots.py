"""The course's figures, each written to a PNG file and returned as a Figure.

Images are float arrays ``(n, 28, 28, 1)`` or ``(n, 28, 28)`` in [0, 1].
"""

import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator
import numpy as np

from dae_reference.data import CLASS_NAMES


def image_rows(rows, row_titles, column_titles=None, path=None):
    """A grid with one row per array of images and the same columns in every row."""
    n_cols = len(rows[0])
    fig, axes = plt.subplots(len(rows), n_cols, figsize=(1.3 * n_cols, 1.45 * len(rows)), squeeze=False)
    for r, (images, title) in enumerate(zip(rows, row_titles)):
        for c in range(n_cols):
            ax = axes[r, c]
            ax.imshow(np.squeeze(images[c]), cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if c == 0:
                ax.set_ylabel(title, fontsize=9)
            if r == 0 and column_titles is not None:
                ax.set_title(column_titles[c], fontsize=8)
    fig.tight_layout()
    return _save(fig, path)


def one_per_class(labels, n_classes=len(CLASS_NAMES)):
    """Index of the first image of each class present in ``labels``."""
    return [int(np.flatnonzero(labels == k)[0]) for k in range(n_classes) if np.any(labels == k)]


def clean_vs_noisy(x_clean, x_noisy, labels, path=None):
    """Figure 1: one garment of each class, clean above, corrupted below."""
    idx = one_per_class(labels)
    return image_rows([x_clean[idx], x_noisy[idx]], ["clean", "noisy"], [CLASS_NAMES[labels[i]] for i in idx], path)


def loss_curves(history, path=None, validation="held-out images"):
    """Figure 2: training and validation MSE per epoch; ``validation`` says which images were validated on."""
    fig, ax = plt.subplots(figsize=(6, 4))
    epochs = np.arange(1, len(history["loss"]) + 1)
    ax.plot(epochs, history["loss"], "o-", label="training (noisy -> clean)")
    if "val_loss" in history:
        ax.plot(epochs, history["val_loss"], "s-", label=f"validation ({validation}, fixed noise)")
    ax.set_xlabel("epoch")
    ax.set_ylabel("MSE")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return _save(fig, path)


def denoising_examples(x_noisy, x_denoised, x_clean, labels, path=None):
    """Figure 3: noisy input, the autoencoder's output and the clean image, one per class."""
    idx = one_per_class(labels)
    rows = [x_noisy[idx], x_denoised[idx], x_clean[idx]]
    return image_rows(rows, ["noisy", "denoised", "clean"], [CLASS_NAMES[labels[i]] for i in idx], path)


def error_histogram(errors_by_method, path=None):
    """Histogram of per-image MSE, one curve per denoiser, on a log axis."""
    fig, ax = plt.subplots(figsize=(7, 4))
    everything = np.concatenate(list(errors_by_method.values()))
    bins = np.geomspace(max(everything.min(), 1e-5), everything.max(), 60)
    for name, errors in errors_by_method.items():
        ax.hist(errors, bins=bins, histtype="step", linewidth=1.5, label=f"{name} (median {np.median(errors):.4f})")
    ax.set_xscale("log")
    ax.set_xlabel("per-image MSE")
    ax.set_ylabel("images")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return _save(fig, path)


def worst_cases(x_noisy, x_denoised, x_clean, labels, errors, k=8, path=None):
    """The ``k`` images the autoencoder reconstructs worst, with their class and MSE."""
    idx = np.argsort(errors)[::-1][:k]
    titles = [f"{CLASS_NAMES[labels[i]]}\nMSE {errors[i]:.3f}" for i in idx]
    return image_rows([x_noisy[idx], x_denoised[idx], x_clean[idx]], ["noisy", "denoised", "clean"], titles, path)


def _save(fig, path):
    if path is not None:
        fig.savefig(path, dpi=110)
    return fig
