"""Grade submissions without a gradebook: ``python -m autograder grade PATH``.

PATH is one notebook, one student's folder, or a folder of student folders
(nbgrader's ``submitted/`` layout works as it is). Each notebook is graded in
a process of its own, with a time and a memory limit, by the same cells and
scoring rule as nbgrader's autograde; its kernel, the student's code, runs in
a bubblewrap sandbox (``--sandbox required``, the default: no network, no view
of other submissions, solutions/, the hidden checks or the output; see
autograder/sandbox.py), and the checks run outside it, calling the student's
functions in it (autograder/remote.py). Where no sandbox can be made the
grader says why and stops; ``--sandbox off`` grades with the instructor's
rights and scores in the kernel, as nbgrader does.

Students are graded ``--jobs`` at a time on this machine, or on Dask: a
local cluster of ``--workers`` processes, or an existing one at
``--scheduler`` (autograder/batch.py, autograder/cluster.py). Writes, beside
``--out`` (autograder/results.py):

    results.jsonl         one line per graded notebook, as it arrives (--resume grades only what it lacks)
    grades.csv            one row per student and notebook: student,notebook,score,max_score,flags
    grades_exercises.csv  one row per exercise: student,notebook,exercise,score,max_score,feedback
    feedback/STUDENT.txt  what each student lost, and why

The exit status is non-zero only when the grader itself fails (a bad
argument, an unwritable output), never because of a student's notebook.
Written answers are graded by hand and are not in these scores.
"""

import argparse
import concurrent.futures
import contextlib
import sys
import tempfile
import time
from pathlib import Path

from autograder import batch, class_report, cluster, export, gradebook, results
from autograder.course import CELL_TIMEOUT_S, LESSONS, TRAINING_CELLS
from autograder.results import feedback_text, total
from autograder.runner import MEMORY_LIMIT_MB, NOTEBOOK_TIMEOUT_S, SANDBOX_MODES, check_sandbox
from autograder.sandbox import SandboxUnavailable


class UsageError(Exception):
    """A bad argument: reported in one line, exit status 2."""


def find_submissions(path):
    """``(student, lesson, notebook path)`` for every lesson notebook under ``path``, sorted."""
    path = Path(path)
    if not path.exists():
        raise UsageError(f"{path} does not exist")
    if path.is_file():
        lesson = path.stem
        if lesson not in LESSONS:
            raise UsageError(f"{path.name} is not a lesson notebook; expected one of {', '.join(f'{n}.ipynb' for n in LESSONS)}")
        return [(path.resolve().parent.name, lesson, path)]
    found = []
    for notebook in sorted(path.rglob("*.ipynb")):
        relative = notebook.relative_to(path)
        if notebook.stem not in LESSONS or ".ipynb_checkpoints" in relative.parts:
            continue
        first = relative.parts[0]
        is_own_folder = len(relative.parts) == 1 or first in LESSONS  # PATH is one student's folder
        found.append((path.resolve().name if is_own_folder else first, notebook.stem, notebook))
    if not found:
        raise UsageError(f"no lesson notebooks under {path}; expected files named like {LESSONS[0]}.ipynb")
    return found


def grade_all(submissions, jobs=1, progress=None, log=None, done=(), executor=None, **limits):
    """Grade ``(student, lesson, path)`` submissions; ``(student, lesson, result)`` in their order.

    On ``executor`` (a Dask cluster's, ``autograder.cluster``) or a pool of
    ``jobs`` threads; records go to ``log`` (``results.Log``), a scratch one if
    None; ``done`` are an earlier run's records (``--resume``).
    """
    items = [batch.submission(*s) for s in submissions]
    with contextlib.ExitStack() as stack:
        if log is None:
            scratch = stack.enter_context(tempfile.TemporaryDirectory())
            log = stack.enter_context(results.Log(Path(scratch) / results.LOG_NAME))
        per_student = executor is not None  # a cluster gets one task per student, a thread pool one per notebook
        if executor is None:
            executor = stack.enter_context(concurrent.futures.ThreadPoolExecutor(max_workers=jobs))
        return batch.grade_class(items, executor, log, progress, done, per_student, **limits)


class Progress:
    """A progress bar on stderr, a line per task done, with the time left estimated from the pace so far."""

    def __init__(self, stream=None):
        self.stream, self.started = stream or sys.stderr, time.monotonic()

    def __call__(self, done, total_count, student, records):
        elapsed = time.monotonic() - self.started
        width = 20
        bar = "#" * (width * done // total_count) + "." * (width - width * done // total_count)
        scores = ", ".join("{} {:g}/{:g}".format(r["lesson"], *total(r["result"])) for r in records)
        left = elapsed / done * (total_count - done)
        pace = f"{_duration(elapsed)} so far, about {_duration(left)} left" if done < total_count else _duration(elapsed)
        print(f"[{bar}] {done}/{total_count}  {student}: {scores or 'not graded'}  ({pace})", file=self.stream, flush=True)


def _earlier_records(log_path):
    try:
        return results.read(log_path)
    except ValueError as error:
        raise UsageError(f"cannot resume: {error}") from None


def _duration(seconds):
    minutes, seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    grade = commands.add_parser("grade", help="grade notebooks into grades.csv and feedback files")
    grade.add_argument("path", type=Path, help="a notebook, a student's folder, or a folder of student folders")
    grade.add_argument("--out", type=Path, default=Path("grades.csv"), help="the CSV to write (default grades.csv)")
    where = grade.add_mutually_exclusive_group()
    where.add_argument("--jobs", type=int, default=1, help="notebooks graded at once on this machine (default 1)")
    where.add_argument("--workers", type=int, help="grade on a local Dask cluster of this many worker processes")
    where.add_argument("--scheduler", help="grade on the Dask cluster whose scheduler is at this address "
                                           "(tcp://HOST:8786); its workers need the course's environment")
    grade.add_argument("--resume", action="store_true",
                       help="keep the results.jsonl beside --out and grade only the notebooks it lacks")
    grade.add_argument("--gradebook", type=Path, metavar="COURSE",
                       help="also record the scores in the gradebook of the nbgrader course COURSE, as its autograde "
                            "would (PATH must then be COURSE/submitted)")
    grade.add_argument("--cell-timeout", type=int, help=f"seconds per cell (default {CELL_TIMEOUT_S}, "
                       f"{max(TRAINING_CELLS.values())} for lesson 4's trainings)")
    grade.add_argument("--timeout", type=int, default=NOTEBOOK_TIMEOUT_S, help=f"seconds per notebook (default {NOTEBOOK_TIMEOUT_S})")
    grade.add_argument("--memory-mb", type=int, default=MEMORY_LIMIT_MB, help=f"memory per notebook (default {MEMORY_LIMIT_MB})")
    grade.add_argument("--sandbox", choices=SANDBOX_MODES, default="required",
                       help="run each notebook's kernel in a bubblewrap sandbox (required, the default) "
                            "or with your rights (off)")
    export.add_parser(commands)
    class_report.add_parser(commands)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.command == "export":
        return export.main(args)
    if args.command == "report":
        return class_report.main(args)
    try:
        for name in ("jobs", "workers", "cell_timeout", "timeout", "memory_mb"):
            if getattr(args, name) is not None and getattr(args, name) < 1:
                raise UsageError(f"--{name.replace('_', '-')}={getattr(args, name)} is invalid: expected a positive integer")
        submissions = find_submissions(args.path)
        if args.gradebook:
            gradebook.check_layout(args.gradebook, submissions)
        log_path = args.out.with_name(results.LOG_NAME)
        done = _earlier_records(log_path) if args.resume else []
        with contextlib.ExitStack() as stack:
            executor = None
            if args.workers or args.scheduler:
                executor = stack.enter_context(cluster.executor(args.scheduler, args.workers))
                executor.submit(check_sandbox, args.sandbox).result()  # on a worker: that is where the sandbox runs
            else:
                check_sandbox(args.sandbox)  # once for the run, before any student's code
            if args.sandbox == "off":
                print("warning: --sandbox off: the students' code runs with your rights", file=sys.stderr)
            log = stack.enter_context(results.Log(log_path, kept=done))
            graded = grade_all(submissions, args.jobs, Progress(), log, done, executor, cell_timeout=args.cell_timeout,
                               timeout=args.timeout, memory_mb=args.memory_mb, sandbox=args.sandbox)
        written = results.write_reports(graded, args.out)
        if args.gradebook:
            gradebook.record(args.gradebook, graded)
            written.append(args.gradebook / "gradebook.db")
    except (UsageError, SandboxUnavailable, cluster.ClusterUnavailable, gradebook.GradebookError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1

    for student, lesson, result in graded:
        print(feedback_text(f"{student} {lesson}", result))
    print("wrote " + ", ".join(str(p) for p in [log_path, *written]))
    return 0
