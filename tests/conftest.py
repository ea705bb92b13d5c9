import gzip
import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from dae_reference import data  # noqa: E402


def write_idx(path, array):
    """Write ``array`` (uint8) as a gzipped IDX file, the format of the real data set."""
    magic = {1: 2049, 3: 2051}[array.ndim]
    header = np.array([magic, *array.shape], dtype=">u4").tobytes()
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


@pytest.fixture
def idx_dir(tmp_path):
    """A folder of small, real-format Fashion-MNIST files: 20 train and 10 test images."""
    rng = np.random.default_rng(0)
    arrays = {
        "train_images": rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
        "train_labels": np.arange(20, dtype=np.uint8) % 10,
        "test_images": rng.integers(0, 256, (10, 28, 28), dtype=np.uint8),
        "test_labels": np.arange(10, dtype=np.uint8),
    }
    for key, array in arrays.items():
        write_idx(tmp_path / data.FILES[key], array)
    return tmp_path, arrays


@pytest.fixture
def no_dataset(tmp_path, monkeypatch):
    """Hide every place the loader looks in, and the network."""
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.delenv("DAE_DATA_DIR", raising=False)
    monkeypatch.setattr(data, "KERAS_CACHE", empty / "keras")
    monkeypatch.setattr(data, "DEBIAN_DIR", empty / "debian")
    monkeypatch.setattr(data, "_download_with_keras", lambda: False)
    return empty


def real_data_or_skip():
    try:
        return data.load_fashion_mnist(download=False)
    except data.DatasetError as error:
        pytest.skip(f"Fashion-MNIST is not installed here: {error}")


@pytest.fixture(scope="session")
def fashion_mnist():
    return real_data_or_skip()


def pytest_xdist_make_scheduler(config, log):
    """``make test`` (``--dist loadfile``): each test file runs whole on one pytest-xdist worker, so that its
    module-scoped fixtures (a class graded, a course autograded) are built once, and test_remote runs beside
    test_checks, as they share each answer's one grading (tests/graded.py). Other ``--dist`` modes are xdist's own."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class TogetherWithTheirGrading(LoadFileScheduling):
        def _split_scope(self, nodeid):
            path = super()._split_scope(nodeid)
            return SHARED_GRADING.get(path, path)

    return TogetherWithTheirGrading(config, log)


SHARED_GRADING = {"tests/test_remote.py": "tests/test_checks.py"}
