import gzip

import numpy as np
import pytest

from dae_reference import data
from dae_reference.data import DatasetError, load_fashion_mnist
from tests.conftest import write_idx


def test_loads_idx_files_as_float_images_in_unit_range(idx_dir):
    folder, arrays = idx_dir
    (x_train, y_train), (x_test, y_test) = load_fashion_mnist(folder, verify=False, download=False)
    assert x_train.shape == (20, 28, 28, 1) and x_test.shape == (10, 28, 28, 1)
    assert x_train.dtype == np.float32
    np.testing.assert_allclose(x_train[..., 0], arrays["train_images"] / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(y_test, arrays["test_labels"])


def test_data_dir_argument_comes_before_the_environment(idx_dir, tmp_path, monkeypatch):
    folder, _ = idx_dir
    monkeypatch.setenv("DAE_DATA_DIR", str(tmp_path / "elsewhere"))
    assert data.find_data_dir(folder, download=False) == folder


def test_environment_variable_is_searched(idx_dir, no_dataset, monkeypatch):
    folder, _ = idx_dir
    monkeypatch.setenv("DAE_DATA_DIR", str(folder))
    assert data.find_data_dir(download=False) == folder


def test_missing_dataset_names_every_place_and_the_fix(no_dataset, monkeypatch):
    monkeypatch.setenv("DAE_DATA_DIR", str(no_dataset / "from-env"))
    with pytest.raises(DatasetError) as error:
        load_fashion_mnist(no_dataset / "from-arg")
    message = str(error.value)
    for place in ("from-arg", "from-env", "keras", "debian"):
        assert place in message
    assert "apt-get install dataset-fashion-mnist" in message
    assert "\n" not in message


def test_checksum_rejects_files_that_are_not_the_published_data(idx_dir):
    folder, _ = idx_dir
    with pytest.raises(DatasetError, match="does not match the published Fashion-MNIST"):
        load_fashion_mnist(folder, verify=True, download=False)


def test_corrupt_gzip_is_reported(idx_dir):
    folder, _ = idx_dir
    (folder / data.FILES["test_images"]).write_bytes(b"this is not gzip")
    with pytest.raises(DatasetError, match="not a readable gzip file"):
        load_fashion_mnist(folder, verify=False, download=False)


def test_wrong_magic_number_is_reported(idx_dir):
    folder, arrays = idx_dir
    write_idx(folder / data.FILES["train_images"], arrays["train_labels"])  # labels where images belong
    with pytest.raises(DatasetError, match="magic number 2049, expected 2051"):
        load_fashion_mnist(folder, verify=False, download=False)


def test_truncated_payload_is_reported(idx_dir):
    folder, _ = idx_dir
    path = folder / data.FILES["train_images"]
    raw = gzip.decompress(path.read_bytes())
    path.write_bytes(gzip.compress(raw[:-100]))
    with pytest.raises(DatasetError, match="truncated or corrupt"):
        load_fashion_mnist(folder, verify=False, download=False)


def test_images_and_labels_must_agree_in_number(idx_dir):
    folder, arrays = idx_dir
    write_idx(folder / data.FILES["test_labels"], arrays["test_labels"][:7])
    with pytest.raises(DatasetError, match="10 images but 7 labels"):
        load_fashion_mnist(folder, verify=False, download=False)


def test_real_dataset_verifies(fashion_mnist):
    (x_train, y_train), (x_test, y_test) = fashion_mnist
    assert x_train.shape == (60_000, 28, 28, 1) and x_test.shape == (10_000, 28, 28, 1)
    assert 0.0 == x_train.min() and x_train.max() == 1.0
    assert np.bincount(y_train).tolist() == [6000] * 10
    assert np.bincount(y_test).tolist() == [1000] * 10
