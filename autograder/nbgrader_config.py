"""nbgrader configuration of the course (https://nbgrader.readthedocs.io).

The course directory is the repository: ``solutions/`` is nbgrader's source
directory, ``lessons/`` its release directory. One assignment per lesson.

    make lessons        # = nbgrader generate_assignment --config autograder/nbgrader_config.py --force --no-db NN_name
"""

import os

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

COURSE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LESSONS = [
    "01_autoencoder_theory",
    "02_noise_models",
    "03_conv_autoencoder",
    "04_training",
    "05_evaluation",
    "06_ethics",
]

c.CourseDirectory.course_id = "dae-keras"
c.CourseDirectory.root = COURSE_ROOT
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "lessons"

# Student notebooks: a stub that fails loudly until it is replaced.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Each lesson runs in well under this on a 2-core CPU under the smoke profile,
# which nbgrader's runs select on their own ($NBGRADER_EXECUTION).
c.ExecutePreprocessor.timeout = 600
