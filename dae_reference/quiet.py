"""TensorFlow without its start-up messages.

Importing TensorFlow prints lines a newcomer takes for errors: "Could not find
cuda drivers on your machine", "failed call to cuInit" on a machine without a
GPU, oneDNN and CPU-instruction notices. Some are written by C++ code straight
to file descriptor 2 before any log level applies, and a Jupyter kernel shows
them in the notebook. ``silence_tensorflow()`` imports TensorFlow and looks for
its devices once with that descriptor sent to /dev/null, and keeps TensorFlow's
later C++ logging to fatal errors and its Python logger to errors (a lesson
that builds several models in a loop would otherwise print "triggered
tf.function retracing", a hint for library authors). Python's own errors and
warnings still show (Keras's among them): a failed import raises as usual. The lessons, the command lines and the benchmarks call
it first:

    from dae_reference.quiet import silence_tensorflow
    silence_tensorflow()
"""

import contextlib
import os


def silence_tensorflow():
    """Import TensorFlow without its start-up messages (see the module's docstring); return it."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")  # TensorFlow's default; setting it silences its notice
    with stderr_to_devnull():
        import tensorflow as tf

        tf.config.list_physical_devices()  # the GPU platform starts here, and prints its cuInit error
    tf.get_logger().setLevel("ERROR")
    return tf


@contextlib.contextmanager
def stderr_to_devnull():
    """Send file descriptor 2, where C++ code writes, to /dev/null for the ``with`` block."""
    try:
        saved = os.dup(2)
    except OSError:  # no descriptor 2: nothing to silence
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)

