"""Every number a lesson's prose quotes is re-derived from what the code produces (see tests/prose/)."""

import nbformat
import pytest

from autograder.course import LESSONS, solution_path
from tests.prose import Recorded, lesson_module, quoted_numbers


def markdown(lesson):
    cells = nbformat.read(solution_path(lesson), as_version=4).cells
    return "\n\n".join(c.source for c in cells if c.cell_type == "markdown")


@pytest.fixture(scope="module")
def recorded():
    return Recorded()


@pytest.mark.parametrize("lesson", LESSONS)
def test_each_claim_is_in_the_lesson_and_derived_from_the_results(lesson, recorded):
    text = markdown(lesson)
    for claim in lesson_module(lesson).CLAIMS:
        assert claim.quoted in text, f"{lesson} no longer says {claim.quoted!r}: drop the claim or mend the prose"
        assert claim.derive(recorded) == claim.quoted, f"{lesson} says {claim.quoted!r}; the results give {claim.derive(recorded)!r}"


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_quoted_number_is_a_claim_or_a_setting(lesson):
    module = lesson_module(lesson)
    known = {n for text in [*(c.quoted for c in module.CLAIMS), *module.SETTINGS] for n in [text, *quoted_numbers(text)]}
    unknown = [n for n in quoted_numbers(markdown(lesson)) if n not in known]
    assert not unknown, f"{lesson} quotes numbers no test derives: {sorted(set(unknown))}"
