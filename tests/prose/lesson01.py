"""The numbers lesson 1's prose quotes (see tests/prose/__init__.py)."""

from dae_reference import model
from tests.prose import Claim

CLAIMS = [
    # The course's code: 784 pixels over a 7x7x64 code, and over a code of 32.
    Claim("0.25", lambda recorded: f"{model.compression_ratio((28, 28, 1), (7, 7, 64)):.2f}"),
    Claim("24.5", lambda recorded: f"{model.compression_ratio((28, 28, 1), (32,)):.1f}"),
    # PCA against the dense autoencoder: results/full/pca_vs_dense.json, written by python -m dae_reference record pca-vs-dense.
    Claim("about 0.015 against 0.02", lambda recorded: f"about {recorded.pca_vs_dense['lesson']['pca_mse']:.3f} against "
                                                       f"{recorded.pca_vs_dense['lesson']['dense_mse']:.2f}"),
    Claim("0.0127 against 0.0151", lambda recorded: f"{recorded.pca_vs_dense['all_data']['dense_mse']:.4f} against "
                                                    f"{recorded.pca_vs_dense['all_data']['pca_mse']:.4f}"),
    # The model answer: the noisy input's test MSE and the trained network's (results/full/evaluation.json, metrics.json).
    Claim("≈ 0.12", lambda recorded: f"≈ {recorded.evaluation['methods']['noisy input (no denoising)']['mse']:.2f}"),
    Claim("≈ 0.014", lambda recorded: f"≈ {recorded.metrics['final_val_mse']:.3f}"),
]

SETTINGS = [
    '0.5',  # the noise level sigma of the model answer
]


# Lesson 1's experiment, copier against denoiser: results/quick/identity_drift.json, written by python -m dae_reference record identity-drift
# (three seeds under the quick profile; the lesson quotes means over the seeds).
def _drift():
    import json

    import numpy as np

    from autograder.course import ROOT

    runs = json.loads((ROOT / "results" / "quick" / "identity_drift.json").read_text())["quick"]
    return {key: np.array([run[model][curve] for run in runs]) for key, (model, curve) in
            {"copier_clean": ("copier", "clean"), "copier_noisy": ("copier", "noisy"),
             "denoiser_noisy": ("denoiser", "noisy")}.items()}


def _rise(drift):
    rise = 100 * (drift["copier_noisy"][:, -1] / drift["copier_noisy"].min(axis=1) - 1)
    return f"{rise.min():.0f}% to {rise.max():.0f}% above"


def _lowest_epochs(drift):
    epochs = sorted({int(e) + 1 for e in drift["copier_noisy"].argmin(axis=1)})
    return " or ".join(map(str, epochs))


CLAIMS += [
    Claim("from about 0.029 after the first epoch to 0.0055", lambda recorded: (
        lambda d: f"from about {d['copier_clean'][:, 0].mean():.3f} after the first epoch to {d['copier_clean'][:, -1].mean():.4f}")(_drift())),
    Claim("lowest, about 0.029, after epoch 7 or 8 in every seed", lambda recorded: (
        lambda d: f"lowest, about {d['copier_noisy'].min(axis=1).mean():.3f}, after epoch {_lowest_epochs(d)} in every seed")(_drift())),
    Claim("9% to 13% above", lambda recorded: _rise(_drift())),
    Claim("to about 0.021 at the end, so the copier ends 1.6 times higher", lambda recorded: (
        lambda d: f"to about {d['denoiser_noisy'][:, -1].mean():.3f} at the end, so the copier ends "
                  f"{d['copier_noisy'][:, -1].mean() / d['denoiser_noisy'][:, -1].mean():.1f} times higher")(_drift())),
]
