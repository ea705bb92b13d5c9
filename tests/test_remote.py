"""Scores decided outside the student's process: the same points and feedback as in it, and no way to reach them.

The checks run here while the student's function answers from the other end
of a socket (``autograder.remote`` and ``autograder.answering``, as in the
grader, minus the sandbox and the kernel: a thread and a socket pair). Every
answer of the other correct style and of the wrong-answer corpus must get
exactly the points and the messages it gets when the checks call it directly.
"""

import os
import socket
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from autograder import answering, core, remote, wire
from autograder.course import ROOT
from tests import graded
from tests.test_checks import FUNCTION_EXERCISES

WRONG = graded.WRONG

# The kernel's side in a process of its own, as in grading, and one for the whole module, as a lesson's exercises
# share one kernel: for each line "SOCKET NAME" it reads, it serves exercise NAME's answers one after the other, the
# other correct style first, then the wrong-answer corpus in its order, one connection each, and says "served NAME".
# Those lines go out on a copy of its stdout; its stdout itself goes to its stderr, as answers print (a training's
# progress bar) and must not be read as the protocol.
KERNEL = """
import os, socket, sys
protocol = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)
from autograder import answering
from tests.submissions import alternative, wrong
corpus = wrong.load()
for line in sys.stdin:
    path, name = line.split()
    for answer in [getattr(alternative, name)] + [mistake.answer for mistake in corpus[name]]:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(path)
        answering.serve_on(sock, name, answer)
    print("served", name, file=protocol, flush=True)
"""


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    # its stderr goes to a file: a pipe nobody reads while thirty exercises are served could fill and stop it
    log = tmp_path_factory.mktemp("kernel") / "stderr.txt"
    with open(log, "w") as stderr:
        process = subprocess.Popen([sys.executable, "-c", KERNEL], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, text=True)
    process.errors = lambda: log.read_text()[-2000:]
    yield process
    process.stdin.close()
    try:
        assert process.wait(timeout=60) == 0, process.errors()
    finally:
        process.kill()


def grade_remotely(name, answer, *context):
    """``core.run_parts`` with ``answer`` served from another thread over a socket pair."""
    grader_end, kernel_end = socket.socketpair()
    kernel = threading.Thread(target=answering.serve_on, args=(kernel_end, name, answer), daemon=True)
    kernel.start()
    peer = remote.GraderPeer(grader_end, time.monotonic() + 600)
    try:
        results = remote.grade_on(peer, name, context)
        peer.send("done")
    finally:
        kernel.join(timeout=60)
        grader_end.close()
    assert not kernel.is_alive()
    return results


def outcome(results):
    return [(r.part.description, r.earned, r.message) for r in results]


@pytest.mark.parametrize("name", FUNCTION_EXERCISES)
def test_an_answer_served_from_another_process_gets_the_same_points_and_feedback(name, kernel, tmp_path):
    # (the direct results are each answer's one grading in this run, which tests/test_checks.py reads too)
    answers = [("the other correct style", graded.other_style(name), False)] + [
        (f"mistake {i} ({m.feedback!r})", graded.mistake(name, i), m.thread_ordered) for i, m in enumerate(WRONG[name])]
    path = str(tmp_path / "grader.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    assert kernel.poll() is None, kernel.errors()
    kernel.stdin.write(f"{path} {name}\n")
    kernel.stdin.flush()
    try:
        for label, direct, thread_ordered in answers:
            server.settimeout(120)
            connection, _ = server.accept()
            peer = remote.GraderPeer(connection, time.monotonic() + 600)
            served = remote.grade_on(peer, name)
            peer.send("done")
            connection.close()
            served, direct = outcome(served), outcome(direct.results)
            if thread_ordered:  # its last check passes or fails by chance, in one process as in two
                served, direct = served[:-1], direct[:-1]
            assert served == direct, label
        assert kernel.stdout.readline().split() == ["served", name], kernel.errors()
    finally:
        server.close()


def test_a_value_answer_crosses_too():
    """training_result is graded on the History the lesson's training returned."""
    import keras

    history = keras.callbacks.History()
    history.history, history.epoch = {"loss": [0.05, 0.04, 0.03], "val_loss": [0.05, 0.04, 0.035]}, [0, 1, 2]
    assert outcome(grade_remotely("training_result", history, "smoke")) == outcome(
        core.run_parts("training_result", history, "smoke"))


def test_what_the_student_code_raises_reads_the_same():
    def psnr(x, y, data_range=1.0):
        raise ZeroDivisionError("no")

    got = grade_remotely("psnr", psnr)
    assert all(r.earned == 0 and r.message == "your code raised ZeroDivisionError: no" for r in got)


def test_nothing_unsafe_is_received():
    """What the kernel sends is data: a pickle, an object array or a model with a Lambda layer is refused."""
    import keras

    peer = wire.Peer(socket.socketpair()[0])
    with pytest.raises(wire.Unsendable, match="Python objects"):
        wire.encode(np.array([object()]), [], peer)
    with pytest.raises(wire.Unsendable):
        wire.encode(lambda: 1, [], peer)  # the kernel lends no functions
    lambda_model = keras.Sequential([keras.Input((2,)), keras.layers.Lambda(lambda t: t * 2)])
    blobs = []
    tree = wire.encode(lambda_model, blobs, peer)
    with pytest.raises(wire.Unsendable, match="Lambda"):
        wire.decode(tree, blobs, peer, safe=True)
    with pytest.raises(ValueError):
        np.load(__import__("io").BytesIO(__import__("pickle").dumps([1])), allow_pickle=False)


def test_an_answer_that_cannot_cross_loses_the_points_with_the_reason():
    def psnr(x, y, data_range=1.0):
        return object()

    got = grade_remotely("psnr", psnr)
    assert all(r.earned == 0 for r in got)
    assert "which the grader cannot receive" in got[0].message
