"""How long each lesson takes to run top to bottom: wall-clock seconds per solution notebook.

    python benchmarks/lesson_times.py [--profile quick] [--lessons 01 04]

Runs each solution notebook (the lesson with its answers filled in) in a
fresh Jupyter kernel under ``--profile`` (``quick`` is what a student on a
CPU runs; ``smoke`` is what grading runs), one after the other, and prints
the seconds each took and the slowest cell. The lessons' headers and
lessons/README.md state run times measured with this script.
"""

import argparse
import os
import platform
import shutil
import tempfile
import time

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
    with tempfile.TemporaryDirectory() as scratch:
        shutil.copy(solution_path(lesson), scratch)
        start = time.perf_counter()
        TimedClient(notebook, timeout=1800, kernel_name="python3", resources={"metadata": {"path": scratch}}).execute()
        return time.perf_counter() - start, max(timings)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="quick", choices=["smoke", "quick", "full"])
    parser.add_argument("--lessons", nargs="+", help="lesson numbers (default: all)")
    args = parser.parse_args()
    lessons = [lesson for lesson in LESSONS if not args.lessons or lesson[:2] in args.lessons]
    print(f"profile {args.profile}, {platform.processor() or platform.machine()}, {cpu_cores()} CPUs")
    for lesson in lessons:
        seconds, (slowest, line) = run_lesson(lesson, args.profile)
        print(f"{lesson:24s} {seconds:6.0f} s   slowest cell {slowest:5.0f} s: {line}", flush=True)


if __name__ == "__main__":
    main()
