"""pytest front end: ``pytest autograder --submission PATH``.

One test per exercise of every lesson notebook under PATH (the same PATH as
``python -m autograder grade``). A test passes when the exercise earns all its
points; either way it records ``points`` and ``max_points`` as properties
(``--junitxml report.xml -o junit_family=xunit1`` carries them to CI systems
such as GitHub Classroom), and a failure shows the feedback. The points are those of the command line and of
nbgrader: the notebook is graded by ``autograder.runner`` once.
"""

import functools

import pytest


def pytest_addoption(parser):
    parser.addoption("--submission", help="a notebook, a student's folder, or a folder of student folders")


def pytest_generate_tests(metafunc):
    if "exercise_id" not in metafunc.fixturenames:
        return
    path = metafunc.config.getoption("submission")
    if not path:
        pytest.exit("give the notebooks to grade: pytest autograder --submission PATH", returncode=4)
    from autograder.cli import find_submissions
    from autograder.core import exercises

    ids = [(student, lesson, str(notebook), ex.name)
           for student, lesson, notebook in find_submissions(path) for ex in exercises(lesson)]
    metafunc.parametrize("exercise_id", ids, ids=[f"{s}/{lesson}/{name}" for s, lesson, _, name in ids])


@functools.lru_cache(maxsize=None)
def graded(notebook, lesson):
    from autograder.runner import grade_notebook

    return grade_notebook(notebook, lesson)
