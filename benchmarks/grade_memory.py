"""How much memory grading one notebook takes, lesson by lesson, with the kernel in its sandbox.

    python benchmarks/grade_memory.py [--lessons 01_autoencoder_theory ...] [--dask] [--interval 0.2] [--out FILE]

Grades a copy of each lesson's solution notebook, one notebook at a time, as
``python -m autograder grade --jobs 1`` does (``--sandbox required``, the
smoke profile), and meanwhile reads, every ``--interval`` seconds, the memory
of every process that grading starts, from ``/proc``:

* the zygote (``python -m autograder.processes ...``), started on the first
  notebook and kept for the others, as one grading program keeps it;
* the grading process forked from it for each notebook (it runs the checks,
  with TensorFlow, outside the sandbox);
* the kernel (``ipykernel_launcher``, the student's code) and the ``bwrap``
  processes around it.

For each process it reads the resident set (``VmRSS``), its high-water mark
(``VmHWM``, kept by the kernel, so a peak between two readings is not missed)
and, where ``/proc/PID/smaps_rollup`` can be read, the proportional set
(``Pss``: pages shared with other processes, as a forked process shares the
zygote's, counted in part). It prints, per lesson: the peak RSS of the kernel
and of the grading process (their high-water marks), the zygote's RSS, the
peak of the notebook's processes together (grading process, bwrap and kernel,
summed at one reading: the memory one more notebook at once costs), and the
peak of the whole tree (the zygote too) in RSS and PSS; the seconds it took
and the CPU seconds the notebook's processes used (the zygote's own imports
not counted). Summed RSS counts pages shared by
the zygote and its forks more than once, so it overstates what they use
together; PSS does not. The grading program's own process (this script here,
a Dask worker on a cluster) is reported apart. ``--out`` writes the figures
as JSON (``results/grading_memory.json`` is such a file: the grading
cluster's manifests in ``deploy/dask/`` are sized from it). MB here are mebibytes (1,048,576 bytes), as
``/proc`` counts them and Kubernetes' ``Mi`` and ``Gi`` do.

``--dask`` measures a Dask worker's own processes as well (``distributed``
must be importable): it starts a scheduler and a worker (``dask worker``,
its nanny and the worker process) on this machine, runs one task there that
imports what grading imports in the worker, and reads the nanny's and the
worker's RSS. ``--lessons`` with no lesson skips the grading, and ``--out``
keeps what FILE already holds of the figures not measured in this run.
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from autograder import processes  # noqa: E402
from autograder.cli import total  # noqa: E402
from autograder.course import LESSONS, solution_path  # noqa: E402
from autograder.runner import grade_notebook  # noqa: E402
from autograder.sandbox import probe  # noqa: E402

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def read_processes():
    """``{pid: (ppid, cmdline)}`` for every process this script may read."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                command = cmdline.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # it exited meanwhile
            continue
        table[int(entry)] = (int(fields[1]), command)
    return table


def descendants(root, table):
    children = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found, stack = [], list(children.get(root, []))
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack += children.get(pid, [])
    return found


def memory(pid):
    """``{'rss', 'hwm', 'pss', 'cpu'}`` of ``pid`` in MB (and CPU seconds), or None if it is gone."""
    figures = {}
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    figures[line[2:5].lower()] = int(line.split()[1]) / 1024
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        figures["cpu"] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime
    except (OSError, IndexError, ValueError):
        return None
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    figures["pss"] = int(line.split()[1]) / 1024
    except OSError:
        pass
    return figures if "rss" in figures else None


class Sampler(threading.Thread):
    """Reads the memory of this process's tree every ``interval`` s until ``stop``; peaks in ``self.peaks``."""

    def __init__(self, interval):
        super().__init__(daemon=True)
        self.interval, self.halt = interval, threading.Event()
        self.peaks = {"kernel": 0.0, "grading": 0.0, "zygote": 0.0, "notebook": 0.0, "tree_rss": 0.0,
                      "tree_pss": 0.0, "main": 0.0}
        self.cpu = {}  # pid -> CPU seconds, last read, of the notebook's processes
        self.samples = 0
        self.pss_read = True

    def run(self):
        while not self.halt.wait(self.interval):
            self.sample()

    def stop(self):
        self.halt.set()
        self.join()
        self.sample()

    def sample(self):
        me, table = os.getpid(), read_processes()
        zygotes = [pid for pid in descendants(me, table) if table[pid][0] == me and "autograder.processes" in table[pid][1]]
        main = memory(me)
        self.peaks["main"] = max(self.peaks["main"], main["rss"])
        tree_rss = tree_pss = notebook = 0.0
        for zygote in zygotes:
            figures = memory(zygote)
            if not figures:
                continue
            self.peaks["zygote"] = max(self.peaks["zygote"], figures["rss"])
            tree_rss += figures["rss"]
            tree_pss += figures.get("pss", figures["rss"])
            self.pss_read &= "pss" in figures
            for pid in descendants(zygote, table):
                figures = memory(pid)
                if not figures:
                    continue
                command = table[pid][1]
                if table[pid][0] == zygote:
                    self.peaks["grading"] = max(self.peaks["grading"], figures["rss"], figures.get("hwm", 0))
                elif "ipykernel_launcher" in command:
                    self.peaks["kernel"] = max(self.peaks["kernel"], figures["rss"], figures.get("hwm", 0))
                notebook += figures["rss"]
                tree_rss += figures["rss"]
                tree_pss += figures.get("pss", figures["rss"])
                self.pss_read &= "pss" in figures
                self.cpu[pid] = figures["cpu"]
        self.peaks["notebook"] = max(self.peaks["notebook"], notebook)
        self.peaks["tree_rss"] = max(self.peaks["tree_rss"], tree_rss)
        self.peaks["tree_pss"] = max(self.peaks["tree_pss"], tree_pss)
        self.samples += 1


def measure(lesson, scratch, interval):
    folder = Path(scratch) / "student" / lesson
    folder.mkdir(parents=True)
    shutil.copy(solution_path(lesson), folder)
    sampler = Sampler(interval)
    sampler.start()
    started = time.perf_counter()
    result = grade_notebook(folder / f"{lesson}.ipynb", lesson, sandbox="required")
    seconds = time.perf_counter() - started
    sampler.stop()
    score, max_score = total(result)
    return {
        "kernel_peak_rss_mb": round(sampler.peaks["kernel"]),
        "grading_peak_rss_mb": round(sampler.peaks["grading"]),
        "zygote_rss_mb": round(sampler.peaks["zygote"]),
        "notebook_peak_rss_mb": round(sampler.peaks["notebook"]),
        "tree_peak_rss_mb": round(sampler.peaks["tree_rss"]),
        "tree_peak_pss_mb": round(sampler.peaks["tree_pss"]),
        "grader_program_rss_mb": round(sampler.peaks["main"]),
        "seconds": round(seconds, 1),
        "cpu_seconds": round(sum(sampler.cpu.values()), 1),
        "score": score, "max_score": max_score,
        "samples": sampler.samples, "pss": sampler.pss_read,
    }


def grader_imports():
    """A Dask task: import what grading imports in the worker; returns the worker process's pid."""
    import autograder.cli  # noqa: F401
    import autograder.runner  # noqa: F401

    return os.getpid()


def measure_dask_worker():
    """The RSS in MB of a Dask worker's nanny and worker process, after a task that imports the grader."""
    from distributed import Client, __version__

    port = 18786
    started = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                                 "--port", str(port), "--dashboard-address", ":0"], stderr=subprocess.DEVNULL)]
    try:
        started.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", f"tcp://127.0.0.1:{port}",
                                         "--nthreads", "1", "--no-dashboard"], stderr=subprocess.DEVNULL))
        with Client(f"tcp://127.0.0.1:{port}", timeout=120) as client:
            client.wait_for_workers(1, timeout=120)
            worker = client.submit(grader_imports, pure=False).result()
            time.sleep(1)
            nanny = memory(started[1].pid)["rss"]
            process = memory(worker)["rss"]
    finally:
        for process_started in reversed(started):
            process_started.terminate()
            process_started.wait(60)
    return {"distributed": __version__, "nanny_rss_mb": round(nanny), "worker_rss_mb": round(process),
            "rss_mb": round(nanny + process)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lessons", nargs="*", choices=LESSONS, default=list(LESSONS))
    parser.add_argument("--dask", action="store_true", help="also measure a Dask worker's own processes")
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between readings (default 0.2)")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here (keeping those of FILE not measured)")
    args = parser.parse_args()
    if reason := probe():
        parser.error(f"no sandbox here: {reason}")
    tensorflow = metadata.version("tensorflow")  # not imported: this process stands for the grading program, which does not
    machine = f"{platform.processor() or platform.machine()}, {len(os.sched_getaffinity(0))} CPUs, Linux {platform.release()}"
    print(f"{machine}; Python {platform.python_version()}, TensorFlow {tensorflow}; "
          f"sandbox required, {'as root' if os.geteuid() == 0 else 'unprivileged'}; MB unless said")
    kept = json.loads(args.out.read_text()) if args.out and args.out.exists() else {}
    record = {name: value for name, value in kept.items() if name != "dask_worker"}
    if args.lessons:
        record = {"what": "python benchmarks/grade_memory.py: one notebook at a time, sandbox required, smoke profile; MB",
                  "machine": machine, "python": platform.python_version(), "tensorflow": tensorflow,
                  "as_root": os.geteuid() == 0, "interval_s": args.interval, **grade_lessons(args.lessons, args.interval)}
    if args.dask:
        record["dask_worker"] = measure_dask_worker()
        print(f"a Dask worker (distributed {record['dask_worker']['distributed']}): its nanny "
              f"{record['dask_worker']['nanny_rss_mb']} MB, its worker process {record['dask_worker']['worker_rss_mb']} MB")
    elif "dask_worker" in kept:
        record["dask_worker"] = kept["dask_worker"]
    if args.out:
        args.out.write_text(json.dumps(record, indent=2) + "\n")
        print(f"wrote {args.out}")


def grade_lessons(lessons, interval):
    """Grade each lesson's solution in turn, printing its figures; returns them with the largest of each."""
    print(f"{'lesson':24} {'kernel':>7} {'grading':>8} {'zygote':>7} {'notebook':>9} {'tree RSS':>9} {'tree PSS':>9}"
          f" {'seconds':>8} {'CPU s':>6}  score")
    measured = {}
    with tempfile.TemporaryDirectory() as scratch:
        try:
            for lesson in lessons:
                figures = measured[lesson] = measure(lesson, scratch, interval)
                print(f"{lesson:24} {figures['kernel_peak_rss_mb']:7} {figures['grading_peak_rss_mb']:8} "
                      f"{figures['zygote_rss_mb']:7} {figures['notebook_peak_rss_mb']:9} {figures['tree_peak_rss_mb']:9} "
                      f"{figures['tree_peak_pss_mb']:9} {figures['seconds']:8} {figures['cpu_seconds']:6}  "
                      f"{figures['score']:g}/{figures['max_score']:g}", flush=True)
        finally:
            processes.shutdown()
    summary = {name: max(f[name] for f in measured.values())
               for name in ("notebook_peak_rss_mb", "zygote_rss_mb", "grader_program_rss_mb")}
    print(f"largest: one notebook's processes {summary['notebook_peak_rss_mb']} MB, the zygote "
          f"{summary['zygote_rss_mb']} MB, the grading program {summary['grader_program_rss_mb']} MB")
    return {**summary, "lessons": measured}

if __name__ == "__main__":
    main()
