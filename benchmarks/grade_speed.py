"""How long grading takes: seconds per student for the six solution notebooks, with and without the sandbox, and on Dask.

    python benchmarks/grade_speed.py [--students 2] [--jobs 1 2] [--workers 1 2] [--lessons 01_autoencoder_theory ...]

Copies the solutions as the submissions of ``--students`` students and grades
them with ``python -m autograder grade``'s machinery, once per ``--jobs``
value and sandbox setting (``--sandbox off``, then ``required``), in one run,
so that the figures compare; each line gives both side by side and the
sandbox's cost in percent. Each measurement is one grading run as the command
line makes it, from a cold start: its grading processes' zygote
(``autograder.processes``) is started, and its imports paid, within the time
measured. Then, with the sandbox, on a local Dask cluster of ``--workers``
worker processes (one task per student, as on a real cluster; the cluster is
started before the clock starts, the workers' zygotes after), with the
scaling efficiency against one worker: t(1) / (N * t(N)). Grading runs the
lessons under the smoke profile, as nbgrader does.
"""

import argparse
import platform
import shutil
import tempfile
import time
from pathlib import Path

from autograder import cluster, processes
from autograder.cli import find_submissions, grade_all, total
from autograder.course import LESSONS, solution_path
from autograder.sandbox import probe
from dae_reference.device import cpu_cores


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=2)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2], help="local Dask workers (none: skip)")
    parser.add_argument("--lessons", nargs="+", choices=LESSONS, default=list(LESSONS))
    args = parser.parse_args()
    if reason := probe():
        parser.error(f"no sandbox here, nothing to compare: {reason}")
    with tempfile.TemporaryDirectory() as scratch:
        for s in range(args.students):
            for lesson in args.lessons:
                folder = Path(scratch) / f"student{s}" / lesson
                folder.mkdir(parents=True)
                shutil.copy(solution_path(lesson), folder)
        submissions = find_submissions(scratch)
        print(f"{args.students} students x {len(args.lessons)} notebooks, {platform.processor() or platform.machine()}, "
              f"{cpu_cores()} CPUs; seconds per student")
        for jobs in args.jobs:
            per_student, full = {}, {}
            for sandbox in ("off", "required"):
                processes.shutdown()  # a cold start, as a new command line has
                start = time.perf_counter()
                results = grade_all(submissions, jobs=jobs, sandbox=sandbox)
                per_student[sandbox] = (time.perf_counter() - start) / args.students
                full[sandbox] = all(total(r)[0] == total(r)[1] for _, _, r in results)
            cost = 100 * (per_student["required"] / per_student["off"] - 1)
            print(f"--jobs {jobs}: {per_student['off']:6.1f} s without the sandbox, {per_student['required']:6.1f} s with it"
                  f" ({cost:+.0f}%); all full marks: {full['off']} without, {full['required']} with", flush=True)
        one_worker = None
        for workers in args.workers:
            with cluster.executor(workers=workers) as executor:
                start = time.perf_counter()
                results = grade_all(submissions, executor=executor, sandbox="required")
                seconds = (time.perf_counter() - start) / args.students
            one_worker = one_worker or (seconds if workers == 1 else None)
            efficiency = f", scaling efficiency {one_worker / (workers * seconds):.0%}" if one_worker and workers > 1 else ""
            full = all(total(r)[0] == total(r)[1] for _, _, r in results)
            print(f"--workers {workers}: {seconds:6.1f} s with the sandbox on Dask{efficiency}; all full marks: {full}",
                  flush=True)


if __name__ == "__main__":
    main()
