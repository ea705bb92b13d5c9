"""Into nbgrader's gradebook: the command line's scores, recorded by nbgrader's own ``autograde``.

``python -m autograder grade COURSE/submitted --gradebook COURSE`` grades as
usual (sandboxed, on one machine or a cluster), then runs ``nbgrader
autograde`` in the course directory COURSE with one preprocessor changed:
instead of running the notebook (``Execute``), ``CommandLineScores`` writes
into each graded test cell what the command line's grading found, its
feedback as the cell's output and its points as the cell's value, which is
how the course's ``grade(...)`` cells report under nbgrader; and a graded cell
the assignment does not have (a student's own) is made a plain cell
(``MadeUpCellsDropped``), where nbgrader would refuse the notebook. Everything else is
nbgrader's own: the student and submission rows, the timestamp and late
penalty, the locked cells restored from the gradebook, the autograded
notebook in ``autograded/``, and ``SaveAutoGrades``, which scores each test
cell from its output with nbgrader's rule. The formgrader, manual grading of
the written answers, ``generate_feedback`` and ``nbgrader export`` then see the
command line's points, as if ``nbgrader autograde`` had scored them in the kernel.
Only the answer cells' own outputs are missing from the autograded notebooks:
nothing ran there.
"""

import functools
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path


class GradebookError(Exception):
    """The scores could not be recorded: the message says why, in one line."""


def check_layout(course, submissions):
    """Raise ``GradebookError`` unless every ``(student, lesson, path)`` is ``COURSE/submitted/STUDENT/LESSON/LESSON.ipynb``."""
    course = Path(course)
    if not (course / "gradebook.db").exists():
        raise GradebookError(f"{course} has no gradebook.db: run nbgrader generate_assignment there first")
    for student, lesson, path in submissions:
        expected = course / "submitted" / student / lesson / f"{lesson}.ipynb"
        if Path(path).resolve() != expected.resolve():
            raise GradebookError(f"--gradebook needs the course's submissions: {path} is not {expected}")


def record(course, graded):
    """Record ``(student, lesson, result)`` in the gradebook of the nbgrader course at ``course``."""
    scores = {}
    for student, lesson, result in graded:
        scores.setdefault(lesson, {})[student] = {e["name"]: [e["score"], e["feedback"]] for e in result["exercises"]}
    with tempfile.TemporaryDirectory(prefix="autograder-gradebook-") as scratch:
        for lesson, students in sorted(scores.items()):
            path = Path(scratch) / f"{lesson}.json"
            path.write_text(json.dumps(students))
            _autograde(Path(course), lesson, set(students), path)


def preprocessors():
    """nbgrader's own autograde preprocessors, as import names: ``(sanitize, autograde)``.

    In the autograde list ``CommandLineScores`` stands for ``Execute``; in the
    sanitize list ``MadeUpCellsDropped`` follows ``OverwriteCells``.
    """
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import Execute, OverwriteCells

    def names(trait, replace):
        listed = [f"{cls.__module__}.{cls.__name__}" for cls in Autograde.class_traits()[trait].default()]
        return [item for name in listed for item in replace.get(name, [name])]

    overwrite, execute = (f"{cls.__module__}.{cls.__name__}" for cls in (OverwriteCells, Execute))
    return (names("sanitize_preprocessors", {overwrite: [overwrite, f"{__name__}.MadeUpCellsDropped"]}),
            names("autograde_preprocessors", {execute: [f"{__name__}.CommandLineScores"]}))


def _autograde(course, lesson, students, scores_path):
    """``nbgrader autograde lesson`` in ``course`` for ``students``, its preprocessors ours; one call for all."""
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")  # nbgrader runs alembic from there
    sanitize, autograde = preprocessors()
    others = sorted(folder.name for folder in (course / "submitted").iterdir()
                    if (folder / lesson).is_dir() and folder.name not in students)
    command = [sys.executable, "-m", "nbgrader", "autograde", lesson, "--force", "--log-level=ERROR",
               f"--CourseDirectory.student_id_exclude={','.join(others)}",
               f"--CommandLineScores.scores={scores_path}",
               f"--Autograde.sanitize_preprocessors={json.dumps(sanitize)}",
               f"--Autograde.autograde_preprocessors={json.dumps(autograde)}"]
    done = subprocess.run(command, cwd=course, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        last = [line for line in done.stderr.splitlines() if line.strip()][-1:] or [f"status {done.returncode}"]
        raise GradebookError(f"nbgrader autograde {lesson} failed: {last[0][:300]}")


def __getattr__(name):
    """``CommandLineScores`` and ``MadeUpCellsDropped``, made on first use: nbgrader is imported only where it runs."""
    if name in ("CommandLineScores", "MadeUpCellsDropped"):
        return _preprocessor_classes()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.cache
def _preprocessor_classes():
    from nbformat.v4 import new_output
    from nbgrader.preprocessors import NbGraderPreprocessor
    from traitlets import Unicode

    class CommandLineScores(NbGraderPreprocessor):
        """Give each graded test cell the command line's outcome as its outputs: the feedback, then the points."""

        scores = Unicode(help="a JSON file: student -> exercise -> [points, feedback]").tag(config=True)

        def preprocess(self, nb, resources):
            self.exercises = json.loads(Path(self.scores).read_text())[resources["nbgrader"]["student"]]
            return super().preprocess(nb, resources)

        def preprocess_cell(self, cell, resources, index):
            grader = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code":
                return cell, resources
            cell.outputs = []
            if grader.get("grade") and not grader.get("solution") and grader.get("points", 0) > 0:
                exercise = self.exercises.get(str(grader.get("grade_id", "")).removeprefix("test_"))
                if exercise is None:  # a graded cell the command line did not grade (one a student made up): no points
                    cell.outputs = [new_output("error", ename="NotGraded", evalue="not a test cell of this lesson",
                                               traceback=[])]
                else:
                    points, feedback = exercise
                    cell.outputs = [new_output("stream", name="stdout", text=feedback + "\n"),
                                    new_output("execute_result", data={"text/plain": repr(float(points))})]
            return cell, resources

    class MadeUpCellsDropped(NbGraderPreprocessor):
        """Make a cell of nbgrader's that the gradebook does not know a plain cell.

        ``OverwriteCells`` takes the id off a graded cell the assignment does
        not have (one a student made up, worth what they chose), and
        ``CheckCellMetadata`` then refuses the whole notebook: nbgrader would
        record nothing for that student. Dropped, the cell is graded as
        nothing, and the rest of the notebook as the command line graded it.
        """

        def preprocess_cell(self, cell, resources, index):
            if "nbgrader" in cell.metadata and "grade_id" not in cell.metadata["nbgrader"]:
                del cell.metadata["nbgrader"]
            return cell, resources

    return {"CommandLineScores": CommandLineScores, "MadeUpCellsDropped": MadeUpCellsDropped}
