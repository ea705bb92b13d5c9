"""How long each lesson takes: wall-clock seconds per solution notebook, top to bottom.

    python benchmarks/lesson_times.py [--profiles quick smoke] [--lessons 01 04] [--out results/lesson_times.txt]

Runs each solution notebook (the lesson with its answers filled in) in a
fresh Jupyter kernel, one after the other, under each profile: ``quick`` is
what a student on a CPU runs; ``smoke`` is what grading runs (a solution's
hidden test cells call every check and, as in grading, ``$NBGRADER_EXECUTION``
leaves the quick checks to them, so its run is the notebook's grading minus
the sandbox, which costs 3 to 8%: results/grade_speed.txt). It prints
the seconds each took and its slowest cell, and with ``--out`` writes the
same lines to a file.
"""

import argparse
import datetime
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

from autograder.course import LESSONS, solution_path
from dae_reference.device import cpu_cores


def run_lesson(lesson, profile):
    """Execute the solution notebook of ``lesson``; (total seconds, (slowest cell's seconds, its first line))."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(solution_path(lesson), as_version=4)
    timings = []

    class TimedClient(NotebookClient):
        async def async_execute_cell(self, cell, cell_index, **kwargs):
            start = time.perf_counter()
            result = await super().async_execute_cell(cell, cell_index, **kwargs)
            if cell.cell_type == "code":
                timings.append((time.perf_counter() - start, cell.source.strip().splitlines()[0][:60]))
            return result

    os.environ["DAE_PROFILE"] = profile
    if profile == "smoke":  # graded: the quick checks are left to the graded cells
        os.environ["NBGRADER_EXECUTION"] = "autograde"
    else:
        os.environ.pop("NBGRADER_EXECUTION", None)
    with tempfile.TemporaryDirectory() as scratch:
        for path in solution_path(lesson).parent.iterdir():  # the notebook and what its release carries beside it
            (shutil.copytree if path.is_dir() else shutil.copy)(path, Path(scratch) / path.name)
        start = time.perf_counter()
        TimedClient(notebook, timeout=1800, kernel_name="python3", resources={"metadata": {"path": scratch}}).execute()
        return time.perf_counter() - start, max(timings)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", nargs="+", default=["quick"], choices=["smoke", "quick", "full"])
    parser.add_argument("--lessons", nargs="+", help="lesson numbers (default: all)")
    parser.add_argument("--out", type=Path, help="also write the lines printed to this file")
    args = parser.parse_args()
    lessons = [lesson for lesson in LESSONS if not args.lessons or lesson[:2] in args.lessons]
    lines = [f"# benchmarks/lesson_times.py, {datetime.date.today()}: {platform.processor() or platform.machine()}, "
             f"{cpu_cores()} CPUs"]
    print(lines[0], flush=True)
    for profile in args.profiles:
        for lesson in lessons:
            seconds, (slowest, line) = run_lesson(lesson, profile)
            lines.append(f"{profile:5s} {lesson:28s} {seconds:6.0f} s   slowest cell {slowest:5.0f} s: {line}")
            print(lines[-1], flush=True)
    if args.out:
        args.out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
