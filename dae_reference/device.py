"""Which device trains, and in which precision.

Mixed precision computes in 16 bits and keeps the weights in float32. It pays
only where the hardware has 16-bit arithmetic: float16 on NVIDIA GPUs of
compute capability 7.0 or newer (tensor cores), bfloat16 on CPUs with
AVX512-BF16 or AMX instructions. Everywhere else float32 is faster.
"""

from pathlib import Path

PRECISIONS = ("float32", "mixed_float16", "mixed_bfloat16")


def gpu_available():
    """True when TensorFlow sees at least one GPU."""
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU"))


def gpu_supports_float16():
    """True when the first GPU has compute capability 7.0 or newer."""
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return False
    capability = tf.config.experimental.get_device_details(gpus[0]).get("compute_capability", (0, 0))
    return tuple(capability) >= (7, 0)


def cpu_supports_bfloat16(cpuinfo="/proc/cpuinfo"):
    """True when the CPU advertises native bfloat16 arithmetic (Linux only)."""
    try:
        flags = Path(cpuinfo).read_text()
    except OSError:
        return False
    return any(flag in flags.split() for flag in ("avx512_bf16", "amx_bf16"))


def choose_precision():
    """The fastest Keras dtype policy that keeps the tutorial's accuracy here.

    Returns
    -------
    {'mixed_float16', 'mixed_bfloat16', 'float32'}
    """
    if gpu_available():
        return "mixed_float16" if gpu_supports_float16() else "float32"
    return "mixed_bfloat16" if cpu_supports_bfloat16() else "float32"


def describe_device():
    """A one-line description such as ``'GPU: NVIDIA H100'`` or ``'CPU (2 cores)'``."""
    import os

    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        name = tf.config.experimental.get_device_details(gpus[0]).get("device_name", gpus[0].name)
        return f"GPU: {name}" + (f" (+{len(gpus) - 1} more)" if len(gpus) > 1 else "")
    return f"CPU ({os.cpu_count()} cores)"
