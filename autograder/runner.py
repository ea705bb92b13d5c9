"""Grade one notebook in a process of its own, the way nbgrader would.

The parent (``grade_notebook``) runs ``run`` in a process of its own, forked
from a server that has done the grader's imports (``autograder.processes``),
with a memory limit and a wall-clock limit, and reads the JSON it writes. The child
rebuilds the notebook for grading: the student's cells, except that every
graded test cell (the hidden test: one call into the checks) and every other
locked cell (set-up, training settings) is taken from ``solutions/``, and the
quick-check cells are left out. It runs the cells one by
one in a Jupyter kernel with ``$NBGRADER_EXECUTION`` set, as nbgrader does, and
scores each test cell with nbgrader's own rule (``determine_grade``), so both
ways give the same points. It writes its results after every graded cell: a
submission that has to be stopped keeps what it had earned.

With ``sandbox="required"`` (the default) only the kernel, the student's code,
runs in a bubblewrap sandbox (``autograder.sandbox``): the child starts it
through ``SandboxKernelManager``, which wraps Jupyter's kernel command in
``bwrap`` and talks to it over Unix socket files (Jupyter's ``ipc`` transport),
since the sandbox has no network. The cells are restored from ``solutions/``
here, outside, before the kernel starts: the kernel never sees that folder,
and of the course's code it sees only the student edition
(``autograder.grading_tree``). The test cells are then not run in the kernel:
the child grades each one itself (``autograder.remote``), calling the
student's function in the kernel, so that the points are decided where the
student's code cannot reach. Where no sandbox can be made, ``grade_notebook``
raises ``SandboxUnavailable``; ``sandbox="off"`` runs the kernel with the
grader's rights and scores the test cells in it, as nbgrader does.
"""

import functools
import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from autograder import core, course, grading_tree, processes, remote, sandbox
from autograder.course import lesson_path, solution_path
from autograder.sandbox import SandboxUnavailable

SANDBOX_MODES = ("required", "off")

NOTEBOOK_TIMEOUT_S = 900
MEMORY_LIMIT_MB = 8192
# Answer cells that bring in the reference or read the autograder are flagged.
INTEGRITY_PATTERNS = {
    "imports the reference implementation (dae_reference)": re.compile(r"\b(import|from)\s+dae_reference\b|dae_reference\."),
    "refers to the autograder's files": re.compile(r"\bautograder\b"),
}
# What each notebook's grading process imports: once, in the server it is forked from. Scoring outside the
# sandbox runs the checks here, and the checks of lessons 1, 3, 4 and 5 need TensorFlow.
PRELOAD = ["nbformat", "nbclient", "nbgrader.utils", "jupyter_client", "autograder.runner"]
PRELOAD_SCORING = [*PRELOAD, "tensorflow", "keras", *core.LESSON_MODULES]


def grade_notebook(path, lesson, cell_timeout=None, timeout=NOTEBOOK_TIMEOUT_S, memory_mb=MEMORY_LIMIT_MB,
                   sandbox="required"):
    """Grade the notebook at ``path`` as lesson ``lesson`` in a child process; returns the result dict.

    ``cell_timeout`` (seconds per cell) overrides the course's budgets; ``timeout``
    bounds the whole notebook and ``memory_mb`` its memory. ``sandbox`` is
    ``"required"`` (the kernel runs in a sandbox; raises ``SandboxUnavailable``
    where none can be made) or ``"off"``.
    """
    check_sandbox(sandbox)
    sandboxed = sandbox == "required"
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "result.json"
        stopped = processes.run(run, (str(path), lesson, str(out), cell_timeout, sandboxed), timeout, memory_mb,
                                preload=PRELOAD_SCORING if sandboxed else PRELOAD)
        result = json.loads(out.read_text()) if out.exists() else empty_result(path, lesson)
    if stopped:
        result["error"] = result.get("error") or stopped
        result["flags"].append("stopped")
    return result


def check_sandbox(mode):
    """Raise ``SandboxUnavailable`` (one line) if ``mode`` is "required" and no sandbox can be made here."""
    if mode not in SANDBOX_MODES:
        raise ValueError(f"sandbox={mode!r} is invalid: expected one of {', '.join(SANDBOX_MODES)}")
    if mode == "required" and (reason := sandbox.probe()):
        raise SandboxUnavailable(f"no sandbox for the students' code: {reason}; "
                                 "grade with --sandbox off to run it with your rights")
    if mode == "required":
        try:
            grading_tree.grading_tree()  # built once for these sources, before any kernel needs it
        except (grading_tree.TreeUnavailable, OSError) as error:
            raise SandboxUnavailable(f"no sandbox for the students' code: {error}") from None


def empty_result(path, lesson, error=None):
    """Every graded cell of ``lesson`` at zero, and why."""
    source = _read(solution_path(lesson))
    exercises = [{"name": _exercise_name(cell), "score": 0.0, "max_score": float(_grader(cell)["points"]),
                  "feedback": error or "not graded"} for cell in source.cells if _is_test(cell)]
    return {"notebook": str(path), "lesson": lesson, "exercises": exercises, "flags": [], "error": error}


# The child ---------------------------------------------------------------------


def run(path, lesson, out, cell_timeout=None, sandboxed=True):
    """Grade in this process; writes the result to ``out`` after every graded cell.

    ``cell_timeout`` (seconds) applies to every cell; None gives each cell the
    course's budget (``course.cell_timeout``). ``sandboxed`` runs the kernel
    in a sandbox (``SandboxKernelManager``). A cell that kills the kernel
    (``os._exit()``, a crash) scores what a test cell there would, zero; the
    kernel is restarted, the cells before it run again, and grading goes on
    without it.
    """
    result = empty_result(path, lesson)
    try:
        student = _read(path)
    except Exception as error:  # not JSON, not a notebook, empty: graded zero, with the reason
        result = empty_result(path, lesson, f"not a readable notebook: {type(error).__name__}: {_first_line(error)}")
        result["flags"].append("unreadable")
        Path(out).write_text(json.dumps(result))
        return
    notebook, result["flags"] = _grading_notebook(student, lesson)
    Path(out).write_text(json.dumps(result))

    os.environ["NBGRADER_EXECUTION"] = "autograde"  # the lessons pick their fast profile, as under nbgrader
    with tempfile.TemporaryDirectory(prefix="autograder-kernel-") as scratch:
        client = _client(notebook, path, lesson, cell_timeout, sandboxed, scratch)
        _run_notebook(client, notebook, result, out)


def _client(notebook, path, lesson, cell_timeout, sandboxed, scratch):
    """The NotebookClient that runs ``notebook``: its kernel sandboxed in ``scratch`` if ``sandboxed``."""
    from nbclient import NotebookClient
    from traitlets.config import Config

    timeout_func = (lambda cell: cell_timeout) if cell_timeout else course.cell_timeout
    options = dict(timeout_func=timeout_func, interrupt_on_timeout=True, allow_errors=True, kernel_name="python3")
    if not sandboxed:
        return NotebookClient(notebook, resources={"metadata": {"path": str(Path(path).parent)}}, **options)
    submission = Path(scratch) / "submission"
    copy_folder(Path(path).parent, submission)
    tree = grading_tree.grading_tree()
    if earlier := grading_tree.earlier_answers(tree, lesson):  # as the lesson's release carries them, whatever was handed in
        shutil.copytree(earlier, submission / earlier.name)
    config = Config({"SandboxKernelManager": {"scratch": scratch, "workdir_name": Path(path).parent.name or "work",
                                              "packages": str(tree)}})
    client = NotebookClient(notebook, resources={"metadata": {"path": scratch}}, kernel_manager_class=kernel_manager_class(),
                            config=config, **options)
    client.scores_outside = True  # the test cells are graded here, the student's code answering from the kernel
    return client


def _run_notebook(client, notebook, result, out):
    """Run ``notebook``'s cells with ``client``, again without a cell that killed the kernel."""
    from nbclient.exceptions import DeadKernelError

    skip = set()
    while True:
        progress = {}
        try:
            _run_cells(client, notebook, skip, result, out, progress)
            return
        except DeadKernelError:
            if "cell" not in progress:  # died before running anything: a restart would too
                raise
            index = progress["cell"]
            skip.add(index)
            result["flags"].append(f"the kernel died in cell {_cell_name(notebook.cells[index])}: restarted, "
                                   "and graded without that cell")
            if _is_test(notebook.cells[index]):
                _score(result, notebook.cells[index], 0.0,
                       "the kernel died while this cell ran (os._exit() or a crash in your code)", out)


def _run_cells(client, notebook, skip, result, out, progress):
    """Run the code cells not in ``skip`` in a new kernel, scoring the test cells as they finish.

    ``progress['cell']`` is the index of the cell running, so that the caller
    knows which one killed the kernel; test cells scored are added to ``skip``,
    so that a restart does not grade them again.
    """
    from nbgrader.utils import determine_grade

    failed = {}  # the cells that raised (by _cell_name) -> their error, to explain a test's NameError
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code" or index in skip:
                continue
            progress["cell"] = index
            started = time.monotonic()
            if _is_test(cell) and getattr(client, "scores_outside", False):
                _score_outside(client, cell, index, result, out, failed)
                skip.add(index)
                continue
            client.execute_cell(cell, index)
            if _is_test(cell):
                score, max_score = determine_grade(cell)
                feedback = _feedback(cell, time.monotonic() - started, client.timeout_func(cell), failed)
                _score(result, cell, float(score), feedback, out, float(max_score))
                skip.add(index)
            elif error := _error(cell):
                failed[_cell_name(cell)] = error
                flag = f"cell {_cell_name(cell)} raised {error[:200]}"
                if flag not in result["flags"]:  # a restarted kernel runs the cell again
                    result["flags"].append(flag)


def _score_outside(client, cell, index, result, out, failed):
    """Grade test ``cell`` here, its exercise's answer called in the kernel (``autograder.remote``)."""
    budget = client.timeout_func(cell)
    core.load_lesson(result["lesson"])  # not the other lessons': TensorFlow is imported only where a check needs it
    earned, report, served, seconds = remote.grade_cell(client, cell, index, _exercise_name(cell), budget,
                                                        client.km.ipc_dir, _function_source(client.nb, _exercise_name(cell)))
    if earned is None:  # the cell did not serve to the end: judged by its error, as in the kernel
        feedback = _feedback(served, seconds, budget, failed)
        _score(result, cell, 0.0, feedback or "the kernel stopped answering while this cell ran", out)
        return
    _score(result, cell, float(earned), report.strip()[:4000], out)


def _function_source(notebook, name):
    """The source of the function ``name`` as the student's answer cell defines it, or ''."""
    import ast

    for cell in notebook.cells:
        if cell.metadata.get("answer") != name:
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            return ""
        return next((ast.get_source_segment(cell.source, node) or "" for node in tree.body
                     if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name), "")
    return ""


def _score(result, cell, score, feedback, out, max_score=None):
    """Record a test cell's points and feedback, and write the result so far to ``out``."""
    exercise = next(e for e in result["exercises"] if e["name"] == _exercise_name(cell))
    exercise.update(score=score, feedback=feedback)
    if max_score is not None:
        exercise["max_score"] = max_score
    Path(out).write_text(json.dumps(result))


def _grading_notebook(student, lesson):
    """The student's cells with the test and other locked cells restored from the source; returns (notebook, flags).

    nbgrader restores the same cells from its gradebook before autograding.
    """
    import nbformat

    restored = {_grader(c)["grade_id"]: c for c in _read(solution_path(lesson)).cells
                if _is_test(c) or _grader(c).get("locked")}
    released = {_grader(c).get("grade_id"): c.source for c in _read(lesson_path(lesson)).cells if _grader(c)}
    cells, seen, flags = [], set(), []
    for cell in student.cells:
        grade_id = _grader(cell).get("grade_id", "")
        if grade_id.startswith("check_"):
            continue  # quick checks print hints; grading does not need them
        if grade_id in restored:
            if cell.source not in (released.get(grade_id), restored[grade_id].source):
                flags.append(f"changed the locked cell {grade_id}")
            cells.append(restored[grade_id])
            seen.add(grade_id)
        elif cell.cell_type == "code":
            # Only the source is kept: metadata a student edited cannot make a cell count as a test.
            answer = grade_id if _grader(cell).get("solution") else None
            if answer:
                flags += [f"{what} in {grade_id}" for what, pattern in INTEGRITY_PATTERNS.items() if pattern.search(cell.source)]
            cells.append(nbformat.v4.new_code_cell(cell.source, metadata={"answer": answer} if answer else {}))
    for grade_id, cell in restored.items():
        if _is_test(cell) and grade_id not in seen:
            flags.append(f"deleted the test cell {grade_id}")
            cells.append(cell)
    notebook = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                              "display_name": "Python 3"}})
    return notebook, flags


def _feedback(cell, seconds, cell_timeout, failed):
    """What a test cell's points come from, in words: its report, or why it has none.

    ``failed`` maps the cells that raised before this one (``_cell_name``) to
    their error.
    """
    error = _error(cell)
    if error.startswith("CellTimeoutError") or (error and seconds >= cell_timeout):
        return f"the cell ran longer than {cell_timeout} s and was stopped"
    undefined = re.fullmatch(r"NameError: name '(\w+)' is not defined", error)
    if undefined:  # a test cell only names the student's function and the lesson's results
        name = undefined.group(1)
        if name in failed:
            return f"{name} is not defined: your cell {name} stopped before defining it, with {failed[name]}"
        if name == _exercise_name(cell):
            return f"{name} is not defined: is your function still called {name}, and did its cell run?"
        if failed:
            where, first = next(iter(failed.items()))
            return f"{name} is not defined: an earlier cell failed (cell {where}: {first})"
    if error:
        return error
    if any(o.output_type == "stream" and o.name == "stderr" for o in cell.outputs):
        return "the test cell wrote to stderr, which nbgrader scores as zero"
    text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    return text.strip()[:4000]


def _cell_name(cell):
    """How feedback names a cell: its nbgrader id (an answer's is its function), or its first line."""
    return cell.metadata.get("answer") or _grader(cell).get("grade_id") or repr(_first_line(cell.source)[:40])


def _error(cell):
    """The first error a code cell raised, in one line, or ''."""
    errors = [o for o in cell.outputs if o.output_type == "error"]
    return f"{errors[0].ename}: {_first_line(errors[0].evalue)}" if errors else ""


def _read(path):
    import nbformat

    return nbformat.read(str(path), as_version=4)


def _grader(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def _is_test(cell):
    """A hidden test cell: graded, not an answer, and worth points (a quick-check cell is worth none)."""
    grader = _grader(cell)
    return cell.cell_type == "code" and grader.get("grade") and not grader.get("solution") and grader.get("points", 0) > 0


def _exercise_name(cell):
    return _grader(cell)["grade_id"].removeprefix("test_")


def _first_line(text):
    lines = str(text).strip().splitlines()
    return lines[0][:300] if lines else ""


# The sandboxed kernel -----------------------------------------------------------


def copy_folder(folder, copy):
    """Copy ``folder_files(folder)`` to ``copy``, readable by all: what the sandboxed kernel finds in its working directory."""
    copy.mkdir(mode=0o755)
    copy.chmod(0o755)  # whatever the umask: the kernel may run as a user of its own
    for entry in folder_files(folder):
        shutil.copyfile(entry, copy / entry.name, follow_symlinks=False)
        (copy / entry.name).chmod(0o644)


def folder_files(folder):
    """The files of a notebook's folder that its kernel gets: the regular ones (a link could point at another
    student's work; subfolders are left out), in name order, as long as they fit in half the kernel's scratch space."""
    budget, files = sandbox.SCRATCH_MB * 1024 * 1024 // 2, []
    for entry in sorted(Path(folder).iterdir()):
        if not entry.is_symlink() and entry.is_file() and entry.stat().st_size <= budget:
            budget -= entry.stat().st_size
            files.append(entry)
    return files


@functools.cache
def kernel_manager_class():
    """``SandboxKernelManager``, made on first use: jupyter_client is imported only where a kernel starts."""
    from jupyter_client import AsyncKernelManager
    from traitlets import CaselessStrEnum, Unicode

    class SandboxKernelManager(AsyncKernelManager):
        """A Jupyter kernel manager whose kernel runs in ``autograder.sandbox``'s sandbox.

        The kernel has no network, so it listens on Unix socket files
        (``transport="ipc"``) in a folder of its own, the one folder it shares
        with the grader. Interrupts are sent as messages on the control
        channel, since a signal to bwrap would not reach the kernel inside.
        """

        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)
        scratch = Unicode(config=True, help="a host folder of this kernel's: holds the copy of the notebook's folder")
        workdir_name = Unicode("work", config=True, help="the working directory's name in the sandbox")
        packages = Unicode("", config=True, help="the folder of the autograder/ and dae_reference/ it sees")

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.ipc_dir = Path(tempfile.mkdtemp(prefix="ipc-", dir=self.scratch))
            self.sandbox = sandbox.describe(Path(self.scratch) / "submission", self.ipc_dir, self.workdir_name,
                                            packages=self.packages or None)
            if self.sandbox.uid:  # the kernel runs as a user of its own: it creates its sockets here
                os.chown(self.ipc_dir, self.sandbox.uid, self.sandbox.uid)
            self.connection_file = str(self.ipc_dir / "kernel.json")
            self.ip = str(self.ipc_dir / "kernel")  # the socket files are kernel-PORT

        @property
        def kernel_spec(self):
            spec = super().kernel_spec
            if spec is not None:
                spec.interrupt_mode = "message"
            return spec

        def write_connection_file(self, **kwargs):
            super().write_connection_file(**kwargs)
            if self.sandbox.uid:
                os.chown(self.connection_file, self.sandbox.uid, self.sandbox.uid)

        def format_kernel_cmd(self, extra_arguments=None):
            return sandbox.arguments(self.sandbox, super().format_kernel_cmd(extra_arguments))

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            # bwrap's own environment stays readable in its /proc/1/environ inside: give it none of the grader's
            kw["env"] = {"PATH": os.environ.get("PATH", os.defpath)}
            await super()._async_launch_kernel(kernel_cmd, **kw)

    return SandboxKernelManager
