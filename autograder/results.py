"""A grading run's results: the log written as they arrive, and the files made from it.

In the folder of ``--out`` (``grades/`` below):

    results.jsonl         one line per graded notebook, appended as it arrives: the run's record
    grades.csv            one row per student and notebook: student,notebook,score,max_score,flags
    grades_exercises.csv  one row per exercise: student,notebook,exercise,score,max_score,feedback
    feedback/STUDENT.txt  what each student lost, and why

A line of ``results.jsonl`` is a ``record``: ``{"student", "lesson",
"notebook" (its path), "digest" (of the notebook's content), "seconds" (its
grading time), "result"}``, where the result is the runner's
(``autograder.runner.grade_notebook``). Each line is flushed to disk before
the next student is taken, so that a run that stops keeps every grade it
had; ``python -m autograder grade ... --resume`` reads the log and grades
only the notebooks it does not hold, by content: a notebook handed in again
is graded again.
"""

import csv
import json
import os
from pathlib import Path

LOG_NAME = "results.jsonl"


def record(student, lesson, notebook, digest, seconds, result):
    return {"student": student, "lesson": lesson, "notebook": str(notebook), "digest": digest,
            "seconds": round(seconds, 3), "result": result}


class Log:
    """``results.jsonl`` open for appending: ``add`` writes a record and flushes it to disk.

    It starts with the records ``kept`` (an earlier run's, when resuming),
    written anew, so that a line the earlier run left cut short is gone.
    """

    def __init__(self, path, kept=()):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fresh = self.path.with_name(self.path.name + ".new")
        with open(fresh, "w") as file:
            file.writelines(json.dumps(entry) + "\n" for entry in kept)
            file.flush()
            os.fsync(file.fileno())
        os.replace(fresh, self.path)  # the earlier log is whole until the new one is
        self.file = open(self.path, "a")

    def add(self, entry):
        self.file.write(json.dumps(entry) + "\n")
        self.file.flush()
        os.fsync(self.file.fileno())

    def close(self):
        self.file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def read(path):
    """The records of the log at ``path`` ([] if there is none), a later one for a notebook replacing an earlier one.

    A last line cut short (the run was stopped while writing it) is left out;
    any other line that is not a record raises ``ValueError`` naming it.
    """
    path = Path(path)
    if not path.exists():
        return []
    lines = path.read_text().splitlines()
    latest = {}
    for number, line in enumerate(lines, 1):
        try:
            entry = json.loads(line)
            key = (entry["student"], entry["lesson"], entry["digest"])
        except (ValueError, KeyError, TypeError):
            if number == len(lines):
                break
            raise ValueError(f"{path}, line {number}, is not a grading record") from None
        latest[key] = entry
    return list(latest.values())


def total(result):
    return sum(e["score"] for e in result["exercises"]), sum(e["max_score"] for e in result["exercises"])


def write_reports(results, out):
    """Write the two CSV files and the feedback folder from ``(student, lesson, result)`` triples; returns the paths."""
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
