"""The lessons run, and nbgrader grades them: solutions get full marks, student notebooks zero."""

import shutil

import nbformat
import pytest

from autograder import core
from autograder.course import LESSONS, ROOT, lesson_path, solution_path
from tests.nbgrader_course import nbgrader, nbgrader_env, write_course_config
from tests.test_lessons import grader_metadata

pytestmark = pytest.mark.slow


def graded_code_cells(notebook):
    """The hidden test cells: graded and worth points (the quick-check cells are graded cells worth 0)."""
    return [c for c in notebook.cells if c.cell_type == "code" and grader_metadata(c).get("points", 0) > 0]


@pytest.fixture(scope="module")
def autograded(tmp_path_factory):
    """A course with the solutions and the generated lessons submitted by two students, autograded by nbgrader."""
    course = tmp_path_factory.mktemp("course")
    write_course_config(course)
    shutil.copytree(ROOT / "solutions", course / "source")
    env = nbgrader_env()
    for lesson in LESSONS:
        nbgrader(["generate_assignment", lesson], course, env)
        for student, notebook in [("solver", solution_path(lesson)), ("beginner", lesson_path(lesson))]:
            target = course / "submitted" / student / lesson
            target.mkdir(parents=True)
            shutil.copy(notebook, target / notebook.name)
        nbgrader(["autograde", lesson], course, env)
    return course


def grades(course, lesson, student):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(lesson, lesson, student)
        return {g.name: (g.auto_score, g.max_score, g.cell.cell_type) for g in notebook.grades}


@pytest.mark.parametrize("lesson", LESSONS)
def test_solution_runs_top_to_bottom_and_scores_full_marks(autograded, lesson):
    """nbgrader ran the solution as a student's submission, under the smoke profile, top to bottom."""
    notebook = nbformat.read(autograded / "autograded" / "solver" / lesson / f"{lesson}.ipynb", as_version=4)
    for cell in notebook.cells:
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        assert not errors, f"{lesson}: a cell raised {errors[0].ename}: {errors[0].evalue}\n{cell.source[:300]}"
    for cell in graded_code_cells(notebook):
        kinds = [(o.output_type, o.get("name")) for o in cell.outputs]
        assert ("stream", "stderr") not in kinds, f"{grader_metadata(cell)['grade_id']} wrote to stderr"
        result = [o for o in cell.outputs if o.output_type == "execute_result"]
        assert float(result[0].data["text/plain"]) == grader_metadata(cell)["points"], grader_metadata(cell)["grade_id"]


@pytest.mark.parametrize("lesson", LESSONS)
def test_nbgrader_gives_the_solutions_full_marks(autograded, lesson):
    for name, (auto, maximum, cell_type) in grades(autograded, lesson, "solver").items():
        if cell_type == "code":
            assert auto == maximum, name
        else:
            assert auto is None, f"{name}: a written answer is graded by hand"


@pytest.mark.parametrize("lesson", LESSONS)
def test_nbgrader_gives_the_student_notebooks_zero(autograded, lesson):
    scores = grades(autograded, lesson, "beginner")
    assert {f"test_{e.name}" for e in core.exercises(lesson)} <= set(scores)
    for name, (auto, _, _) in scores.items():
        assert auto == 0, name


def test_autograded_notebooks_show_feedback_not_hidden_tests(autograded):
    lesson = "02_noise_models"
    notebook = nbformat.read(autograded / "autograded" / "beginner" / lesson / f"{lesson}.ipynb", as_version=4)
    cell = next(c for c in graded_code_cells(notebook) if grader_metadata(c)["grade_id"] == "test_add_gaussian_noise")
    report = "".join(o.get("text", "") for o in cell.outputs)
    assert "NotImplementedError" in report and "0 / 4 points" in report


def test_the_command_line_gives_the_same_points_as_nbgrader(autograded, tmp_path):
    """Same submissions, graded both ways: equal exercise by exercise (nbgrader's submitted/ layout as it is)."""
    import csv

    from autograder import cli

    out = tmp_path / "grades.csv"
    assert cli.main(["grade", str(autograded / "submitted"), "--out", str(out), "--jobs", "2"]) == 0
    with open(out.with_name("grades_exercises.csv")) as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2 * sum(len(core.exercises(lesson)) for lesson in LESSONS)
    for row in rows:
        nbgrader_score = grades(autograded, row["notebook"], row["student"])[f"test_{row['exercise']}"][0]
        assert float(row["score"]) == nbgrader_score, row
