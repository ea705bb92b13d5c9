import numpy as np
import pytest

from dae_reference.noise import add_gaussian_noise, add_masking_noise, add_salt_and_pepper_noise, clipped_noise_mean, corrupt

GREY = np.full((64, 28, 28, 1), 0.5, dtype=np.float32)
BLACK = np.zeros((64, 28, 28, 1), dtype=np.float32)


def test_gaussian_noise_has_the_requested_standard_deviation():
    noise = add_gaussian_noise(GREY, sigma=0.3, seed=0, clip=False) - GREY
    assert abs(noise.mean()) < 0.005
    assert noise.std() == pytest.approx(0.3, rel=0.02)


def test_clipping_keeps_unit_range_and_biases_noise_on_black():
    noisy = add_gaussian_noise(BLACK, sigma=0.5, seed=0)
    assert noisy.min() >= 0.0 and noisy.max() <= 1.0
    # E[clip(0.5 Z, 0, 1)] = 0.5 * (phi(0) - phi(2)) + (1 - Phi(2)) = 0.1952: not zero
    assert noisy.mean() == pytest.approx(0.1952, abs=0.003)


@pytest.mark.parametrize("corruption", [
    lambda x, seed: add_gaussian_noise(x, 0.5, seed=seed),
    lambda x, seed: add_masking_noise(x, 0.3, seed=seed),
    lambda x, seed: add_salt_and_pepper_noise(x, 0.3, seed=seed),
])
def test_noise_is_seeded_keeps_dtype_and_leaves_input_alone(corruption):
    x = np.random.default_rng(1).random((8, 28, 28, 1)).astype(np.float32)
    before = x.copy()
    first, again, other = corruption(x, 7), corruption(x, 7), corruption(x, 8)
    np.testing.assert_array_equal(x, before)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    assert first.dtype == np.float32 and first.shape == x.shape


def test_masking_noise_zeroes_the_requested_fraction():
    noisy = add_masking_noise(GREY, fraction=0.25, seed=0)
    assert set(np.unique(noisy)) == {0.0, 0.5}
    assert (noisy == 0).mean() == pytest.approx(0.25, abs=0.005)


def test_salt_and_pepper_corrupts_the_fraction_half_each_way():
    noisy = add_salt_and_pepper_noise(GREY, fraction=0.2, seed=0)
    assert (noisy == 0).mean() == pytest.approx(0.1, abs=0.004)
    assert (noisy == 1).mean() == pytest.approx(0.1, abs=0.004)
    assert (noisy == 0.5).mean() == pytest.approx(0.8, abs=0.005)


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan")])
def test_fraction_outside_unit_interval_is_rejected(bad):
    with pytest.raises(ValueError, match="fraction="):
        add_masking_noise(GREY, bad)


def test_negative_sigma_and_unknown_noise_are_rejected():
    with pytest.raises(ValueError, match="sigma=-1"):
        add_gaussian_noise(GREY, sigma=-1)
    with pytest.raises(ValueError, match="noise_type='speckle'"):
        corrupt(GREY, "speckle")


def test_tensor_inputs_get_tensor_noise_with_the_same_statistics():
    tf = pytest.importorskip("tensorflow")
    x = tf.constant(GREY)
    gaussian = add_gaussian_noise(x, 0.3, seed=3, clip=False) - x
    assert tf.is_tensor(gaussian)
    assert float(tf.math.reduce_std(gaussian)) == pytest.approx(0.3, rel=0.02)
    masked = add_masking_noise(x, 0.25, seed=3)
    assert float(tf.reduce_mean(tf.cast(masked == 0, tf.float32))) == pytest.approx(0.25, abs=0.005)
    salted = add_salt_and_pepper_noise(x, 0.2, seed=3)
    assert float(tf.reduce_mean(tf.cast(salted == 1, tf.float32))) == pytest.approx(0.1, abs=0.004)
    np.testing.assert_array_equal(add_masking_noise(x, 0.25, seed=3), masked)  # stateless: same seed, same noise


def test_noise_works_inside_a_tf_data_pipeline():
    tf = pytest.importorskip("tensorflow")
    ds = tf.data.Dataset.from_tensor_slices(BLACK).batch(16)
    ds = ds.map(lambda x: add_gaussian_noise(x, 0.5, seed=(1, 2)))
    batches = list(ds.as_numpy_iterator())
    assert len(batches) == 4 and batches[0].shape == (16, 28, 28, 1)
    assert 0.0 <= min(b.min() for b in batches) and max(b.max() for b in batches) <= 1.0


def _clipped_mean_by_quadrature(x, sigma):
    """E[clip(x + sigma Z, 0, 1)] integrated numerically, the clipped tails as their probabilities."""
    from scipy import integrate, stats

    inside, _ = integrate.quad(lambda t: t * stats.norm.pdf(t, x, sigma), 0, 1, epsabs=1e-13)
    return inside + stats.norm.sf(1, x, sigma)


@pytest.mark.parametrize("sigma", [0.05, 0.2, 0.5, 1.0, 3.0])
def test_clipped_noise_mean_matches_quadrature_and_sampling(sigma):
    x = np.array([-0.4, 0.0, 0.1, 0.5, 0.85, 1.0, 1.3])
    exact = clipped_noise_mean(x, sigma)
    assert np.all((exact >= 0) & (exact <= 1))
    np.testing.assert_allclose(exact, [_clipped_mean_by_quadrature(v, sigma) for v in x], atol=1e-10)
    draws = np.clip(x + sigma * np.random.default_rng(0).standard_normal((200_000, len(x))), 0, 1)
    standard_error = draws.std(axis=0) / np.sqrt(len(draws))
    assert np.all(np.abs(draws.mean(axis=0) - exact) <= 5 * standard_error + 1e-9)  # sampling misses tails below 1e-9


def test_clipped_noise_mean_on_black_is_the_tutorials_bias():
    assert clipped_noise_mean(0.0, 0.5) == pytest.approx(0.1952, abs=5e-5)  # the same 0.1952 as sampled above
    x = np.linspace(0, 1, 21)
    np.testing.assert_allclose(clipped_noise_mean(1 - x, 0.3), 1 - clipped_noise_mean(x, 0.3), atol=1e-15)


def test_clipped_noise_mean_at_the_edges():
    x = np.array([-0.5, 0.0, 0.3, 1.0, 1.5])
    with np.errstate(divide="raise", over="raise", invalid="raise"):  # no 0 / 0, no overflow, no NaN
        np.testing.assert_array_equal(clipped_noise_mean(x, 0.0), np.clip(x, 0, 1))
        np.testing.assert_allclose(clipped_noise_mean(x, 1e-300), np.clip(x, 0, 1), atol=1e-299)
        np.testing.assert_allclose(clipped_noise_mean(x, 1e4), 0.5, atol=1e-4)
    small = clipped_noise_mean(np.float32([0.25, 0.75]).reshape(2, 1), 0.1)
    assert small.dtype == np.float64 and small.shape == (2, 1)
    with pytest.raises(ValueError, match="sigma=-0.1"):
        clipped_noise_mean(x, -0.1)
