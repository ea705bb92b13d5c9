"""The instructor's whole nbgrader cycle through an exchange directory, with two students.

nbgrader's exchange names a submission after the operating-system account,
or after ``CourseDirectory.student_id`` where a student's config sets it, as
here: both students share this machine's account, each with a home of their
own. On a real JupyterHub (tests/e2e/) each student has a server of their own.
"""

import csv
import html
import re
import shutil

import nbformat
import pytest

from autograder.course import COURSE_ID, ROOT
from tests.nbgrader_course import filled_in, nbgrader, nbgrader_env, write_course_config

pytestmark = pytest.mark.slow
LESSON = "02_noise_models"
# ada hands in every answer right; ben scales the noise by the variance, which costs one point.
SUBMISSIONS = {
    "ada": (filled_in(LESSON), 14),
    "ben": (filled_in(LESSON, "add_gaussian_noise", "sigma * rng.standard_normal", "sigma**2 * rng.standard_normal"), 13),
}


def test_release_fetch_submit_collect_autograde_feedback_export(tmp_path):
    exchange, course = tmp_path / "exchange", tmp_path / "course"
    exchange.mkdir()
    course.mkdir()
    shutil.copytree(ROOT / "solutions" / LESSON, course / "source" / LESSON)
    write_course_config(course, f"c.Exchange.root = {str(exchange)!r}\n")
    env = nbgrader_env()
    nbgrader(["generate_assignment", LESSON], course, env)
    nbgrader(["release_assignment", LESSON], course, env)

    homes = {student: tmp_path / student for student in SUBMISSIONS}
    for student, (notebook, _) in SUBMISSIONS.items():
        home = homes[student]
        home.mkdir()
        (home / "nbgrader_config.py").write_text(
            f"c = get_config()\nc.Exchange.root = {str(exchange)!r}\nc.CourseDirectory.student_id = {student!r}\n")
        nbgrader(["fetch_assignment", LESSON, f"--course={COURSE_ID}"], home, student_env(home))
        fetched = home / LESSON / f"{LESSON}.ipynb"
        assert fetched.exists()
        nbformat.write(notebook, fetched)
        nbgrader(["submit", LESSON, f"--course={COURSE_ID}"], home, student_env(home))

    nbgrader(["collect", LESSON], course, env)
    nbgrader(["autograde", LESSON], course, env)
    nbgrader(["generate_feedback", LESSON], course, env)
    nbgrader(["release_feedback", LESSON], course, env)
    pages = {}
    for student in SUBMISSIONS:
        nbgrader(["fetch_feedback", LESSON, f"--course={COURSE_ID}"], homes[student], student_env(homes[student]))
        feedback = list((homes[student] / LESSON / "feedback").rglob("*.html"))
        assert len(feedback) == 1
        pages[student] = feedback[0].read_text()
        assert_hidden_tests_reveal_nothing(pages[student])
    assert "add_gaussian_noise: 4 / 4 points" in pages["ada"]
    assert "add_gaussian_noise: 3 / 4 points" in pages["ben"] and "variance" in pages["ben"]
    nbgrader(["export", "--to", str(tmp_path / "grades.csv")], course, env)

    with open(tmp_path / "grades.csv") as f:
        rows = {row["student_id"]: row for row in csv.DictReader(f) if row["assignment"] == LESSON}
    # every autograded point; the written answer awaits a person
    assert {student: float(row["raw_score"]) for student, row in rows.items()} == \
           {student: score for student, (_, score) in SUBMISSIONS.items()}


def student_env(home):
    """A student's environment: their own home, where nbgrader keeps its record of what they submitted."""
    return {**nbgrader_env(), "HOME": str(home)}


def assert_hidden_tests_reveal_nothing(page):
    """nbgrader's feedback shows hidden test cells; here each is one call into the checks, no inputs or answers."""
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    blocks = re.findall(r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", text, flags=re.S)
    assert blocks
    for block in blocks:
        assert re.fullmatch(r'\s*grade\("\w+", [\w., ]+\)\s*', block), block
