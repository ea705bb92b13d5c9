import numpy as np
import pytest

from dae_reference import evaluate
from dae_reference.noise import add_gaussian_noise


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


def test_classical_baselines_beat_the_noisy_input(fashion_mnist):
    (x_train, _), (x_test, y_test) = fashion_mnist
    x_tune, x_clean, labels = x_train[:100], x_test[:200], y_test[:200]
    baselines = evaluate.classical_baselines(add_gaussian_noise(x_tune, 0.5, seed=1), x_tune)
    x_noisy = add_gaussian_noise(x_clean, 0.5, seed=2)
    report, outputs = evaluate.compare_denoisers({"noisy": lambda x: x, **baselines}, x_noisy, x_clean, labels)
    noisy = report.pop("noisy")
    assert len(report) == 2
    for name, scores in report.items():
        assert scores["mse"] < 0.6 * noisy["mse"], name
        assert scores["psnr"] > noisy["psnr"] and scores["ssim"] > noisy["ssim"], name
        assert outputs[name].shape == x_clean.shape


def test_tuning_picks_the_value_with_the_lowest_error():
    clean = np.full((4, 28, 28, 1), 0.5)
    shift = lambda x, amount: x + amount  # noqa: E731
    assert evaluate.tune(shift, (-0.2, 0.1, 0.3), clean - 0.1, clean) == 0.1
