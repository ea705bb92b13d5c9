"""The lessons: solutions/ is the source, lessons/ is generated from it and leaks nothing."""

import filecmp
import subprocess

import nbformat
import pytest

from autograder import core
from autograder.course import LESSONS, ROOT, lesson_path, solution_path
from tests.nbgrader_course import nbgrader_env

SOLUTION_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


def grader_metadata(cell):
    return cell.metadata.get("nbgrader", {})


def cells_by_id(notebook):
    return {grader_metadata(c)["grade_id"]: c for c in notebook.cells if "grade_id" in grader_metadata(c)}


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_exercise_has_its_cells(lesson):
    """Each exercise: a solution cell named after it, a check cell, and a graded cell worth its points."""
    cells = cells_by_id(nbformat.read(solution_path(lesson), as_version=4))
    exercises = core.exercises(lesson)
    assert exercises
    for ex in exercises:
        test = cells[f"test_{ex.name}"]
        assert grader_metadata(test)["points"] == ex.max_points
        hidden = test.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0].strip()
        assert hidden.startswith(f'grade("{ex.name}"') and "\n" not in hidden, "a hidden test is one call into the checks"
        check = grader_metadata(cells[f"check_{ex.name}"])
        assert check["locked"] and check["grade"] and check["points"] == 0, "a quick check fails Validate, never a score"
        if ex.name != "training_result":
            assert grader_metadata(cells[ex.name])["solution"]
            assert f"def {ex.name}(" in cells[ex.name].source


@pytest.mark.parametrize("lesson", LESSONS)
def test_written_answers_have_a_rubric(lesson):
    answers = [c for c in nbformat.read(solution_path(lesson), as_version=4).cells
               if grader_metadata(c).get("solution") and c.cell_type == "markdown"]
    assert answers or lesson in ("05_evaluation",)
    for cell in answers:
        assert grader_metadata(cell)["grade"] and grader_metadata(cell)["points"] > 0
        assert "**Rubric" in cell.source


def test_committed_lessons_are_generated_from_the_solutions(tmp_path):
    for lesson in LESSONS:
        subprocess.run(
            ["nbgrader", "generate_assignment", "--force", "--no-db", "--log-level=ERROR",
             f"--CourseDirectory.release_directory={tmp_path}", lesson],
            cwd=ROOT / "autograder", env=nbgrader_env(), check=True, capture_output=True,
        )
        fresh = tmp_path / lesson / f"{lesson}.ipynb"
        assert filecmp.cmp(fresh, lesson_path(lesson), shallow=False), \
            f"lessons/{lesson} differs from what solutions/ generates: run `make lessons`"
    assert sorted(p.name for p in (ROOT / "lessons").iterdir() if p.is_dir()) == sorted(LESSONS)


@pytest.mark.parametrize("lesson", LESSONS)
def test_student_notebook_leaks_nothing(lesson):
    student = nbformat.read(lesson_path(lesson), as_version=4)
    source = nbformat.read(solution_path(lesson), as_version=4)
    text = nbformat.writes(student)
    for marker in SOLUTION_MARKERS:
        assert marker not in text
    assert "grade(" not in text, "a hidden test call is in the student notebook"
    for cell in student.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    student_sources = "\n".join(c.source for c in student.cells)
    for cell in source.cells:
        if not grader_metadata(cell).get("solution"):
            continue
        if cell.cell_type == "markdown":
            assert cell.source not in student_sources
            continue
        solution = cell.source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
        for line in solution.splitlines():
            if len(line.strip()) > 20:
                assert line.strip() not in student_sources, f"solution line in the student notebook: {line.strip()}"
