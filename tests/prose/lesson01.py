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
