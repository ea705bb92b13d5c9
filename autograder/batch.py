"""Grade a class: one task per student on an executor, results kept as they arrive, none lost and none twice.

The executor is a thread pool on one machine (``--jobs``) or a Dask
cluster's (``autograder.cluster``: ``--workers``, ``--scheduler``); both run
the same task, ``grade_student`` (on one machine, one per notebook, so that
one student's notebooks can run side by side). A task carries the student's notebooks, and
the files beside each, as bytes (``pack``), so that a worker shares no folder
with the coordinator; it grades them one after another in folders of its own,
each with the sandboxed runner (``autograder.runner.grade_notebook``), and
returns one record per notebook (``autograder.results.record``).

The coordinator (``grade_class``) appends each student's records to the run's
log as they arrive. A worker that dies mid-task is the cluster's to handle:
Dask gives its task to another worker. Every notebook is in the outputs once,
taken from the log by its student, lesson and content; with ``done`` (the
records of an earlier run, ``--resume``) the notebooks the log already holds
are not graded again.
"""

import concurrent.futures
import dataclasses
import hashlib
import tempfile
import time
from pathlib import Path

from autograder import results
from autograder.runner import empty_result, folder_files, grade_notebook


@dataclasses.dataclass(frozen=True)
class Submission:
    student: str
    lesson: str
    path: Path
    digest: str


def submission(student, lesson, path):
    """A notebook to grade, with the digest of its content."""
    return Submission(student, lesson, Path(path), "sha256:" + hashlib.sha256(Path(path).read_bytes()).hexdigest())


def pack(item):
    """What a task carries of ``item``: its lesson, path and digest, and its folder's files (``folder_files``) as bytes."""
    files = {entry.name: entry.read_bytes() for entry in folder_files(item.path.parent)}
    files[item.path.name] = item.path.read_bytes()  # the notebook itself, whatever the folder's size
    return {"lesson": item.lesson, "path": str(item.path), "folder": item.path.parent.name, "digest": item.digest,
            "files": files}


def grade_student(student, notebooks, limits):
    """The task: grade ``student``'s packed ``notebooks`` one after another; a list of records.

    ``limits`` are ``grade_notebook``'s keyword arguments (time, memory, sandbox).
    """
    graded = []
    with tempfile.TemporaryDirectory(prefix="autograder-student-") as scratch:
        for number, notebook in enumerate(notebooks):
            folder = Path(scratch) / str(number) / (notebook["folder"] or "work")
            folder.mkdir(parents=True)
            for name, content in notebook["files"].items():
                (folder / name).write_bytes(content)
            path = folder / Path(notebook["path"]).name
            started = time.perf_counter()
            result = grade_notebook(path, notebook["lesson"], **limits)
            result["notebook"] = notebook["path"]
            graded.append(results.record(student, notebook["lesson"], notebook["path"], notebook["digest"],
                                         time.perf_counter() - started, result))
    return graded


def grade_class(submissions, executor, log, progress=None, done=(), per_student=True, **limits):
    """Grade ``submissions`` (a list of ``Submission``) on ``executor``; ``(student, lesson, result)`` in their order.

    One task per student, or per notebook if not ``per_student`` (a thread
    pool on one machine: a student's own notebooks then run side by side).
    Records are added to ``log`` (``results.Log``) as each task's arrive;
    ``progress(done_count, total_count, student, records)`` is called then.
    ``done`` holds the records of an earlier run: the notebooks among them are
    not graded again. ``limits`` go to ``grade_notebook``.
    """
    known = {(r["student"], r["lesson"], r["digest"]): r for r in done}
    tasks = {}
    for item in submissions:
        if (item.student, item.lesson, item.digest) not in known:
            tasks.setdefault(item.student if per_student else (item.student, item.lesson), []).append(item)
    futures = {executor.submit(grade_student, items[0].student, [pack(item) for item in items], limits): items[0].student
               for items in tasks.values()}
    failures = {}
    for count, future in enumerate(concurrent.futures.as_completed(futures), 1):
        student = futures[future]
        try:
            records = future.result()
        except Exception as error:  # the task itself failed (a worker that died again and again): graded next run
            failures[student] = f"grading failed on the cluster: {type(error).__name__}: {str(error)[:200]}"
            records = []
        for entry in records:
            log.add(entry)
            known[(entry["student"], entry["lesson"], entry["digest"])] = entry
        if progress:
            progress(count, len(futures), student, records)
    return [(item.student, item.lesson, _result_of(item, known, failures)) for item in submissions]


def _result_of(item, known, failures):
    entry = known.get((item.student, item.lesson, item.digest))
    if entry is not None:
        return entry["result"]
    result = empty_result(item.path, item.lesson, failures.get(item.student, "not graded"))
    result["flags"].append("stopped")
    return result

