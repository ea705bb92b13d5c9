import json

import keras
import numpy as np
import pytest

from dae_reference.config import PROFILES, get_profile
from dae_reference.data import hold_out
from dae_reference.train import make_datasets, regime_gap, save_run, train

SMOKE = PROFILES["smoke"]


def small_data(n_train=256, n_val=128, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((n_train + n_val, 28, 28, 1)).astype(np.float32)
    labels = np.zeros(n_train + n_val, dtype=np.uint8)
    return (x[:n_train], labels[:n_train]), (x[n_train:], labels[n_train:])


def first_batch(ds):
    return next(iter(ds.as_numpy_iterator()))


def test_fresh_noise_changes_every_epoch_and_fixed_noise_does_not():
    (x, _), (x_val, _) = small_data()
    for regime, should_change in [("fresh", True), ("fixed", False)]:
        train_ds, _ = make_datasets(x, x_val, batch_size=x.shape[0], seed=1, noise=regime)
        (noisy1, clean1), (noisy2, clean2) = first_batch(train_ds), first_batch(train_ds)
        order1, order2 = np.argsort(clean1[:, 0, 0, 0]), np.argsort(clean2[:, 0, 0, 0])  # undo the reshuffle
        assert np.array_equal(noisy1[order1], noisy2[order2]) is not should_change, regime
        assert noisy1.min() >= 0 and noisy1.max() <= 1


def two_epochs(seed, sigma=0.05):
    """Two passes over a fresh build of the training pipeline, seeded as ``train`` seeds it."""
    (x, _), (x_val, _) = small_data()
    keras.utils.set_random_seed(seed)
    train_ds, _ = make_datasets(np.clip(x, 0.3, 0.7), x_val, batch_size=32, sigma=sigma, seed=seed)
    return [list(train_ds.as_numpy_iterator()) for _ in range(2)]


def test_fresh_noise_is_reproducible_and_new_at_every_position_each_epoch():
    first, again = two_epochs(seed=5), two_epochs(seed=5)
    for epoch, epoch_again in zip(first, again):
        for (noisy, clean), (noisy_again, clean_again) in zip(epoch, epoch_again):
            np.testing.assert_array_equal(clean, clean_again)
            np.testing.assert_array_equal(noisy, noisy_again)
    for (noisy1, clean1), (noisy2, clean2) in zip(*first):
        assert not np.allclose(noisy1 - clean1, noisy2 - clean2, atol=1e-6)
    other = two_epochs(seed=6)
    assert not np.allclose(first[0][0][0], other[0][0][0])


def test_validation_noise_is_the_same_whatever_the_training_seed():
    (x, _), (x_val, _) = small_data()
    _, val_a = make_datasets(x, x_val, seed=1)
    _, val_b = make_datasets(x, x_val, seed=2)
    np.testing.assert_array_equal(first_batch(val_a)[0], first_batch(val_b)[0])


def test_unknown_noise_regime_is_rejected():
    (x, _), (x_val, _) = small_data()
    with pytest.raises(ValueError, match="noise='sometimes'"):
        make_datasets(x, x_val, noise="sometimes")


def test_smoke_training_lowers_the_loss_and_is_deterministic(fashion_mnist):
    _, history, info = train(SMOKE, data=fashion_mnist, verbose=0)
    assert history["loss"][-1] < history["loss"][0]
    assert history["val_loss"][-1] < history["val_loss"][0]
    assert info["profile"] == "smoke" and info["epochs"] == SMOKE.epochs
    assert info["validated_on"] == "held-out images"  # Figure 2's legend reads it (dae_reference.cli.validated_on)
    _, again, _ = train(SMOKE, data=fashion_mnist, verbose=0)
    assert again == history


def test_saved_run_reloads_and_predicts_the_same(tmp_path):
    data = small_data(n_train=SMOKE.n_train + SMOKE.n_val)
    model, history, info = train(SMOKE, epochs=1, data=data, precision="float32", verbose=0)
    save_run(model, history, info, tmp_path)
    assert len(info["epoch_seconds"]) == 1 and info["epoch_seconds"][0] > 0
    reloaded = keras.models.load_model(tmp_path / "model.keras")
    x = small_data()[1][0][:4]
    np.testing.assert_allclose(reloaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)
    assert json.loads((tmp_path / "history.json").read_text()) == history
    assert json.loads((tmp_path / "metrics.json").read_text())["final_val_mse"] == history["val_loss"][-1]


def test_validation_images_are_held_out_from_the_training_images():
    x = np.arange(10)
    fit, val = hold_out(x, n_val=3, n_train=5)
    assert list(fit) == [0, 1, 2, 3, 4] and list(val) == [7, 8, 9]
    assert len(hold_out(x, n_val=3)[0]) == 7  # n_train None: every image not held out
    for n_val, n_train in [(3, 8), (0, 5), (10, None)]:
        with pytest.raises(ValueError, match="cannot take"):
            hold_out(x, n_val, n_train)


def test_a_profile_larger_than_the_data_is_a_clear_error():
    with pytest.raises(ValueError, match="cannot take 2,048 training and 256 validation images from 256"):
        train(SMOKE, data=small_data(), verbose=0)


def test_regime_gap_pairs_runs_by_seed():
    mean, error = regime_gap([0.022, 0.020], [0.020, 0.020])
    assert mean == pytest.approx(0.05) and error == pytest.approx(0.05)  # gaps 0.10 and 0: sd 0.0707, / sqrt(2)
    with pytest.raises(ValueError):
        regime_gap([0.02], [0.02])


def test_bad_epochs_are_rejected():
    with pytest.raises(ValueError, match="epochs=0"):
        train(SMOKE, epochs=0, data=small_data())


def test_profile_rule(monkeypatch):
    monkeypatch.delenv("DAE_PROFILE", raising=False)
    assert get_profile(gpu_available=True)[0].name == "full"
    assert get_profile(gpu_available=False)[0].name == "quick"
    monkeypatch.setenv("DAE_PROFILE", "smoke")
    assert get_profile(gpu_available=True)[0].name == "smoke"
    assert get_profile("quick")[0].name == "quick"
    with pytest.raises(ValueError, match="profile='huge'"):
        get_profile("huge")
