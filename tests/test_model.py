import os
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest

from dae_reference import model as model_module
from dae_reference.model import build_autoencoder, build_decoder, build_encoder

# (layer type, filters, activation) in order, as the tutorial builds them
EXPECTED_LAYERS = [
    ("Conv2D", 32, "relu"), ("MaxPooling2D", None, None), ("Conv2D", 64, "relu"), ("MaxPooling2D", None, None),
    ("Conv2D", 64, "relu"), ("UpSampling2D", None, None), ("Conv2D", 32, "relu"), ("UpSampling2D", None, None),
    ("Conv2D", 1, "sigmoid"),
]


def flat_layers(model):
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            yield from flat_layers(layer)
        elif not isinstance(layer, keras.layers.InputLayer):
            yield layer


def test_autoencoder_has_the_tutorial_architecture_and_74497_parameters():
    autoencoder = build_autoencoder()
    assert autoencoder.count_params() == 74_497
    layers = list(flat_layers(autoencoder))
    assert [type(layer).__name__ for layer in layers] == [kind for kind, _, _ in EXPECTED_LAYERS]
    for layer, (kind, filters, activation) in zip(layers, EXPECTED_LAYERS):
        if kind == "Conv2D":
            assert (layer.filters, layer.kernel_size, layer.padding) == (filters, (3, 3), "same")
            assert layer.activation.__name__ == activation
        elif kind == "MaxPooling2D":
            assert layer.pool_size == (2, 2)
        else:
            assert layer.size == (2, 2)


def test_encoder_and_decoder_shapes():
    encoder, decoder = build_encoder(), build_decoder()
    assert encoder.output.shape[1:] == (7, 7, 64)
    x = np.random.default_rng(0).random((3, 28, 28, 1)).astype(np.float32)
    code = encoder(x)
    assert tuple(code.shape) == (3, 7, 7, 64)
    out = np.asarray(decoder(code))
    assert out.shape == (3, 28, 28, 1) and 0 < out.min() and out.max() < 1


def test_model_code_uses_only_the_keras_public_api():
    source = Path(model_module.__file__).read_text()
    assert "tensorflow" not in source and "keras.src" not in source


def test_model_builds_and_runs_under_jax():
    pytest.importorskip("jax")
    code = "from dae_reference.model import build_autoencoder; import numpy as np; " \
           "m = build_autoencoder(); print(m.count_params(), m(np.zeros((1, 28, 28, 1), 'float32')).shape)"
    env = {**os.environ, "KERAS_BACKEND": "jax"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split()[0] == "74497"
