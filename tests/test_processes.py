"""Grading processes forked from a zygote (autograder/processes.py) behave as the subprocesses they replace."""

import concurrent.futures
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder import processes

PRELOAD = ("tests.test_processes", "wave")  # wave: a module nothing else here imports


@pytest.fixture(autouse=True)
def fresh_zygotes():
    processes.shutdown()
    yield
    processes.shutdown()


def write(path, text):
    Path(path).write_text(text)


def report_state(path):
    """Write what the forked process starts with: the preloaded module, its environment, its session and limits."""
    import resource

    lines = [f"preloaded={'wave' in sys.modules}", f"variable={os.environ.get('PROCESSES_TEST', '')}",
             f"leader={os.getsid(0) == os.getpid()}", f"data_limit={resource.getrlimit(resource.RLIMIT_DATA)[0]}",
             f"cwd={os.getcwd()}"]
    write(path, "\n".join(lines))


def fail(message):
    print("some progress on stdout")
    raise ValueError(message)


def sleep_with_child(pid_file):
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    write(pid_file, str(child.pid))
    time.sleep(600)


def allocate(megabytes):
    bytearray(megabytes << 20)


def exit_with(status):
    sys.exit(status)


def test_the_process_starts_preloaded_in_a_session_of_its_own_with_the_callers_environment(tmp_path, monkeypatch):
    out = tmp_path / "state"
    assert processes.run(report_state, [str(tmp_path / "warm-up")], 120, 4096, PRELOAD) is None
    monkeypatch.setenv("PROCESSES_TEST", "set after the zygote started")
    monkeypatch.chdir(tmp_path)
    assert processes.run(report_state, [str(out)], 120, 4096, PRELOAD) is None
    state = dict(line.split("=", 1) for line in out.read_text().splitlines())
    assert state == {"preloaded": "True", "variable": "set after the zygote started", "leader": "True",
                     "data_limit": str(4096 << 20), "cwd": str(tmp_path)}


def test_a_failure_is_reported_by_the_last_line_of_its_stderr(tmp_path):
    assert processes.run(fail, ["the answer cell broke"], 120, 4096, PRELOAD) == "ValueError: the answer cell broke"
    assert processes.run(exit_with, [3], 120, 4096, PRELOAD) == "the grader exited with status 3"


def test_the_memory_limit_holds(tmp_path):
    assert processes.run(allocate, [64], 120, 4096, PRELOAD) is None
    assert processes.run(allocate, [8192], 120, 4096, PRELOAD) == "MemoryError"


def test_a_time_out_kills_the_process_and_what_it_started(tmp_path):
    pid_file = tmp_path / "grandchild"
    processes.run(report_state, [str(tmp_path / "warm-up")], 120, 4096, PRELOAD)  # the zygote's imports are not timed
    started = time.monotonic()
    stopped = processes.run(sleep_with_child, [str(pid_file)], 5, 4096, PRELOAD)
    assert stopped == "grading stopped after 5 s (the time limit for one notebook)"
    assert time.monotonic() - started < 60
    assert_stopped(int(pid_file.read_text()))


def test_processes_run_at_once_and_each_reports_its_own_outcome(tmp_path):
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(lambda i: processes.run(fail if i % 2 else report_state,
                                                         [f"number {i}" if i % 2 else str(tmp_path / f"{i}")],
                                                         120, 4096, PRELOAD), range(8)))
    assert outcomes == [None if i % 2 == 0 else f"ValueError: number {i}" for i in range(8)]


def test_a_lost_zygote_is_reported_its_process_stopped_and_the_zygote_replaced(tmp_path):
    pid_file = tmp_path / "grandchild"
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        running = pool.submit(processes.run, sleep_with_child, [str(pid_file)], 600, 4096, PRELOAD)
        while not pid_file.exists():
            time.sleep(0.1)
        zygote = processes._zygotes[PRELOAD]
        os.kill(zygote.process.pid, signal.SIGKILL)
        assert running.result(timeout=60) == "the grading process was lost: the process it was started from stopped"
    assert_stopped(int(pid_file.read_text()))
    assert processes.run(report_state, [str(tmp_path / "b")], 120, 4096, PRELOAD) is None
    assert processes._zygotes[PRELOAD] is not zygote


def assert_stopped(pid):
    for _ in range(50):  # killed, then reaped by init once orphaned
        try:
            if "State:\tZ" in Path(f"/proc/{pid}/status").read_text():
                return
        except FileNotFoundError:
            return
        time.sleep(0.1)
    pytest.fail(f"process {pid} is still running")
