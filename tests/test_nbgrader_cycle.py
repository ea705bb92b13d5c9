"""The instructor's whole nbgrader cycle through an exchange directory.

nbgrader's exchange names a submission after the operating-system user, so on
one machine account there is one student: the account itself. Two students
with their own accounts are exercised through JupyterHub's end-to-end tests.
"""

import csv
import html
import re
import shutil

import pytest
from nbgrader.utils import get_username

from autograder.course import COURSE_ID, ROOT, solution_path
from tests.nbgrader_course import nbgrader, nbgrader_env, write_course_config

pytestmark = pytest.mark.slow
LESSON = "02_noise_models"


def test_release_fetch_submit_collect_autograde_feedback_export(tmp_path):
    exchange, course = tmp_path / "exchange", tmp_path / "course"
    exchange.mkdir()
    course.mkdir()
    shutil.copytree(ROOT / "solutions" / LESSON, course / "source" / LESSON)
    write_course_config(course, f"c.Exchange.root = {str(exchange)!r}\n")
    instructor = nbgrader_env()
    nbgrader(["generate_assignment", LESSON], course, instructor)
    nbgrader(["release_assignment", LESSON], course, instructor)

    student = get_username()
    home = tmp_path / "student"
    home.mkdir()
    (home / "nbgrader_config.py").write_text(f"c = get_config()\nc.Exchange.root = {str(exchange)!r}\n")
    nbgrader(["fetch_assignment", LESSON, f"--course={COURSE_ID}"], home, instructor)
    fetched = home / LESSON / f"{LESSON}.ipynb"
    assert fetched.exists()
    shutil.copy(solution_path(LESSON), fetched)  # the student hands in the complete notebook
    nbgrader(["submit", LESSON, f"--course={COURSE_ID}"], home, instructor)

    nbgrader(["collect", LESSON], course, instructor)
    nbgrader(["autograde", LESSON], course, instructor)
    nbgrader(["generate_feedback", LESSON], course, instructor)
    nbgrader(["release_feedback", LESSON], course, instructor)
    nbgrader(["fetch_feedback", LESSON, f"--course={COURSE_ID}"], home, instructor)
    feedback = list((home / LESSON / "feedback").rglob("*.html"))
    assert feedback and "add_gaussian_noise: 4 / 4 points" in feedback[0].read_text()
    assert_hidden_tests_reveal_nothing(feedback[0].read_text())
    nbgrader(["export", "--to", str(tmp_path / "grades.csv")], course, instructor)

    with open(tmp_path / "grades.csv") as f:
        rows = {row["student_id"]: row for row in csv.DictReader(f) if row["assignment"] == LESSON}
    assert float(rows[student]["raw_score"]) == 14  # every autograded point; the written answer awaits a person


def assert_hidden_tests_reveal_nothing(page):
    """nbgrader's feedback shows hidden test cells; here each is one call into the checks, no inputs or answers."""
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    blocks = re.findall(r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", text, flags=re.S)
    assert blocks
    for block in blocks:
        assert re.fullmatch(r'\s*grade\("\w+", [\w., ]+\)\s*', block), block
