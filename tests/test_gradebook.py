"""--gradebook: the command line's scores in a real nbgrader course's gradebook, as nbgrader's tools see them."""

import csv
import shutil

import nbformat
import pytest

from autograder import cli
from autograder.course import ROOT
from autograder.sandbox import probe
from tests.nbgrader_course import filled_in, nbgrader, nbgrader_env, write_course_config
from tests.submissions.attacks import with_made_up_test_cell

LESSON = "02_noise_models"
SUBMISSIONS = {  # ada hands in every answer right; ben scales the noise by the variance; cal adds a test cell of his own
    "ada": filled_in(LESSON),
    "ben": filled_in(LESSON, "add_gaussian_noise", "sigma * rng.standard_normal", "sigma**2 * rng.standard_normal"),
    "cal": with_made_up_test_cell(filled_in(LESSON)),
}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course directory after ``generate_assignment``, the two submissions collected, graded with --gradebook."""
    course = tmp_path_factory.mktemp("course")
    shutil.copytree(ROOT / "solutions" / LESSON, course / "source" / LESSON)
    write_course_config(course)
    env = nbgrader_env()
    nbgrader(["generate_assignment", LESSON], course, env)
    for student, notebook in SUBMISSIONS.items():
        folder = course / "submitted" / student / LESSON
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / f"{LESSON}.ipynb")
        (folder / "timestamp.txt").write_text("2026-11-30 09:00:00.000000 UTC")
    out = course / "grades" / "grades.csv"
    sandbox = "off" if probe() else "required"
    status = cli.main(["grade", str(course / "submitted"), "--gradebook", str(course), "--out", str(out),
                       "--sandbox", sandbox, "--jobs", "2"])
    assert status == 0
    with open(out) as f:
        command_line = {row["student"]: float(row["score"]) for row in csv.DictReader(f)}
    return course, env, command_line


@pytest.mark.slow
def test_nbgrader_export_gives_the_command_lines_points(course):
    course, env, command_line = course
    assert command_line["ada"] > command_line["ben"]
    assert command_line["cal"] == command_line["ada"]  # the made-up cell earns nothing
    nbgrader(["export", "--to", str(course / "nbgrader.csv")], course, env)
    with open(course / "nbgrader.csv") as f:
        exported = {row["student_id"]: float(row["score"]) for row in csv.DictReader(f) if row["assignment"] == LESSON}
    assert exported == command_line


@pytest.mark.slow
def test_the_autograded_notebooks_and_feedback_carry_the_command_lines_feedback(course):
    course, env, _ = course
    autograded = nbformat.read(course / "autograded" / "ben" / LESSON / f"{LESSON}.ipynb", as_version=4)
    test_cell = next(c for c in autograded.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test_add_gaussian_noise")
    assert "FAIL" in test_cell.outputs[0]["text"]
    assert (course / "autograded" / "ben" / LESSON / "timestamp.txt").exists()
    nbgrader(["generate_feedback", LESSON], course, env)
    page = (course / "feedback" / "ben" / LESSON / f"{LESSON}.html").read_text()
    assert "add_gaussian_noise: 3 / 4 points" in page


def test_gradebook_needs_the_courses_submissions(tmp_path, capsys):
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "gradebook.db").write_bytes(b"")
    folder = tmp_path / "elsewhere" / "ada" / LESSON
    folder.mkdir(parents=True)
    nbformat.write(SUBMISSIONS["ada"], folder / f"{LESSON}.ipynb")
    assert cli.main(["grade", str(tmp_path / "elsewhere"), "--gradebook", str(tmp_path / "course")]) == 2
    assert "--gradebook needs the course's submissions" in capsys.readouterr().err


def test_gradebook_needs_a_gradebook(tmp_path, capsys):
    folder = tmp_path / "course" / "submitted" / "ada" / LESSON
    folder.mkdir(parents=True)
    nbformat.write(SUBMISSIONS["ada"], folder / f"{LESSON}.ipynb")
    assert cli.main(["grade", str(tmp_path / "course" / "submitted"), "--gradebook", str(tmp_path / "course")]) == 2
    assert "has no gradebook.db: run nbgrader generate_assignment there first" in capsys.readouterr().err


def test_a_graded_cell_the_command_line_did_not_grade_earns_nothing():
    """A test cell a student made up (nbgrader's sanitizing keeps its points if it drops an unknown id) scores zero."""
    from nbformat.v4 import new_code_cell
    from nbgrader.utils import determine_grade

    from autograder.gradebook import CommandLineScores

    scores = CommandLineScores()
    scores.exercises = {"psnr": [2.0, "psnr: 2 / 2 points"]}
    made_up = new_code_cell("pass", metadata={"nbgrader": {"grade": True, "solution": False, "points": 100}})
    real = new_code_cell('grade("psnr", psnr)', metadata={"nbgrader": {"grade": True, "solution": False, "points": 2,
                                                                        "grade_id": "test_psnr"}})
    assert determine_grade(scores.preprocess_cell(made_up, {}, 0)[0]) == (0, 100)
    assert determine_grade(scores.preprocess_cell(real, {}, 1)[0]) == (2, 2)
