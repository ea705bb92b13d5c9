"""The grader's side of a graded test cell: the checks run here, the student's function in the sandboxed kernel.

``grade_cell`` replaces the test cell's ``grade("psnr", psnr)`` with a cell
that runs ``autograder.answering.serve`` in the kernel, listens on a Unix
socket in the kernel's channel folder, and grades the exercise here, in the
grader's process, with ``RemoteAnswer`` standing for the student's function:
calling it sends the arguments to the kernel and returns what the student's
function returned there. The verdict, the points and the feedback are the
checks' own (``core.run_parts``), as in nbgrader's in-kernel path, but
computed where the student's code cannot reach, on inputs the kernel sees
only as the arguments of each call.
"""

import ast
import contextlib
import os
import socket
import threading
import time

import nbformat
import numpy as np

from autograder import core, wire

ELEMENTS_LIMIT = 10_000  # the most elements one pass over a student's dataset may have


class KernelGone(BaseException):
    """The kernel died or hung while the grader waited for it (BaseException: no check may catch it)."""


class GraderPeer(wire.Peer):
    lends_functions = True

    def __init__(self, sock, deadline):
        super().__init__(sock)
        self.deadline = deadline

    def adopt(self, handle):
        return RemoteDataset(self, handle) if handle.kind == "dataset" else handle

    def receive(self, safe=True):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise KernelGone("timeout")
        self.sock.settimeout(left)
        try:
            return super().receive(safe)
        except (socket.timeout, TimeoutError):
            raise KernelGone("timeout") from None
        except (EOFError, ConnectionError, OSError):
            raise KernelGone("died") from None


class RemoteAnswer:
    """The student's function, called in the kernel. ``setup``: steps the kernel applies around every call."""

    is_remote = True

    def __init__(self, peer, name):
        self.peer, self.__name__, self.setup = peer, name, []
        self.reports = {}  # what the last call's set-up steps observed in the kernel (the moving clock's epochs)

    def __call__(self, *args, **kwargs):
        self.peer.send("call", args=list(args), kwargs=kwargs, setup=core.take_setup() + self.setup)
        return receive_result(self.peer, self.__name__, args, kwargs, self.reports)


def receive_result(peer, name, args=(), kwargs=None, reports=None):
    """Wait for the answer to a request, running the grader's functions the student's code calls meanwhile.

    ``args`` and ``kwargs`` are the request's: a model or an array among them
    takes the state the kernel's copy ended with. ``reports`` receives what the
    call's set-up steps observed.
    """
    kwargs = kwargs or {}
    while True:
        try:
            kind, fields = peer.receive()
        except (wire.Unsendable, wire.ProtocolError) as error:
            raise core.Wrong(f"{name} sent {error}, which the grader cannot receive") from None
        if kind == "callback":
            try:
                value = peer.lent[fields["ident"]](*fields["args"], **fields["kwargs"])
            except Exception as error:
                peer.send("raise", type=type(error).__name__, message=str(error)[:2000])
            else:
                peer.send("return", value=value)
        elif kind == "raised":
            raise wire.rebuild_exception(fields["type"], fields["message"], fields["exit"])
        elif kind == "unsendable":
            raise core.Wrong(f"{name} returned {fields['what']}, which the grader cannot receive: return NumPy "
                             "arrays, numbers, lists, dicts, Keras models or tf.data datasets, as the exercise asks")
        elif kind in ("result", "elements", "graph"):
            for index, model in fields.get("models", []):
                update_model(args[index], model)
            given = {**dict(enumerate(args)), **kwargs}
            for key, array in fields.get("arrays", []):
                if key in given and isinstance(given[key], np.ndarray) and given[key].shape == np.shape(array):
                    np.copyto(given[key], array, casting="unsafe")
            if reports is not None and isinstance(fields.get("reports"), dict):
                reports.update(fields["reports"])
            if fields.get("returned_argument") is not None:
                return args[fields["returned_argument"]]
            return fields["value"]
        else:
            raise core.Wrong(f"the kernel sent a {kind!r} message the grader does not expect")


def update_model(local, remote):
    """Give the grader's model ``local`` the state the kernel's copy ``remote`` ended with: weights, compile."""
    if len(local.get_weights()) == len(remote.get_weights()):
        local.set_weights(remote.get_weights())
    if getattr(remote, "optimizer", None) is not None and getattr(remote, "compiled", False):
        local.compile(optimizer=remote.optimizer, loss=remote.loss)


class RemoteDataset:
    """A dataset that stays in the kernel: each pass over it asks the kernel for its elements."""

    is_dataset = True

    def __init__(self, peer, handle):
        self.peer, self.handle = peer, handle

    def __iter__(self):
        self.peer.send("iterate", id=self.handle.ident, limit=ELEMENTS_LIMIT)
        return iter(receive_result(self.peer, "the dataset"))

    def serialized_graph(self):
        self.peer.send("graph", id=self.handle.ident)
        return bytes(receive_result(self.peer, "the dataset"))


def serve_cell(test_cell, socket_path):
    """The code cell that replaces ``test_cell`` in the kernel: it serves the exercise's calls.

    The test cell is ``grade("name", answer, *context)``: the kernel serves
    ``answer``; the context is the grader's to decide (``grade_cell``).
    """
    call = _grade_call(test_cell.source)
    name, answer = call.args[0].value, ast.get_source_segment(test_cell.source, call.args[1])
    source = (f'__import__("autograder.answering").answering.serve({socket_path!r}, {name!r}, {answer})')
    return nbformat.v4.new_code_cell(source, metadata=test_cell.metadata)


def _grade_call(source):
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "grade" and len(node.args) >= 2
                and isinstance(node.args[0], ast.Constant)):
            return node
    raise ValueError("a test cell without grade(\"name\", answer)")


def context_of(test_cell):
    """The context the test cell passes to its checks, decided by the grader: the training profile's name."""
    if len(_grade_call(test_cell.source).args) <= 2:
        return ()
    from dae_reference.config import get_profile

    return (get_profile(gpu_available=False)[0].name,)


def grade_cell(client, cell, index, name, budget, channel_dir, source=""):
    """Grade exercise ``name`` with the student's answer in ``client``'s kernel: (earned, report, cell, seconds).

    ``cell`` is the test cell; ``budget`` its time in seconds; ``source`` the
    student's function as the notebook has it. The report is what ``grade``
    prints; ``earned`` and ``report`` are None when the serving cell ended
    without serving (the returned cell's error says why: a NameError, a
    timeout). nbclient runs the serving cell on this thread, as every other
    cell (its kernel client is not to be shared between threads); the checks
    run meanwhile on a thread of their own, talking to the kernel over the
    grader's socket. A kernel that dies raises nbclient's ``DeadKernelError``.
    """
    socket_path = os.path.join(channel_dir, f"grade-{index}.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(socket_path)
    os.chmod(socket_path, 0o777)  # the kernel may run as a user of its own
    server.listen(1)
    serving = serve_cell(cell, socket_path)
    outcome, connections, ended = {}, [], threading.Event()
    deadline = time.monotonic() + budget + 30  # nbclient stops the cell at its budget first

    def judge():
        try:
            server.settimeout(0.2)
            while not ended.is_set():
                try:
                    connection, _ = server.accept()
                    break
                except (socket.timeout, TimeoutError):
                    continue
            else:
                return  # the cell ended without connecting
            connections.append(connection)
            peer = GraderPeer(connection, deadline)
            outcome["results"] = grade_on(peer, name, context_of(cell), source)
            peer.send("done")
        except BaseException as error:  # the kernel went away: the serving cell says why
            outcome["error"] = error

    thread = threading.Thread(target=judge, daemon=True)
    thread.start()
    started = time.monotonic()
    try:
        client.execute_cell(serving, index)
    finally:
        seconds = time.monotonic() - started
        ended.set()
        thread.join(timeout=2)
        for connection in connections:  # wakes the checks if the cell ended before they did
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        thread.join(timeout=30)
        server.close()
        os.unlink(socket_path)
    if "results" not in outcome:
        return None, None, serving, seconds
    results = outcome["results"]
    return sum(r.earned for r in results), core.report(name, results), serving, seconds


def grade_on(peer, name, context=(), source=""):
    """Run exercise ``name``'s checks on what the kernel at ``peer`` hands in: its function, or a value (a History).

    ``source`` is the student's function as written in the notebook: one that
    uses the reference earns nothing, as in the kernel (``core.uses_reference``).
    """
    try:
        kind, fields = peer.receive()
    except (wire.Unsendable, wire.ProtocolError) as error:
        kind, fields = "unsendable", {"what": str(error)}
    if kind == "unsendable":
        message = f"your answer is {fields['what']}, which the grader cannot receive"
        return [core.Result(part, 0.0, message) for part in core.exercise(name).parts]
    if reason := core.reference_in(source):
        return [core.Result(part, 0.0, reason) for part in core.exercise(name).parts]
    answer = RemoteAnswer(peer, name) if fields.get("callable") else fields.get("value")
    return core.run_parts(name, answer, *context)
