"""Each notebook's grading process, forked from one that has done the grader's imports once.

A grading process started as a fresh ``python`` pays its imports for every
notebook: on a 2-core machine about 5 s for nbformat, nbclient and nbgrader,
and 8 s more for TensorFlow where the checks run outside the sandbox. A
*zygote* pays them once per grading program: started on first use (``python
-m autograder.processes MODULE...``), it imports those modules and then forks
one process per notebook, which starts with them loaded and with nothing else
of the grader's: no threads, no open files, no state of an earlier notebook.
``run`` gives that process what ``subprocess`` would: a session of its own
(a time-out kills the kernel it started too), the grader's environment and
working directory as they are at the call, a memory limit, stdout discarded,
and the last line of its stderr as the reason it failed.

The zygote speaks JSON lines: a request on its stdin (``{"id", "target":
"module:function", "args", "env", "cwd", "memory_mb", "stderr"}``) is
answered with ``{"id", "pid"}`` when forked and ``{"id", "status"}`` when
that process has exited. It has no thread of its own, so that a fork copies
no lock held elsewhere. When the grader closes its stdin (it stopped, or
was killed) the zygote kills the processes still running and exits. There is
one zygote per set of modules, for the life of the grading program.
"""

import importlib
import json
import os
import resource
import select
import signal
import subprocess
import sys
import tempfile
import threading
import traceback
from pathlib import Path

STARTED_TIMEOUT_S = 300  # the zygote's imports come first: TensorFlow takes 8 s on a quiet 2-core machine

_lock = threading.Lock()
_zygotes = {}  # tuple of module names -> Zygote


def run(target, args, timeout, memory_mb, preload=()):
    """Call ``target(*args)`` in a process forked from the zygote of ``preload``, within ``timeout`` s and ``memory_mb``.

    ``target`` is a module-level function and ``args`` plain JSON values.
    Returns None when it exits normally, otherwise why it did not: the last
    line it wrote to stderr, its exit status, or the time-out.
    """
    with tempfile.TemporaryDirectory(prefix="autograder-process-") as scratch:
        stderr = Path(scratch) / "stderr"
        job = _zygote(tuple(preload)).start(f"{target.__module__}:{target.__name__}", list(args), memory_mb, stderr)
        if not job.started.wait(STARTED_TIMEOUT_S) or job.pid is None:
            return "the grader could not start a grading process"
        if not job.done.wait(timeout):
            _kill(job.pid)
            job.done.wait()
            return f"grading stopped after {timeout} s (the time limit for one notebook)"
        if job.status is None:  # the zygote stopped: its process cannot be waited for, and is stopped too
            _kill(job.pid)
            return "the grading process was lost: the process it was started from stopped"
        if job.status == 0:
            return None
        return _last_line(stderr) or f"the grader exited with status {job.status}"


def shutdown():
    """Stop the zygotes, and any process they started that still runs; the next ``run`` starts a new one."""
    with _lock:
        zygotes = list(_zygotes.values())
        _zygotes.clear()
    for zygote in zygotes:
        zygote.stop()


def limit_memory(memory_mb):
    """Cap this process's data segment, and so that of the kernel it starts, at ``memory_mb``."""
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


# The grader's side ---------------------------------------------------------------


class Job:
    def __init__(self):
        self.pid = self.status = None
        self.started, self.done = threading.Event(), threading.Event()


class Zygote:
    """The grader's handle on one zygote process: sends requests, and hands each reply to its ``Job``."""

    def __init__(self, preload):
        self.process = subprocess.Popen([sys.executable, "-m", "autograder.processes", *preload],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL)  # TensorFlow's imports print there
        self.jobs, self.next_id, self.lock = {}, 0, threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def alive(self):
        return self.process.poll() is None

    def stop(self):
        self.process.stdin.close()
        self.process.wait()

    def start(self, target, args, memory_mb, stderr):
        job = Job()
        with self.lock:
            self.next_id += 1
            self.jobs[self.next_id] = job
            request = {"id": self.next_id, "target": target, "args": args, "env": dict(os.environ), "cwd": os.getcwd(),
                       "memory_mb": memory_mb, "stderr": str(stderr)}
            try:
                self.process.stdin.write(json.dumps(request).encode() + b"\n")
                self.process.stdin.flush()
            except OSError:  # the zygote is gone: the reader wakes every job
                pass
        return job

    def _read(self):
        for line in self.process.stdout:
            message = json.loads(line)
            with self.lock:
                job = self.jobs[message["id"]]
                if "pid" in message:
                    job.pid = message["pid"]
                    job.started.set()
                if "status" in message:
                    job.status = message["status"]
                    del self.jobs[message["id"]]
                    job.done.set()
        with self.lock:  # the zygote stopped: its processes can no longer be waited for
            for job in self.jobs.values():
                job.started.set()
                job.done.set()
            self.jobs.clear()


def _zygote(preload):
    with _lock:
        zygote = _zygotes.get(preload)
        if zygote is None or not zygote.alive():
            zygote = _zygotes[preload] = Zygote(preload)
        return zygote


def _kill(pid):
    """Kill process ``pid`` and its session: the kernel it started is in it."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:  # not yet in a session of its own, or already gone
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _last_line(path):
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


# The zygote -----------------------------------------------------------------------


def serve(preload):
    """Import ``preload``, then fork a process for each request on stdin, until stdin closes."""
    for name in preload:
        try:
            importlib.import_module(name)
        except Exception:  # a process that needs it imports it itself, and says why that fails
            pass
    children, pending = {}, b""
    while True:
        readable, _, _ = select.select([0], [], [], 0.2)
        if readable:
            chunk = os.read(0, 1 << 20)
            if not chunk:  # the grader is gone (stopped, or a cluster's worker killed): nobody waits for these
                for pid in children:
                    _kill(pid)
                return
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                request = json.loads(line)
                pid = os.fork()
                if pid == 0:
                    _child(request)  # never returns
                children[pid] = request["id"]
                _send({"id": request["id"], "pid": pid})
        while children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            _send({"id": children.pop(pid), "status": os.waitstatus_to_exitcode(status)})


def _send(message):
    os.write(1, json.dumps(message).encode() + b"\n")  # no buffered file: nothing for a fork to copy half-written


def _child(request):
    """The forked process: set up as ``run`` promises, call the target, and exit with its status."""
    status = 1
    try:
        os.setsid()
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        with open(os.devnull, "rb") as nothing_in, open(os.devnull, "wb") as nothing_out, \
                open(request["stderr"], "wb") as errors:
            os.dup2(nothing_in.fileno(), 0)
            os.dup2(nothing_out.fileno(), 1)
            os.dup2(errors.fileno(), 2)
        limit_memory(request["memory_mb"])
        module, function = request["target"].split(":")
        getattr(importlib.import_module(module), function)(*request["args"])
        status = 0
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        try:
            sys.stderr.flush()
        finally:
            os._exit(status)


if __name__ == "__main__":
    serve(sys.argv[1:])
