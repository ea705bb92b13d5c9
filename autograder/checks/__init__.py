"""What each exercise must do, one module per lesson.

Each part compares the student's function with ``dae_reference`` on small,
seeded inputs that the lesson does not show: other shapes, dtypes, seeds and
edge cases. A part's docstring is the line the student sees.
"""
