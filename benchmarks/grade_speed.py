"""How long grading takes: seconds per student for the six solution notebooks.

    python benchmarks/grade_speed.py [--students 2] [--jobs 1 2]

Copies the solutions as the submissions of ``--students`` students and grades
them with ``python -m autograder grade``'s machinery, once per ``--jobs``
value, in one run, so that the figures compare. Grading runs the lessons under
the smoke profile, as nbgrader does.
"""

import argparse
import platform
import shutil
import tempfile
import time
from pathlib import Path

from autograder.cli import find_submissions, grade_all, total
from autograder.course import LESSONS, solution_path
from dae_reference.device import cpu_cores


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=2)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        for s in range(args.students):
            for lesson in LESSONS:
                folder = Path(scratch) / f"student{s}" / lesson
                folder.mkdir(parents=True)
                shutil.copy(solution_path(lesson), folder)
        submissions = find_submissions(scratch)
        print(f"{args.students} students x {len(LESSONS)} notebooks, {platform.processor() or platform.machine()}, "
              f"{cpu_cores()} CPUs")
        for jobs in args.jobs:
            start = time.perf_counter()
            results = grade_all(submissions, jobs=jobs)
            seconds = time.perf_counter() - start
            full = all(total(r)[0] == total(r)[1] for _, _, r in results)
            print(f"--jobs {jobs}: {seconds:6.1f} s in all, {seconds / args.students:6.1f} s per student"
                  f" (all full marks: {full})", flush=True)


if __name__ == "__main__":
    main()
