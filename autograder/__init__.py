"""The course's autograder: one set of checks behind nbgrader and a command line.

In a lesson, the cell after each exercise calls ``check(name, function)``:
quick checks with a hint for every failure; it raises when one fails, so that
nbgrader's Validate names the exercise, and records nothing (a 0-point cell). The graded test
cell calls ``grade(name, function)``: every check of that exercise, on inputs
the lesson never showed, compared with ``dae_reference``; it prints one line
per check and returns the points earned, which nbgrader reads as the cell's
partial credit.

    checks/           one module per lesson: what each exercise must do
    course.py         the lessons and where their notebooks live
    calibrate.py      measures the training thresholds (thresholds.json)
    nbgrader_config.py  the course for nbgrader: solutions/ is the source, lessons/ the release
    core.py           exercises, parts, running them, reporting
"""

from autograder.core import check, grade

__all__ = ["check", "grade"]
