"""Helpers for tests that run nbgrader's own commands on a course of their own."""

import os
import subprocess
import sys

import nbformat

from autograder.course import ROOT, lesson_path, solution_path


def nbgrader_env():
    """The environment for nbgrader: this interpreter's bin/ first on PATH (nbgrader runs alembic from there),
    and no $DAE_PROFILE, so that nbgrader's runs pick the smoke profile on their own."""
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env.pop("DAE_PROFILE", None)
    return env


def nbgrader(args, cwd, env):
    """Run ``nbgrader ARGS`` in ``cwd``; fail the test with nbgrader's last words if it fails."""
    done = subprocess.run(["nbgrader", *args, "--log-level=ERROR"], cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"nbgrader {' '.join(args)}: {done.stderr[-2000:]}"


def write_course_config(course, extra=""):
    """An instructor's nbgrader_config.py in ``course``: the course's config, with source/ and release/ there."""
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"load_subconfig({str(ROOT / 'autograder' / 'nbgrader_config.py')!r})\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.source_directory = 'source'\n"
        "c.CourseDirectory.release_directory = 'release'\n" + extra
    )


def with_answer(lesson, grade_id, old, new):
    """The solution notebook of ``lesson`` with one line of one answer cell replaced: a wrong submission."""
    return _replace_in_answer(nbformat.read(solution_path(lesson), as_version=4), grade_id, old, new)


def with_answers(lesson, replacements):
    """The solution notebook of ``lesson`` with several answers changed: ``[(grade_id, old, new), ...]``."""
    notebook = nbformat.read(solution_path(lesson), as_version=4)
    for grade_id, old, new in replacements:
        notebook = _replace_in_answer(notebook, grade_id, old, new)
    return notebook


def filled_in(lesson, grade_id=None, old=None, new=None):
    """The student notebook of ``lesson`` as a student hands it in: every answer typed in as the solution has it.

    With ``grade_id``, ``old`` and ``new``, one line of that answer is replaced: a wrong submission.
    """
    answers = {_grade_id(c): c.source for c in nbformat.read(solution_path(lesson), as_version=4).cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    notebook = nbformat.read(lesson_path(lesson), as_version=4)
    for cell in notebook.cells:
        if _grade_id(cell) in answers:
            cell.source = "\n".join(line for line in answers[_grade_id(cell)].splitlines()
                                    if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
    return _replace_in_answer(notebook, grade_id, old, new) if grade_id else notebook


def _replace_in_answer(notebook, grade_id, old, new):
    """``notebook`` with ``old`` replaced by ``new`` in the cell ``grade_id``."""
    cell = next(c for c in notebook.cells if _grade_id(c) == grade_id)
    assert old in cell.source
    cell.source = cell.source.replace(old, new)
    return notebook


def _grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")
