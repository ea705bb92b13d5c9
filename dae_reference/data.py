"""Fashion-MNIST, read from the original IDX files, offline first.

The loader looks for the four ``*-idx?-ubyte.gz`` files, in order, in

1. the ``data_dir`` argument,
2. ``$DAE_DATA_DIR``,
3. the Keras cache, ``~/.keras/datasets/fashion-mnist``,
4. ``/usr/share/datasets/fashion-mnist`` (Debian's ``dataset-fashion-mnist``),

and only then asks Keras to download them. Whatever it reads is verified: the
IDX magic number, the shape in the header against the payload, and, for the
real data set, the SHA-256 of every decompressed file.
"""

import gzip
import hashlib
import os
from pathlib import Path

import numpy as np

CLASS_NAMES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)

FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}

# SHA-256 of each file after gunzip, as published by Zalando Research
# (identical in the Keras download and in Debian's package).
SHA256 = {
    "train_images": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train_labels": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "test_images": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "test_labels": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}

KERAS_CACHE = Path("~/.keras/datasets/fashion-mnist").expanduser()
DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")

INSTALL_HINT = (
    "install it with `sudo apt-get install dataset-fashion-mnist` (Debian/Ubuntu), "
    "or put the four IDX .gz files in a folder and set DAE_DATA_DIR to it, "
    "or run once with internet access so that Keras downloads them"
)

_IDX_MAGIC = {1: 2049, 3: 2051}  # number of dimensions -> magic number (uint8 data)


class DatasetError(RuntimeError):
    """The data set is missing or does not verify; the message says why and what to do."""


def candidate_dirs(data_dir=None):
    """Folders searched for the IDX files, in the order they are tried."""
    dirs = []
    if data_dir is not None:
        dirs.append(Path(data_dir))
    if os.environ.get("DAE_DATA_DIR"):
        dirs.append(Path(os.environ["DAE_DATA_DIR"]))
    dirs += [KERAS_CACHE, DEBIAN_DIR]
    return dirs


def read_idx(path, ndim):
    """Read one gzipped IDX file of unsigned bytes.

    Parameters
    ----------
    path : path-like
        A ``.gz`` file in the IDX format of LeCun's MNIST.
    ndim : {1, 3}
        1 for labels, 3 for images.

    Returns
    -------
    array : ndarray of uint8, shape ``(n,)`` or ``(n, rows, cols)``
    sha256 : str
        Hex digest of the decompressed file.
    """
    path = Path(path)
    try:
        with gzip.open(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as error:
        raise DatasetError(f"{path} is not a readable gzip file ({error}); {INSTALL_HINT}") from None
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise DatasetError(f"{path} is truncated ({len(raw)} bytes); {INSTALL_HINT}")
    magic, *shape = np.frombuffer(raw[:header_size], dtype=">u4").tolist()
    if magic != _IDX_MAGIC[ndim]:
        raise DatasetError(
            f"{path} has IDX magic number {magic}, expected {_IDX_MAGIC[ndim]}; "
            f"the file is corrupt or not a Fashion-MNIST file"
        )
    payload = np.frombuffer(raw, dtype=np.uint8, offset=header_size)
    if payload.size != int(np.prod(shape)):
        raise DatasetError(
            f"{path} holds {payload.size} bytes of data but its header announces shape "
            f"{tuple(shape)}; the file is truncated or corrupt; {INSTALL_HINT}"
        )
    return payload.reshape(shape), hashlib.sha256(raw).hexdigest()


def find_data_dir(data_dir=None, download=True):
    """Return the first folder that holds all four IDX files, downloading as a last resort."""
    searched = candidate_dirs(data_dir)
    for folder in searched:
        if all((folder / name).is_file() for name in FILES.values()):
            return folder
    if download and _download_with_keras():
        return KERAS_CACHE
    places = ", ".join(str(folder) for folder in searched)
    raise DatasetError(
        f"Fashion-MNIST not found (looked in: {places}"
        f"{'; Keras download failed' if download else ''}); {INSTALL_HINT}"
    )


def _download_with_keras():
    """Fetch the files into the Keras cache; False when there is no network."""
    try:
        import keras

        keras.datasets.fashion_mnist.load_data()
    except Exception:  # no network, a proxy, a refused host: all mean "not here"
        return False
    return all((KERAS_CACHE / name).is_file() for name in FILES.values())


def load_fashion_mnist(data_dir=None, verify=True, download=True):
    """Load Fashion-MNIST as float32 images in [0, 1] with a channel axis.

    Parameters
    ----------
    data_dir : path-like, optional
        A folder with the four IDX ``.gz`` files, tried before any other place.
    verify : bool, default=True
        Check the SHA-256 of every file against the published data set. Turn
        off only for small files in the same format (tests do).
    download : bool, default=True
        Let Keras download the data when no folder has it.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        ``x_*`` : float32 arrays of shape ``(n, 28, 28, 1)`` in [0, 1];
        ``y_*`` : uint8 arrays of shape ``(n,)`` with class ids 0-9 (see
        ``CLASS_NAMES``). ``n`` is 60,000 and 10,000 for the real data.

    Raises
    ------
    DatasetError
        When no folder has the files, or a file is corrupt; the message names
        every place searched and how to install the data.
    """
    folder = find_data_dir(data_dir, download=download)
    arrays = {}
    for key, name in FILES.items():
        array, digest = read_idx(folder / name, ndim=3 if key.endswith("images") else 1)
        if verify and digest != SHA256[key]:
            raise DatasetError(
                f"{folder / name} does not match the published Fashion-MNIST (SHA-256 {digest[:12]}..., "
                f"expected {SHA256[key][:12]}...); delete it and {INSTALL_HINT}"
            )
        arrays[key] = array
    splits = []
    for split in ("train", "test"):
        images, labels = arrays[f"{split}_images"], arrays[f"{split}_labels"]
        if len(images) != len(labels):
            raise DatasetError(
                f"{folder}: {split} has {len(images)} images but {len(labels)} labels; the files do not belong together"
            )
        if labels.size and labels.max() > 9:
            raise DatasetError(f"{folder}: {split} labels go up to {labels.max()}, expected class ids 0-9")
        splits.append((to_float_images(images), labels.copy()))
    return tuple(splits)


def to_float_images(images):
    """uint8 ``(n, 28, 28)`` -> float32 ``(n, 28, 28, 1)`` in [0, 1]."""
    return (images.astype(np.float32) / 255.0)[..., np.newaxis]


def hold_out(x_train, n_val, n_train=None):
    """Split the training images into images to fit and validation images held out from them.

    The last ``n_val`` training images validate; the first ``n_train`` (``None``: every image not held out)
    train. The test images stay out of training and of every choice made from the validation loss, so that
    one final evaluation on them is a fair estimate.

    Returns
    -------
    x_fit, x_val : arrays, views of ``x_train``
    """
    n = len(x_train)
    n_train = n - n_val if n_train is None else n_train
    if not 0 < n_val < n or not 0 < n_train <= n - n_val:
        raise ValueError(f"cannot take {n_train:,} training and {n_val:,} validation images from {n:,}: "
                         "the two must be positive and together at most the number of images")
    return x_train[:n_train], x_train[n - n_val:]
