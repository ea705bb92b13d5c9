"""The sandbox around a graded notebook's kernel: its boundary, its refusals, and the attacks it stops.

The attack corpus (tests/submissions/attacks.py) goes through the real grader
(``python -m autograder grade``) twice: with the sandbox, every attack but one
is refused, flagged and earns nothing; without it (``--sandbox off``), the
same attacks succeed, which is what the sandbox prevents. The forgeries
(``FORGERIES``: rebinding ``grade``, patching numpy or the checks through an
obfuscated import, calling the reference) try to get a wrong answer its
points: in the sandbox the grader scores outside the kernel, which holds
neither the checks nor the answers, and they earn nothing; without it the
hidden test cells score in the kernel, as nbgrader's autograde does, and they
succeed.
"""

import csv
import os
import shutil
import socketserver
import threading
import uuid
from pathlib import Path

import nbformat
import pytest

from autograder import cli, runner, sandbox
from autograder.course import ROOT, solution_path
from tests.submissions.attacks import (ATTACKS, BORROWED, BORROWED_EXERCISE, EXITS_IN_CHECK, FORGERIES, HARMFUL, LESSON,
                                       attack_notebook)

needs_sandbox = pytest.mark.skipif(sandbox.probe() is not None, reason=f"no sandbox here: {sandbox.probe()}")
FULL_MARKS = 14.0  # lesson 2's points: 4 + 3 + 3 + 2 + 2 graded by the CLI (the written answer is graded by hand)


def test_the_argument_list_for_a_sample_submission(tmp_path, capsys):
    """The whole boundary, printed: what the kernel sees, writes, and gets from the environment."""
    submission, ipc = tmp_path / "submission", tmp_path / "ipc"
    box = sandbox.describe(submission, ipc, "alice", environ={"DAE_PROFILE": "smoke", "AWS_SECRET_ACCESS_KEY": "x",
                                                              "HOME": "/root", "NBGRADER_EXECUTION": "autograde"})
    args = sandbox.arguments(box, [os.sys.executable, "-m", "ipykernel_launcher", "-f", str(ipc / "kernel.json")])
    with capsys.disabled():
        print("\nthe sandbox of a sample submission:\n  " + "\n  ".join(sandbox.describe_lines(box)))
        print("bwrap's argument list:\n  " + " ".join(args))
    assert args[0] == sandbox.BWRAP and "--die-with-parent" in args and "--clearenv" in args
    namespaces = {"--unshare-all"} if "--unshare-all" in args else {"--unshare-pid", "--unshare-net", "--unshare-ipc"}
    assert namespaces <= set(args)
    assert "--share-net" not in args
    writable = [m.target for m in box.mounts if m.kind in ("bind", "tmpfs")]
    assert writable == ["/dev/shm", "/tmp", sandbox.HOME, str(ipc)]
    assert all(m.size_mb for m in box.mounts if m.kind == "tmpfs")
    shown = " ".join(m.source for m in box.mounts)
    for hidden in ("solutions", "tests", ".git", "lessons"):
        assert str(ROOT / hidden) not in args and str(ROOT / hidden) not in shown
    assert not any(m.target in ("/", "/root", "/home", "/etc", str(ROOT)) for m in box.mounts)
    assert box.environment["HOME"] == sandbox.HOME and box.environment["DAE_PROFILE"] == "smoke"
    assert "AWS_SECRET_ACCESS_KEY" not in box.environment and "x" not in box.environment.values()
    assert args[args.index("--processes") + 1] == str(sandbox.PROCESS_LIMIT)


def test_no_sandbox_is_refused_in_one_line_unless_off(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sandbox, "_probed", {})
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(sandbox.SandboxUnavailable, match="bubblewrap"):
        runner.grade_notebook(tmp_path / "x.ipynb", LESSON)
    runner.check_sandbox("off")  # the instructor's choice: no error
    with pytest.raises(ValueError, match="sandbox='maybe'"):
        runner.check_sandbox("maybe")
    folder = tmp_path / "alice"
    folder.mkdir()
    shutil.copy(solution_path(LESSON), folder)
    assert cli.main(["grade", str(folder), "--out", str(tmp_path / "grades.csv")]) == 2
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and "no sandbox" in error and "--sandbox off" in error
    assert not (tmp_path / "grades.csv").exists()


def test_the_copy_of_the_notebook_folder_leaves_links_and_subfolders_out(tmp_path):
    folder, other = tmp_path / "alice", tmp_path / "bob"
    folder.mkdir(), other.mkdir()
    (folder / "notes.txt").write_text("mine")
    (other / "02_noise_models.ipynb").write_text("bob's")
    (folder / "bob.ipynb").symlink_to(other / "02_noise_models.ipynb")
    (folder / "sub").mkdir()
    runner.copy_folder(folder, tmp_path / "copy")
    assert sorted(p.name for p in (tmp_path / "copy").iterdir()) == ["notes.txt"]


# The attack corpus through the real grader -----------------------------------


class Listener(socketserver.ThreadingTCPServer):
    """A server on the grader's machine that records what reaches it."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self):
        self.received = []
        super().__init__(("127.0.0.1", 0), Handler)


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        self.server.received.append(self.request.recv(100))


def grade_attacks(root, names, sandbox_mode):
    """Grade a batch: the attacks ``names`` and an honest student, ``victim``; returns what the tests look at."""
    course = root / "course"
    submitted = course / "submitted"
    home = root / "home"
    home.mkdir(parents=True)
    (home / "secret.txt").write_text("the instructor's secret")
    (course / "gradebook.db").parent.mkdir(parents=True, exist_ok=True)
    (course / "gradebook.db").write_text("the gradebook")
    victim = submitted / "victim" / f"{LESSON}.ipynb"
    victim.parent.mkdir(parents=True)
    shutil.copy(solution_path(LESSON), victim)
    project_file = ROOT / "autograder" / f"_attack_{uuid.uuid4().hex}.py"
    listener = Listener()
    threading.Thread(target=listener.serve_forever, daemon=True).start()
    targets = {"victim": str(victim), "solution": str(solution_path(LESSON)), "home_secret": str(home / "secret.txt"),
               "gradebook": str(course / "gradebook.db"), "project_file": str(project_file),
               "port": listener.server_address[1]}
    for name in names:
        (submitted / name).mkdir()
        nbformat.write(attack_notebook(name, targets), submitted / name / f"{LESSON}.ipynb")
    saved = {name: os.environ.get(name) for name in ("HOME", "AUTOGRADER_TEST_SECRET")}
    os.environ.update(HOME=str(home), AUTOGRADER_TEST_SECRET="hunter2")
    out = course / "feedback" / "grades.csv"
    try:
        status = cli.main(["grade", str(submitted), "--out", str(out), "--jobs", "2", "--cell-timeout", "150",
                           "--sandbox", sandbox_mode])
    finally:
        listener.shutdown()
        for name, value in saved.items():
            os.environ.pop(name, None) if value is None else os.environ.__setitem__(name, value)
        wrote_project = project_file.exists()
        project_file.unlink(missing_ok=True)
    with open(out) as f:
        grades = {row["student"]: row for row in csv.DictReader(f)}
    return {"status": status, "grades": grades, "received": listener.received, "wrote_project": wrote_project,
            "gradebook": (course / "gradebook.db").read_text(), "victim": victim.read_text(),
            "submitted": sorted(p.name for p in submitted.rglob("*") if p.is_file())}


def refused(grades, name):
    """The one-line reason the grader shows when the attack's cell failed, or None."""
    return next((flag for flag in grades[name]["flags"].split("; ") if flag.startswith("cell psnr raised")), None)


@pytest.fixture(scope="module")
def sandboxed(tmp_path_factory):
    return grade_attacks(tmp_path_factory.mktemp("sandboxed"), [*ATTACKS, *FORGERIES, EXITS_IN_CHECK, BORROWED], "required")


@pytest.fixture(scope="module")
def unsandboxed(tmp_path_factory):
    names = [name for name in ATTACKS if name not in HARMFUL]
    return grade_attacks(tmp_path_factory.mktemp("unsandboxed"), [*names, *FORGERIES, BORROWED], "off")


@needs_sandbox
@pytest.mark.slow
@pytest.mark.parametrize("name", [name for name, (_, stopped) in ATTACKS.items() if stopped])
def test_the_sandbox_refuses_each_attack_and_flags_it(sandboxed, name):
    grades = sandboxed["grades"]
    assert sandboxed["status"] == 0
    reason = refused(grades, name)
    print(f"{name}: {reason}")
    assert reason, f"{name} was not refused: {grades[name]['flags']}"
    if name == "fork_bomb":  # the kernel may lose threads it needs afterwards: never more than honest marks
        assert float(grades[name]["score"]) <= FULL_MARKS
    else:  # the correct answers before and after the attack keep their points
        assert float(grades[name]["score"]) == FULL_MARKS


@needs_sandbox
@pytest.mark.slow
def test_the_sandbox_leaves_every_other_file_and_grade_alone(sandboxed):
    assert sandboxed["gradebook"] == "the gradebook"
    assert sandboxed["victim"] == Path(solution_path(LESSON)).read_text()
    assert not sandboxed["wrote_project"]
    assert sandboxed["received"] == []
    assert float(sandboxed["grades"]["victim"]["score"]) == FULL_MARKS
    assert not refused(sandboxed["grades"], "victim")
    assert not any(name.startswith("fill") for name in sandboxed["submitted"])  # the disk filler wrote in its sandbox


@needs_sandbox
@pytest.mark.slow
def test_quitting_the_kernel_in_a_graded_call_costs_that_exercise_only(sandboxed):
    grades = sandboxed["grades"]
    assert float(grades[EXITS_IN_CHECK]["score"]) == FULL_MARKS - 2
    assert "the kernel died in cell test_psnr" in grades[EXITS_IN_CHECK]["flags"]


@needs_sandbox
@pytest.mark.slow
@pytest.mark.parametrize("name", FORGERIES)
def test_a_forgery_earns_nothing(sandboxed, name):
    """A wrong psnr with code that forges its points earns what the wrong psnr earns: none of its 2."""
    assert float(sandboxed["grades"][name]["score"]) == FULL_MARKS - 2


@needs_sandbox
@pytest.mark.slow
def test_an_answer_borrowed_from_the_reference_earns_nothing(sandboxed, unsandboxed):
    """clipped_noise_mean handed in as the reference's, imported at the top of its cell. The grader's look at the
    function's own source misses it; the cell is flagged for the instructor, and without the sandbox (the full
    reference in reach) it earns its 2 points. The sandboxed kernel sees the student edition, which holds no answer:
    the import fails, and the grade says why."""
    flags = sandboxed["grades"][BORROWED]["flags"]
    print(flags)
    assert float(sandboxed["grades"][BORROWED]["score"]) == FULL_MARKS - 2
    assert f"cell {BORROWED_EXERCISE} raised ImportError: cannot import name '{BORROWED_EXERCISE}'" in flags
    assert f"imports the reference implementation (dae_reference) in {BORROWED_EXERCISE}" in flags
    assert float(unsandboxed["grades"][BORROWED]["score"]) == FULL_MARKS
    assert f"imports the reference implementation (dae_reference) in {BORROWED_EXERCISE}" in unsandboxed["grades"][BORROWED]["flags"]


@needs_sandbox
@pytest.mark.slow
def test_without_the_sandbox_the_attacks_succeed(unsandboxed):
    """What the sandbox prevents. The fork bomb and the disk filler are not run: nothing would stop them."""
    grades = unsandboxed["grades"]
    assert unsandboxed["status"] == 0
    succeeded = sorted(name for name in grades if name in ATTACKS and not refused(grades, name))
    print("succeed without the sandbox:", ", ".join(succeeded))
    assert succeeded == sorted(name for name in ATTACKS if name not in HARMFUL)
    forged = {name: float(grades[name]["score"]) for name in FORGERIES}
    print("forged scores without the sandbox (a wrong psnr earns 12 of 14):", forged)
    assert all(score > FULL_MARKS - 2 for score in forged.values())  # nbgrader's in-kernel scoring is forgeable
    assert unsandboxed["gradebook"] != "the gradebook"
    assert unsandboxed["victim"] == "{}"  # the victim's notebook was overwritten
    assert unsandboxed["wrote_project"]
    assert unsandboxed["received"] == [b"stolen"]
