"""One assignment's whole nbgrader cycle on the hub, through HTTP only: the hub's API and each user's server.

The instructor's steps are the formgrader's buttons (its ``formgrader/api``),
the students' those of JupyterLab's Assignments panel and Validate button
(nbgrader's ``assignments/...`` endpoints): what the browser would ask for.
Everything passes through the exchange server, ngshare: a site admin creates
the course there, and the instructor enrols the students with
``ngshare-course-management`` (ngshare-exchange's command).
"""

import csv
import json
import subprocess
import sys
from dataclasses import dataclass, field

from autograder.course import COURSE_ID, ROOT
from tests.e2e.hub import INSTRUCTOR, process_environment
from tests.nbgrader_course import nbgrader


CLASS_LIST = {"student1": ("Ada", "Lovelace"), "student2": ("Alan", "Turing")}


@dataclass
class CycleResults:
    """What each student and the instructor got back, by student."""

    notebooks: dict = field(default_factory=dict)  # the fetched notebook's path in the student's home
    validations: dict = field(default_factory=dict)  # nbgrader's validation result
    feedback: dict = field(default_factory=dict)  # the feedback page (HTML)
    exported: dict = field(default_factory=dict)  # nbgrader export: {student: raw_score}
    graded_by_cli: dict = field(default_factory=dict)  # python -m autograder grade: {student: (score, max_score)}


def run_cycle(hub, lesson, answers, scratch):
    """Release ``lesson``, let each student hand in ``answers[student]`` (a notebook), grade, and return feedback."""
    results = CycleResults()
    instructor = hub.server(INSTRUCTOR)
    create_course(hub)
    formgrader(instructor, f"assignment/{lesson}/assign")  # nbgrader generate_assignment
    formgrader(instructor, f"assignment/{lesson}/release")
    enrol(hub, answers)
    for student, notebook in answers.items():
        server = hub.server(student)
        results.notebooks[student] = fetch(server, lesson)
        server.write_notebook(results.notebooks[student], notebook)
        results.validations[student] = server.nbgrader("assignments/validate", path=results.notebooks[student])["value"]
        server.nbgrader("assignments/submit", course_id=COURSE_ID, assignment_id=lesson)
    formgrader(instructor, f"assignment/{lesson}/collect")
    for student in answers:
        formgrader(instructor, f"submission/{lesson}/{student}/autograde")
    formgrader(instructor, f"assignment/{lesson}/generate_feedback")
    formgrader(instructor, f"assignment/{lesson}/release_feedback")
    for student in answers:
        results.feedback[student] = fetch_feedback(hub.server(student), lesson)
    results.exported = export_raw_scores(hub, lesson, scratch / "nbgrader_grades.csv")
    results.graded_by_cli = grade_with_cli(hub.folders.course / "submitted", lesson, scratch / "cli" / "grades.csv")
    return results


def create_course(hub):
    """The course on the exchange server, with its instructor: what ngshare lets only its admins do."""
    hub.ngshare_as_driver("POST", f"course/{COURSE_ID}", data={"instructors": json.dumps([INSTRUCTOR])})


def enrol(hub, students):
    """The instructor's class list: in the gradebook (``nbgrader db student add``, with names for the formgrader
    to show) and on the exchange server (``ngshare-course-management add_student``), from the instructor's server."""
    env = instructor_environment(hub)
    for student in students:
        first, last = CLASS_LIST[student]
        nbgrader(["db", "student", "add", student, f"--first-name={first}", f"--last-name={last}"], hub.folders.course, env)
        done = subprocess.run(["ngshare-course-management", "add_student", COURSE_ID, student, "--no-gb"],
                              cwd=hub.folders.course, env=env, capture_output=True, text=True)
        assert done.returncode == 0 and "Successfully" in done.stdout, f"ngshare add_student {student}: {done.stdout}{done.stderr}"


def formgrader(instructor, action):
    """One of the formgrader's actions; fails with nbgrader's log when it reports a failure."""
    return instructor.nbgrader(f"formgrader/api/{action}")


def fetch(student, lesson):
    """Fetch ``lesson`` into the student's home; returns the notebook's path there."""
    listed = student.nbgrader("assignments/fetch", course_id=COURSE_ID, assignment_id=lesson)["value"]
    fetched = [a for a in listed if a["assignment_id"] == lesson and a["status"] == "fetched"]
    assert fetched, f"{lesson} was not fetched: {listed}"
    return fetched[0]["notebooks"][0]["path"]


def fetch_feedback(student, lesson):
    """Fetch the feedback on the student's latest submission of ``lesson``; returns its HTML page."""
    listed = student.nbgrader("assignments/fetch_feedback", course_id=COURSE_ID, assignment_id=lesson)["value"]
    submitted = [s for a in listed if a["status"] == "submitted" for s in a["submissions"] if s["local_feedback_path"]]
    assert submitted, f"no feedback on {lesson} came back: {listed}"
    return student.read_text(f"{submitted[-1]['local_feedback_path']}/{lesson}.html")


def export_raw_scores(hub, lesson, out):
    """``nbgrader export`` run by the instructor in the course directory: ``{student: raw_score}`` for ``lesson``."""
    env = instructor_environment(hub)
    nbgrader(["export", "--to", str(out)], hub.folders.course, env)
    with open(out) as f:
        return {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(f) if row["assignment"] == lesson}


def instructor_environment(hub):
    """The environment of the instructor's server (a command run from its terminal would have it)."""
    servers = hub.singleuser_processes()
    return process_environment(servers[INSTRUCTOR])


def grade_with_cli(submitted, lesson, out):
    """``python -m autograder grade`` on the collected notebooks: ``{student: (score, max_score)}``."""
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(submitted), "--out", str(out), "--jobs", "2"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    with open(out) as f:
        return {row["student"]: (float(row["score"]), float(row["max_score"]))
                for row in csv.DictReader(f) if row["notebook"] == lesson}
