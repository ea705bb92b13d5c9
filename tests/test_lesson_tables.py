"""README.md's lesson table is the one place that names the graded functions.

Lessons, solutions, checks and tests share those names (the exercises'
contract); this test keeps the table equal to what the checks grade, lesson by
lesson, in the order the lesson sets them.
"""

import re

import nbformat

from autograder import core
from autograder.course import LESSONS, ROOT, solution_path


def table_rows(text, heading):
    """The body rows of the first Markdown table after ``heading``, as lists of cells."""
    lines = text[text.index(heading):].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def test_the_readme_names_each_lessons_graded_functions_in_order():
    rows = table_rows((ROOT / "README.md").read_text(), "## The lessons")
    assert len(rows) == len(LESSONS), "README's lesson table needs one row per lesson"
    for lesson, row in zip(LESSONS, rows):
        named = re.findall(r"`(\w+)`", row[1])
        cells = nbformat.read(solution_path(lesson), as_version=4).cells
        ids = [cell.metadata.get("nbgrader", {}).get("grade_id", "") for cell in cells]
        in_order = [grade_id.removeprefix("test_") for grade_id in ids if grade_id.startswith("test_")]
        assert sorted(in_order) == sorted(ex.name for ex in core.exercises(lesson)), f"{lesson}'s graded cells and checks differ"
        assert named == in_order, f"README's row for {lesson} names {named}; the lesson grades {in_order}, in that order"
