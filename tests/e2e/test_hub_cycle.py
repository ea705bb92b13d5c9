"""The course on a real JupyterHub: one instructor and two students, each with a server of their own.

Lesson 2 goes the whole nbgrader way through HTTP: the instructor generates and
releases it in the formgrader; each student fetches it, hands in a notebook
(student1 the solution, student2 one with sigma applied as a variance),
validates and submits it; the instructor collects, autogrades, and generates
and releases feedback; each student fetches the feedback; ``nbgrader export``
and the course's command-line grader then give the same scores.
"""

import pytest

from autograder.course import COURSE_ID
from tests.e2e.conftest import LESSON, SOLVER, WRONG
from tests.e2e.hub import INSTRUCTOR, STUDENTS, process_environment
from tests.test_nbgrader_cycle import assert_hidden_tests_reveal_nothing

pytestmark = pytest.mark.e2e


def test_each_server_runs_as_its_hub_user_in_its_own_home(hub):
    servers = hub.singleuser_processes()
    assert set(servers) == {INSTRUCTOR, *STUDENTS}
    for user, pid in servers.items():
        env = process_environment(pid)
        assert env["USER"] == user
        assert env["HOME"] == str(hub.folders.home(user))


def test_students_find_the_released_course_through_their_hub_group(hub, cycle):
    for student in STUDENTS:
        assert hub.server(student).request("GET", "courses") == {"success": True, "value": [COURSE_ID]}


def test_validation_passes_the_solution_and_names_the_wrong_answer(cycle):
    assert "failed" not in cycle.validations[SOLVER]
    failed = cycle.validations[WRONG]["failed"]
    # the quick check of the wrong exercise, a graded cell worth 0 points; the hidden tests are not in the student's copy
    assert [cell["source"] for cell in failed] == ['check("add_gaussian_noise", add_gaussian_noise)']


def test_submissions_carry_each_students_hub_name_and_are_autograded(hub, cycle):
    submissions = hub.server(INSTRUCTOR).request("GET", f"formgrader/api/submissions/{LESSON}")
    assert {s["student"]: s["autograded"] for s in submissions} == {SOLVER: True, WRONG: True}


def test_feedback_reaches_each_student_and_hides_the_hidden_tests(cycle):
    assert "add_gaussian_noise: 4 / 4 points" in cycle.feedback[SOLVER]
    assert "add_gaussian_noise: 3 / 4 points" in cycle.feedback[WRONG]  # sigma squared: one part fails
    for page in cycle.feedback.values():
        assert_hidden_tests_reveal_nothing(page)


def test_nbgrader_export_agrees_with_the_command_line_grader(cycle):
    # nbgrader's raw score counts the autograded points only, as the command line does: the written
    # answer awaits a person. Its max_score counts that answer too, so only the scores are compared.
    assert cycle.exported == {student: score for student, (score, _) in cycle.graded_by_cli.items()}
    solver_score, full_marks = cycle.graded_by_cli[SOLVER]
    assert solver_score == full_marks
    assert cycle.graded_by_cli[WRONG][0] < full_marks

