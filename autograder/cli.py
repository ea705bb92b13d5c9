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
rights and scores in the kernel, as nbgrader does. Writes:

    grades.csv            one row per student and notebook: student,notebook,score,max_score,flags
    grades_exercises.csv  one row per exercise: student,notebook,exercise,score,max_score,feedback
    feedback/STUDENT.txt  what each student lost, and why

The exit status is non-zero only when the grader itself fails (a bad
argument, an unwritable output), never because of a student's notebook.
Written answers are graded by hand and are not in these scores.
"""

import argparse
import concurrent.futures
import csv
import sys
from pathlib import Path

from autograder import class_report
from autograder.course import CELL_TIMEOUT_S, LESSONS, TRAINING_CELLS
from autograder.runner import MEMORY_LIMIT_MB, NOTEBOOK_TIMEOUT_S, SANDBOX_MODES, check_sandbox, grade_notebook
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


def grade_all(submissions, jobs=1, progress=None, **limits):
    """Grade every submission, ``jobs`` at a time; a list of ``(student, lesson, result)`` in input order."""
    results = [None] * len(submissions)
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(grade_notebook, notebook, lesson, **limits): i
                   for i, (_, lesson, notebook) in enumerate(submissions)}
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            i = futures[future]
            student, lesson, _ = submissions[i]
            results[i] = (student, lesson, future.result())
            if progress:
                progress(done, len(submissions), student, lesson, results[i][2])
    return results


def total(result):
    return sum(e["score"] for e in result["exercises"]), sum(e["max_score"] for e in result["exercises"])


def write_reports(results, out):
    """Write the two CSV files and the feedback folder; returns the paths written."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    per_exercise = out.with_name(out.stem + "_exercises.csv")
    feedback_dir = out.parent / "feedback"
    feedback_dir.mkdir(exist_ok=True)
    with open(out, "w", newline="") as grades, open(per_exercise, "w", newline="") as details:
        grades_csv, details_csv = csv.writer(grades), csv.writer(details)
        grades_csv.writerow(["student", "notebook", "score", "max_score", "flags"])
        details_csv.writerow(["student", "notebook", "exercise", "score", "max_score", "feedback"])
        for student, lesson, result in results:
            score, max_score = total(result)
            grades_csv.writerow([student, lesson, f"{score:g}", f"{max_score:g}", "; ".join(result["flags"])])
            for e in result["exercises"]:
                details_csv.writerow([student, lesson, e["name"], f"{e['score']:g}", f"{e['max_score']:g}", e["feedback"]])
    for student in sorted({r[0] for r in results}):
        text = "\n\n".join(feedback_text(lesson, result) for s, lesson, result in results if s == student)
        (feedback_dir / f"{student}.txt").write_text(text + "\n")
    return [out, per_exercise, feedback_dir]


def feedback_text(lesson, result):
    score, max_score = total(result)
    lines = [f"{lesson}: {score:g} / {max_score:g} points"]
    if result.get("error"):
        lines.append(f"  ! {result['error']}")
    for flag in result["flags"]:
        lines.append(f"  ! flagged: {flag}")
    for e in result["exercises"]:
        lines.append(f"  {e['name']}: {e['score']:g} / {e['max_score']:g}")
        if e["score"] < e["max_score"]:
            lines += ["      " + line for line in e["feedback"].splitlines() if not line.lstrip().startswith("ok ")]
    return "\n".join(lines)


def print_progress(done, total_count, student, lesson, result):
    score, max_score = total(result)
    width = 20
    bar = "#" * (width * done // total_count) + "." * (width - width * done // total_count)
    print(f"[{bar}] {done}/{total_count}  {student} {lesson}: {score:g}/{max_score:g}", file=sys.stderr, flush=True)


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    grade = commands.add_parser("grade", help="grade notebooks into grades.csv and feedback files")
    grade.add_argument("path", type=Path, help="a notebook, a student's folder, or a folder of student folders")
    grade.add_argument("--out", type=Path, default=Path("grades.csv"), help="the CSV to write (default grades.csv)")
    grade.add_argument("--jobs", type=int, default=1, help="notebooks graded at once (default 1)")
    grade.add_argument("--cell-timeout", type=int, help=f"seconds per cell (default {CELL_TIMEOUT_S}, "
                       f"{max(TRAINING_CELLS.values())} for lesson 4's training)")
    grade.add_argument("--timeout", type=int, default=NOTEBOOK_TIMEOUT_S, help=f"seconds per notebook (default {NOTEBOOK_TIMEOUT_S})")
    grade.add_argument("--memory-mb", type=int, default=MEMORY_LIMIT_MB, help=f"memory per notebook (default {MEMORY_LIMIT_MB})")
    grade.add_argument("--sandbox", choices=SANDBOX_MODES, default="required",
                       help="run each notebook's kernel in a bubblewrap sandbox (required, the default) "
                            "or with your rights (off)")
    class_report.add_parser(commands)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.command == "report":
        return class_report.main(args)
    try:
        for name in ("jobs", "cell_timeout", "timeout", "memory_mb"):
            if getattr(args, name) is not None and getattr(args, name) < 1:
                raise UsageError(f"--{name.replace('_', '-')}={getattr(args, name)} is invalid: expected a positive integer")
        submissions = find_submissions(args.path)
        check_sandbox(args.sandbox)  # once for the run, before any student's code
        if args.sandbox == "off":
            print("warning: --sandbox off: the students' code runs with your rights", file=sys.stderr)
        results = grade_all(submissions, args.jobs, print_progress, cell_timeout=args.cell_timeout,
                            timeout=args.timeout, memory_mb=args.memory_mb, sandbox=args.sandbox)
        written = write_reports(results, args.out)
    except (UsageError, SandboxUnavailable) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for student, lesson, result in results:
        print(feedback_text(f"{student} {lesson}", result))
    print("wrote " + ", ".join(str(p) for p in written))
    return 0
