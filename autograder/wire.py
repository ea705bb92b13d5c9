"""What crosses between the grader and a sandboxed kernel: messages of plain data, never code.

The grader judges; the kernel, the student's code, only answers calls. Each
message is one frame on a Unix socket: a JSON header (its kind, a tree of
plain values, the sizes of its binary parts) and the binary parts, arrays in
NumPy's ``.npy`` format (read with ``allow_pickle=False``) and Keras models in
the ``.keras`` format (loaded in safe mode, after their configuration is found
to hold Keras's own layers only). Nothing is unpickled and no code is loaded on
the grader's side, whatever the kernel sends.

A value the other side keeps is sent as a reference: a function of the grader
that the student's code may call (a ``Callback``: the call comes back over the
socket) or a dataset of the kernel's (a ``Handle``: the grader asks for its
elements). ``encode`` and ``decode`` take the table of such objects of their
side.

Imported in the sandbox too: it needs the standard library and NumPy, and
Keras or TensorFlow only for values of theirs.
"""

import io
import json
import struct
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

MAX_FRAME_BYTES = 256 << 20  # the largest message the grader reads: a pass over a check's dataset is a few MB, a model 1 MB
_HEADER = struct.Struct(">Q")


class ProtocolError(RuntimeError):
    """The other side sent what this protocol does not allow."""


class Unsendable(ProtocolError):
    """A value of a type that does not cross: the message names it."""


class Peer:
    """One end of the socket: frames out and in, with the objects this side lends the other.

    ``lends_functions``: this side may hand its functions to the other (the
    grader's side); ``keeps_datasets``: this side keeps its datasets and lends
    them (the kernel's side).
    """

    lends_functions = False
    keeps_datasets = False

    def __init__(self, sock):
        self.sock, self.file = sock, sock.makefile("rwb")
        self.lent = {}  # id -> object of this side that the other refers to

    def adopt(self, handle):
        """What a ``Handle`` to an object of the other side becomes here."""
        return handle

    def serve_until_return(self):
        """Wait for the value a ``Callback`` returns (the kernel's side)."""
        kind, fields = self.receive(safe=False)
        if kind == "return":
            return fields["value"]
        if kind == "raise":
            raise rebuild_exception(fields["type"], fields["message"])
        raise ProtocolError(f"a {kind!r} message while a callback ran")

    def send(self, kind, **fields):
        blobs = []
        header = json.dumps({"kind": kind, **{k: encode(v, blobs, self) for k, v in fields.items()},
                             "blobs": [len(b) for b in blobs]}).encode()
        self.file.write(_HEADER.pack(len(header)) + header)
        for blob in blobs:
            self.file.write(blob)
        self.file.flush()

    def receive(self, safe=True):
        """The next message as ``(kind, fields)``; ``EOFError`` when the other side is gone."""
        size = _HEADER.unpack(self._read(_HEADER.size))[0]
        if size > MAX_FRAME_BYTES:
            raise ProtocolError(f"a message header of {size} bytes")
        header = json.loads(self._read(size))
        sizes = header.pop("blobs", [])
        if not isinstance(sizes, list) or sum(sizes) > MAX_FRAME_BYTES:
            raise ProtocolError("a message larger than the grader reads")
        blobs = [self._read(n) for n in sizes]
        kind = header.pop("kind")
        return kind, {key: decode(value, blobs, self, safe) for key, value in header.items()}

    def _read(self, n):
        data = self.file.read(n)
        if data is None or len(data) < n:
            raise EOFError("the other side closed the connection")
        return data


class Callback:
    """On the side that receives it: a function of the other side, called over the socket."""

    def __init__(self, peer, ident, name):
        self.peer, self.ident, self.__name__ = peer, ident, name

    def __call__(self, *args, **kwargs):
        self.peer.send("callback", ident=self.ident, args=list(args), kwargs=kwargs)
        return self.peer.serve_until_return()


class Handle:
    """On the grader's side: an object that stays in the kernel (a dataset), named by its id."""

    def __init__(self, ident, kind, text):
        self.ident, self.kind, self.text = ident, kind, text


def _lend(peer, value):
    ident = len(peer.lent)
    peer.lent[ident] = value
    return ident


def encode(value, blobs, peer):
    """``value`` as a JSON tree; arrays and models go to ``blobs``, functions and datasets are lent."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return {"t": "plain", "v": value}
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        return {"t": "array" if isinstance(value, np.ndarray) else "scalar", "blob": _array_blob(np.asarray(value), blobs)}
    if isinstance(value, (list, tuple)):
        return {"t": type(value).__name__, "items": [encode(v, blobs, peer) for v in value]}
    if isinstance(value, dict):
        return {"t": "dict", "items": [[encode(k, blobs, peer), encode(v, blobs, peer)] for k, v in value.items()]}
    if isinstance(value, (Handle, Callback)):  # an object of the other side, going back
        return {"t": "handle", "id": value.ident}
    module = type(value).__module__.split(".")[0]
    if module in ("keras", "tensorflow", "tf_keras"):
        return _encode_framework(value, blobs, peer)
    if callable(value) and peer.lends_functions:
        return {"t": "callback", "id": _lend(peer, value), "name": getattr(value, "__name__", "function")}
    if hasattr(value, "__array__"):
        return {"t": "array", "blob": _array_blob(np.asarray(value), blobs)}
    raise Unsendable(f"a {type(value).__name__}")


def _array_blob(array, blobs):
    if array.dtype.hasobject:
        raise Unsendable("an array of Python objects (dtype=object)")
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    blobs.append(buffer.getvalue())
    return len(blobs) - 1


def _encode_framework(value, blobs, peer):
    import keras
    import tensorflow as tf

    if isinstance(value, keras.Model):
        with tempfile.TemporaryDirectory() as scratch:
            path = Path(scratch) / "model.keras"
            value.save(path)
            blobs.append(path.read_bytes())
        return {"t": "model", "blob": len(blobs) - 1}
    if isinstance(value, keras.callbacks.History):
        return {"t": "history", "history": encode(dict(value.history), blobs, peer),
                "epoch": encode(list(value.epoch), blobs, peer), "params": encode(_plain_params(value), blobs, peer)}
    if isinstance(value, tf.data.Dataset):
        if peer.keeps_datasets:  # the kernel keeps its own, the grader asks for them
            return {"t": "handle", "id": _lend(peer, value), "kind": "dataset", "text": str(value.element_spec)[:300]}
        return {"t": "elements", "items": [encode(element, blobs, peer) for element in value]}
    if isinstance(value, (tf.Tensor, tf.Variable)):
        return {"t": "array", "blob": _array_blob(np.asarray(value), blobs)}
    if callable(value) and peer.lends_functions:
        return {"t": "callback", "id": _lend(peer, value), "name": getattr(value, "__name__", "function")}
    raise Unsendable(f"a {type(value).__name__}")


def decode(tree, blobs, peer, safe=True):
    """The value ``tree`` stands for. ``safe``: the sender is not trusted (models are checked before loading)."""
    if not isinstance(tree, dict):
        raise ProtocolError("a value that is not a tagged tree")
    tag = tree.get("t")
    if tag == "plain":
        value = tree.get("v")
        if value is not None and not isinstance(value, (bool, int, float, str)):
            raise ProtocolError("a plain value that is not plain")
        return value
    if tag in ("array", "scalar"):
        array = np.load(io.BytesIO(blobs[tree["blob"]]), allow_pickle=False)
        return array[()] if tag == "scalar" else array
    if tag in ("list", "tuple"):
        items = [decode(v, blobs, peer, safe) for v in tree["items"]]
        return items if tag == "list" else tuple(items)
    if tag == "dict":
        result = {}
        for key, value in tree["items"]:
            key = decode(key, blobs, peer, safe)
            if not isinstance(key, (bool, int, float, str, np.generic)) and key is not None:
                raise ProtocolError("a dictionary key that is not a plain value")
            result[key] = decode(value, blobs, peer, safe)
        return result
    if tag == "model":
        return load_model(blobs[tree["blob"]], safe)
    if tag == "history":
        params = decode(tree["params"], blobs, peer, safe) if "params" in tree else {}
        if not isinstance(params, dict):
            raise ProtocolError("a History whose params are not a dictionary")
        return Record(history=decode(tree["history"], blobs, peer, safe), epoch=decode(tree["epoch"], blobs, peer, safe),
                      params=params)
    if tag == "elements":
        import tensorflow as tf

        elements = [decode(v, blobs, peer, safe) for v in tree["items"]]
        if not elements:
            raise ProtocolError("an empty dataset")
        dataset = tf.data.Dataset.from_tensors(elements[0])
        for element in elements[1:]:
            dataset = dataset.concatenate(tf.data.Dataset.from_tensors(element))
        return dataset
    if tag == "callback":
        if peer.lends_functions:
            raise ProtocolError("a function from the kernel")
        return Callback(peer, int(tree["id"]), str(tree.get("name", "function")))
    if tag == "handle":
        if "kind" in tree:  # the other side keeps it
            return peer.adopt(Handle(int(tree["id"]), str(tree["kind"]), str(tree.get("text", ""))))
        if int(tree["id"]) not in peer.lent:
            raise ProtocolError("a reference to nothing this side lent")
        return peer.lent[int(tree["id"])]  # one of ours, coming back
    raise ProtocolError(f"an unknown tag {tag!r}")


def _plain_params(history):
    """A History's ``params`` (fit's verbose, epochs and steps), the plain values only."""
    params = getattr(history, "params", None) or {}
    return {str(k): v for k, v in params.items() if isinstance(v, (bool, int, float, str)) or v is None}


class Record:
    """A History as the grader receives it: its ``history`` dict, ``epoch`` list and ``params``, no model."""

    is_history = True

    def __init__(self, history, epoch, params=None):
        self.history, self.epoch, self.params = history, epoch, params or {}


# The parts of a .keras file's configuration that may name something to import: only Keras's own.
_ALLOWED_MODULES = ("keras", "keras.layers", "keras.models", "keras.src", "keras.optimizers", "keras.losses",
                    "keras.metrics", "keras.initializers", "keras.regularizers", "keras.constraints",
                    "keras.activations", "builtins")


def load_model(data, safe=True):
    """A Keras model from the bytes of a ``.keras`` file; with ``safe``, only if it holds Keras's own parts."""
    import keras

    if safe:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                config = json.loads(archive.read("config.json"))
        except (zipfile.BadZipFile, KeyError, ValueError) as error:
            raise Unsendable(f"a model file that is not a .keras archive ({error})") from None
        _check_config(config)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "model.keras"
        path.write_bytes(data)
        try:
            return keras.saving.load_model(path, safe_mode=True, compile=True)
        except Exception as error:
            raise Unsendable(f"a model the grader cannot rebuild from Keras's own layers "
                             f"({type(error).__name__}: {str(error).splitlines()[0][:200] if str(error) else ''})") from None


def _check_config(node, depth=0):
    if depth > 200:
        raise Unsendable("a model configuration nested too deeply")
    if isinstance(node, dict):
        module = node.get("module")
        if module is not None and not (isinstance(module, str) and module.split(".")[0] in ("keras", "builtins")):
            raise Unsendable(f"a model with a part from {str(module)[:80]!r}: use Keras's own layers")
        if node.get("registered_name") not in (None, node.get("class_name")) or node.get("class_name") == "Lambda":
            raise Unsendable(f"a model with a custom or Lambda layer ({str(node.get('class_name'))[:80]}): "
                             "use Keras's own layers")
        for value in node.values():
            _check_config(value, depth + 1)
    elif isinstance(node, list):
        for value in node:
            _check_config(value, depth + 1)


def rebuild_exception(type_name, message, exit=False):
    """An exception that reads as the one raised on the other side: its type's name and its message."""
    if exit:
        return SystemExit(message)
    name = type_name if isinstance(type_name, str) and type_name.isidentifier() else "Exception"
    return type(name, (Exception,), {"__module__": "builtins"})(message)


if __name__ == "__main__":
    sys.exit("autograder.wire is a module")
