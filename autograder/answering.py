"""The kernel's side of grading: answer the grader's calls of one exercise, and judge nothing.

When the grader reaches a graded test cell it runs, in the student's kernel,

    __import__("autograder.answering").answering.serve(SOCKET, "psnr", psnr)

``serve`` connects to the grader's socket and does what it is asked: call the
student's function with the arguments the grader sends and send back what it
returns, hand over a dataset's elements, and so on, until the grader says it
is done. The checks, their hidden inputs and the expected values stay with the
grader (``autograder.remote``): a student who replaces this module changes
only what their own answer sends.

Before a call the grader may ask for a set-up: seed the random generators, put
its own functions in place of some of the student's (a correct helper, so that
one mistake does not cost twice), make TensorFlow report pretend GPUs, or move
the clocks the student's code reads (``autograder.clock``; the moves of each
epoch go back with the result). After a call, the state of every model it was
given goes back too (compile and fit change their model in place).
"""

import contextlib
import hashlib
import socket
import sys
from unittest import mock

import numpy as np

from autograder import wire


class KernelPeer(wire.Peer):
    keeps_datasets = True


def serve(path, name, answer):
    """Answer the grader's calls of ``answer`` (the student's function or value for exercise ``name``)."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    serve_on(sock, name, answer)


def serve_on(sock, name, answer):
    """``serve`` on a connected socket ``sock``; closes it when the grader is done."""
    peer = KernelPeer(sock)
    # the student's helpers that a check replaces live where the student's function looks them up
    namespace = getattr(answer, "__globals__", None) or sys.modules["__main__"].__dict__
    try:
        if callable(answer) and not _is_value(answer):
            peer.send("hello", name=name, callable=True)
        else:
            _send_value(peer, "hello", name=name, callable=False, value=answer)
        while True:
            kind, fields = peer.receive(safe=False)
            if kind == "done":
                return
            if kind == "call":
                _call(peer, answer, fields, namespace)
            elif kind == "iterate":
                _answer(peer, "elements", lambda: list(_elements(peer.lent[fields["id"]], fields["limit"])))
            elif kind == "graph":
                _answer(peer, "graph", lambda: _graph(peer.lent[fields["id"]]))
            else:
                raise wire.ProtocolError(f"an unknown request {kind!r}")
    finally:
        sock.close()


def _is_value(answer):
    """A model or a History is what the exercise hands in, not a function to call."""
    return type(answer).__module__.split(".")[0] in ("keras", "tensorflow")


def _send_value(peer, kind, **fields):
    try:
        peer.send(kind, **fields)
    except wire.Unsendable as error:
        peer.send("unsendable", what=str(error))


def _answer(peer, kind, compute):
    """Send what ``compute()`` gives, or how the student's code it ran failed (a dataset that raises in a pass)."""
    try:
        value = compute()
    except (Exception, SystemExit) as error:
        _send_raised(peer, error)
    else:
        _send_value(peer, kind, value=value)


def _send_raised(peer, error):
    peer.send("raised", type=type(error).__name__, message=str(error)[:2000], exit=isinstance(error, SystemExit))


def _call(peer, answer, fields, namespace):
    args, kwargs = fields["args"], fields["kwargs"]
    given = {**dict(enumerate(args)), **kwargs}
    before = {key: _digest(value) for key, value in given.items() if isinstance(value, np.ndarray)}
    reports = {}
    try:
        with _setup(fields["setup"], namespace, reports):
            result = answer(*args, **kwargs)
    except (Exception, SystemExit) as error:  # the student's code failed: the grader says how
        _send_raised(peer, error)
        return
    returned = next((i for i, arg in enumerate(args) if result is arg and not _plain(arg)), None)
    models = [[i, arg] for i, arg in enumerate(args) if _is_model(arg)]
    # an array changed in place is seen changed by the grader too, as it would be in one process
    arrays = [[key, given[key]] for key, digest in before.items() if _digest(given[key]) != digest]
    _send_value(peer, "result", value=None if returned is not None else result, returned_argument=returned,
                models=models, arrays=arrays, reports=reports)


def _digest(array):
    return hashlib.blake2b(np.ascontiguousarray(array).view(np.uint8).reshape(-1).data, digest_size=16).digest()


def _plain(value):
    return value is None or isinstance(value, (bool, int, float, str))


def _is_model(value):
    return type(value).__module__.split(".")[0] == "keras" and hasattr(value, "get_weights")


@contextlib.contextmanager
def _setup(steps, namespace, reports):
    """Apply the grader's set-up ``steps`` around one call; ``reports`` receives what they observe."""
    with contextlib.ExitStack() as stack:
        for step, *arguments in steps:
            if step == "seed":
                import keras

                keras.utils.set_random_seed(arguments[0])
            elif step == "unseed":
                import tensorflow as tf

                tf.random.set_seed(None)
            elif step == "replace":
                stack.enter_context(mock.patch.dict(namespace, arguments[0]))
            elif step == "gpus":
                stack.enter_context(pretend_gpus([tuple(c) for c in arguments[0]]))
            elif step == "clock":
                from autograder import clock

                reports["clock"] = stack.enter_context(clock.moving(namespace)).epochs
            else:
                raise wire.ProtocolError(f"an unknown set-up step {step!r}")
        yield


def _elements(dataset, limit):
    """The elements of one pass over ``dataset``, at most ``limit`` of them."""
    for count, element in enumerate(dataset):
        if count >= limit:
            raise wire.Unsendable(f"a dataset of more than {limit} elements in one pass")
        yield element


def _graph(dataset):
    """The serialised graph of ``dataset`` (a GraphDef's bytes), for the grader to read; b'' if it has none."""
    from tensorflow.python.data.ops import options

    try:
        return np.frombuffer(dataset._as_serialized_graph(
            external_state_policy=options.ExternalStatePolicy.IGNORE).numpy(), dtype=np.uint8)
    except Exception:  # a dataset TensorFlow cannot serialise is judged by what it yields alone
        return np.zeros(0, dtype=np.uint8)


def pretend_gpus(capabilities):
    """Make TensorFlow report GPUs of the given compute capabilities (a context manager)."""
    import tensorflow as tf

    gpus = [tf.config.PhysicalDevice(f"/physical_device:GPU:{i}", "GPU") for i in range(len(capabilities))]
    real_list = tf.config.list_physical_devices

    def list_devices(device_type=None):
        return gpus if device_type == "GPU" else real_list(device_type) + (gpus if device_type is None else [])

    def details(gpu):
        return {"compute_capability": capabilities[int(gpu.name.rsplit(":", 1)[1])], "device_name": "pretend GPU"}

    stack = contextlib.ExitStack()
    for module in (tf.config, tf.config.experimental):
        stack.enter_context(mock.patch.object(module, "list_physical_devices", list_devices))
    stack.enter_context(mock.patch.object(tf.config, "list_logical_devices", list_devices))
    stack.enter_context(mock.patch.object(tf.config.experimental, "get_device_details", details))
    return stack
