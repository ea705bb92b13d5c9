"""What each exercise must do, one module per lesson.

Each part compares the student's function with ``dae_reference`` on small,
seeded inputs that the lesson does not show: other shapes, dtypes, seeds and
edge cases. A part's docstring is the line the student sees.

A public part (``public=True``) computes every value it takes from the
reference from its own inputs, before it judges the answer, and never calls
a graded reference function to build an input: the student image's quick
checks replay the reference values recorded when the image was built
(``deploy/student_build.py``), so a value first needed on a failure path, or
one computed from the student's output, would be missing there.
"""
