"""The wrong-answer corpus: typical mistakes, each with the feedback it must get.

One module per lesson; each has ``WRONG``, mapping an exercise to a list of
``Mistake``s (or plain ``(answer, feedback)`` tuples). Every mistake must lose
points and its report must contain ``feedback``, the words that name the
mistake. A mistake marked ``public=True`` must already fail the quick public
checks (``check()``), with that feedback: a quick check that passes it would
give a student false confidence. A mistake marked ``thread_ordered=True``
loses its points every time, but the checks after the one that catches it
pass or fail by chance (a parallel map's threads decide): tests that compare
two reports of it leave those out.
"""

import importlib
from typing import Callable, NamedTuple

from autograder.course import LESSONS

LESSON_MODULES = [f"tests.submissions.wrong.lesson{lesson[:2]}" for lesson in LESSONS]


class Mistake(NamedTuple):
    answer: Callable
    feedback: str
    public: bool = False
    thread_ordered: bool = False  # what it gives depends on the order threads run in: its later checks pass by chance


def load():
    """Every lesson's mistakes: ``{exercise name: [Mistake, ...]}``."""
    corpus = {}
    for name in LESSON_MODULES:
        for exercise, mistakes in importlib.import_module(name).WRONG.items():
            corpus[exercise] = [Mistake(*m) for m in mistakes]
    return corpus
