"""nbgrader configuration of the course (https://nbgrader.readthedocs.io).

The course directory is the repository: ``solutions/`` is nbgrader's source
directory, ``lessons/`` its release directory. One assignment per lesson.

    make lessons        # = nbgrader generate_assignment --config autograder/nbgrader_config.py --force --no-db NN_name
"""

from autograder.course import COURSE_ID, ROOT, cell_timeout

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = COURSE_ID
c.CourseDirectory.root = str(ROOT)
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "lessons"
# What running a lesson leaves beside it (lesson 4 saves its model) is never released.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.keras"]

# Student notebooks: a stub that fails loudly until it is replaced.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# nbgrader's runs select the smoke profile on their own ($NBGRADER_EXECUTION).
# Under it every cell gets two minutes and lesson 4's two training cells ten
# (autograder/course.py says how these were chosen); nbgrader's default is 30 s.
c.ExecutePreprocessor.timeout_func = cell_timeout
