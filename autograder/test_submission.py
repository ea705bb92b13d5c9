"""One test per exercise of a submission; see ``autograder/conftest.py``."""

from autograder.conftest import graded


def test_exercise(exercise_id, record_property):
    student, lesson, notebook, name = exercise_id
    result = graded(notebook, lesson)
    exercise = next(e for e in result["exercises"] if e["name"] == name)
    record_property("points", exercise["score"])
    record_property("max_points", exercise["max_score"])
    assert exercise["score"] == exercise["max_score"], (
        f"{student} {lesson} {name}: {exercise['score']:g} / {exercise['max_score']:g} points\n{exercise['feedback']}"
    )
