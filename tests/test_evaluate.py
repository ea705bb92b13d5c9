import numpy as np
import pytest

from dae_reference import evaluate
from dae_reference.noise import add_gaussian_noise, clipped_noise_mean


def test_psnr_and_mse_of_a_known_error():
    clean = np.zeros((2, 28, 28, 1))
    estimate = clean + np.array([0.1, 0.01]).reshape(2, 1, 1, 1)
    np.testing.assert_allclose(evaluate.reconstruction_errors(clean, estimate), [0.01, 0.0001])
    np.testing.assert_allclose(evaluate.per_image_psnr(clean, estimate), [20.0, 40.0])


def test_ssim_is_one_for_identical_images_and_lower_for_noisy_ones():
    clean = np.random.default_rng(0).random((3, 28, 28, 1))
    np.testing.assert_allclose(evaluate.per_image_ssim(clean, clean), 1.0)
    assert np.all(evaluate.per_image_ssim(clean, add_gaussian_noise(clean, 0.3, seed=0)) < 0.9)


def test_mismatched_shapes_are_rejected():
    with pytest.raises(ValueError, match=r"clean has shape \(2, 28, 28\) but estimate has shape \(3, 28, 28\)"):
        evaluate.reconstruction_errors(np.zeros((2, 28, 28)), np.zeros((3, 28, 28)))


def test_per_class_mse_averages_within_each_class():
    errors = np.array([1.0, 3.0, 10.0, 2.0])
    labels = np.array([0, 0, 2, 2])
    result = evaluate.per_class_mse(errors, labels, n_classes=4)
    np.testing.assert_allclose(result[[0, 2]], [2.0, 6.0])
    assert np.isnan(result[1]) and np.isnan(result[3])


def test_classical_baselines_beat_the_noisy_input_and_the_correction_helps(fashion_mnist):
    (x_train, _), (x_test, y_test) = fashion_mnist
    x_tune, x_clean, labels = x_train[:100], x_test[:200], y_test[:200]
    baselines, settings = evaluate.classical_baselines(add_gaussian_noise(x_tune, 0.5, seed=1), x_tune, sigma=0.5)
    x_noisy = add_gaussian_noise(x_clean, 0.5, seed=2)
    report, outputs = evaluate.compare_denoisers({"noisy": lambda x: x, **baselines}, x_noisy, x_clean, labels, settings)
    noisy = report.pop("noisy")
    assert len(report) == 6 and set(settings) == set(report)
    for name, scores in report.items():
        assert scores["mse"] < 0.6 * noisy["mse"], name
        assert scores["psnr"] > noisy["psnr"] and scores["ssim"] > noisy["ssim"], name
        assert outputs[name].shape == x_clean.shape and scores["setting"] == settings[name]
    for smoother in ("gaussian blur", "total variation"):
        raw = report[smoother]["mse"]
        assert report[f"{smoother}, corrected by the inverse clipped mean"]["mse"] < 0.8 * raw, smoother
        assert report[f"{smoother}, corrected by a lookup fitted on training pairs"]["mse"] < 0.8 * raw, smoother


def test_fair_baselines_are_fitted_on_training_images_and_the_linear_filter_beats_pca(fashion_mnist):
    (x_train, _), (x_test, _) = fashion_mnist
    baselines, settings = evaluate.fair_baselines(x_train[:3000], sigma=0.5, seed=0, n_tune=200)
    assert settings["linear MMSE filter"] == "fitted on 2,800 training pairs"
    x_clean = x_test[:300]
    x_noisy = add_gaussian_noise(x_clean, 0.5, seed=5)
    error = {name: evaluate.mse(x_clean, baselines[name](x_noisy)) for name in ("PCA projection", "linear MMSE filter")}
    assert error["linear MMSE filter"] < error["PCA projection"] < evaluate.mse(x_clean, x_noisy)


def test_unclip_inverts_the_clipped_mean_and_clamps_outside_its_range():
    x = np.linspace(0, 1, 1001)
    np.testing.assert_allclose(evaluate.unclip(clipped_noise_mean(x, 0.5), 0.5), x, atol=1e-6)
    np.testing.assert_array_equal(evaluate.unclip(np.array([0.0, 0.1, 0.9, 1.0]), 0.5), [0, 0, 1, 1])
    with pytest.raises(ValueError, match="sigma=0"):
        evaluate.unclip(x, 0)
    with pytest.raises(ValueError, match=r"sigma=-0.1 is invalid"):
        evaluate.unclip(x, -0.1)


def test_fit_lookup_learns_a_monotone_map_back_to_the_clean_values():
    clean = np.random.default_rng(0).random((50, 28, 28, 1))
    table = evaluate.fit_lookup(0.5 * clean + 0.25, clean)
    np.testing.assert_allclose(table(0.5 * clean + 0.25), clean, atol=0.02)


def test_linear_mmse_is_the_wiener_shrinkage_on_independent_pixels():
    rng = np.random.default_rng(0)
    clean = 0.5 + 0.1 * rng.standard_normal((20_000, 4))
    noisy = clean + 0.05 * rng.standard_normal(clean.shape)
    moments = evaluate.pair_moments(noisy, clean)
    probe = np.array([[0.5, 0.6, 0.4, 0.5]])
    # per pixel: variance 0.01 of signal, 0.0025 of noise: the estimate keeps 0.01 / 0.0125 = 0.8 of the deviation
    np.testing.assert_allclose(evaluate.linear_mmse(moments)(probe), 0.5 + 0.8 * (probe - 0.5), atol=0.01)
    np.testing.assert_allclose(evaluate.pca_projection(moments, 4)(probe), probe, atol=0.01)
    with pytest.raises(ValueError, match="k=5 is invalid"):
        evaluate.pca_projection(moments, 5)


def test_tuning_picks_the_value_with_the_lowest_error():
    clean = np.full((4, 28, 28, 1), 0.5)
    shift = lambda x, amount: x + amount  # noqa: E731
    assert evaluate.tune(shift, (-0.2, 0.1, 0.3), clean - 0.1, clean) == 0.1
