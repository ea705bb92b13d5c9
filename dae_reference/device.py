"""Which device trains, and in which precision.

Mixed precision computes in 16 bits and keeps the weights in float32. It pays
on NVIDIA GPUs of compute capability 7.0 or newer (tensor cores), so that is
where it is chosen. CPUs train in float32, as the tutorial does; a CPU with
AVX512-BF16 or AMX can be asked for ``mixed_bfloat16`` (``--precision``), but
on the course's 2-core test machine it was not reliably faster
(``benchmarks/train_speed.py --also-bfloat16``).
"""

import os

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


def choose_precision():
    """The Keras dtype policy for this machine.

    Returns
    -------
    {'mixed_float16', 'float32'}
        ``'mixed_float16'`` on a GPU with tensor cores, ``'float32'`` otherwise.
    """
    return "mixed_float16" if gpu_supports_float16() else "float32"


def cpu_cores():
    """The number of CPU cores this process may run on (in a container, possibly fewer than the machine has)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def describe_device():
    """A one-line description such as ``'GPU: NVIDIA H100'`` or ``'CPU (2 cores)'``."""
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        name = tf.config.experimental.get_device_details(gpus[0]).get("device_name", gpus[0].name)
        return f"GPU: {name}" + (f" (+{len(gpus) - 1} more)" if len(gpus) > 1 else "")
    return f"CPU ({cpu_cores()} cores)"
