"""The course in a browser, as its users see it: a student in JupyterLab, the instructor in the formgrader.

Runs after the nbgrader cycle (the ``cycle`` fixture), so that the student's
notebook is in their home and the formgrader has two submissions to list.
Each test saves a screenshot (see ``conftest.screenshot``).
"""

import re

import pytest

from tests.e2e.conftest import LESSON, SOLVER, WRONG
from tests.e2e.course_cycle import CLASS_LIST
from tests.e2e.hub import INSTRUCTOR, PASSWORD

pytestmark = pytest.mark.e2e

SECONDS = 1000  # Playwright counts in milliseconds
FIRST_CHECK = 'check("add_gaussian_noise", add_gaussian_noise)'  # the third code cell, after set-up and the answer


@pytest.fixture
def sign_in(hub, browser_context):
    """``sign_in(user)``: a page logged in through the hub's login form, on the user's server."""

    def log_in(user):
        page = browser_context().new_page()
        page.goto(f"{hub.url}/hub/login")
        page.fill("#username_input", user)
        page.fill("#password_input", PASSWORD)
        page.click("#login_submit")
        page.wait_for_url(re.compile(rf"/user/{user}/lab"), timeout=60 * SECONDS)
        return page

    return log_in


def test_a_student_runs_the_first_cells_and_validates_in_jupyterlab(hub, cycle, sign_in, screenshot):
    from playwright.sync_api import expect

    page = sign_in(SOLVER)
    page.goto(f"{hub.url}/user/{SOLVER}/lab/tree/{cycle.notebooks[SOLVER]}")
    # Cells run before the kernel is connected are skipped: wait for the status bar to say it is idle.
    kernel_status = page.get_by_role("contentinfo").get_by_role("button", name=re.compile(r"\| Idle$"))
    expect(kernel_status).to_be_visible(timeout=60 * SECONDS)

    page.locator(".jp-MarkdownCell").first.click()  # the title; then Shift+Enter down to the first check
    check_cell = page.locator(".jp-CodeCell", has_text=FIRST_CHECK)
    for _ in range(6):
        page.keyboard.press("Shift+Enter")
    expect(check_cell.locator(".jp-OutputArea")).to_contain_text(
        "add_gaussian_noise: the quick checks pass", timeout=120 * SECONDS)
    expect(check_cell.locator(".jp-InputPrompt")).to_have_text(re.compile(r"\[3\]:"))
    screenshot(page, "student-jupyterlab-first-cells")

    page.locator(".validate-button").click()
    dialog = page.locator(".jp-Dialog")
    expect(dialog).to_contain_text("Validation Results", timeout=30 * SECONDS)
    expect(dialog).to_contain_text("Success! Your notebook passes all the tests.", timeout=180 * SECONDS)
    screenshot(page, "student-jupyterlab-validate")
    dialog.get_by_role("button", name="Ok").click()


def test_the_formgrader_lists_both_submissions_with_their_scores(hub, cycle, sign_in, screenshot):
    from playwright.sync_api import expect

    page = sign_in(INSTRUCTOR)
    page.goto(f"{hub.url}/user/{INSTRUCTOR}/formgrader/manage_submissions/{LESSON}")
    rows = page.locator("table tbody tr")
    for student in (SOLVER, WRONG):
        row = rows.filter(has_text=student)
        expect(row).to_be_visible(timeout=30 * SECONDS)
        expect(row).to_contain_text(", ".join(reversed(CLASS_LIST[student])))  # the formgrader shows "Last, First"
        expect(row).to_contain_text(f"{cycle.exported[student]:g} /")
    screenshot(page, "instructor-formgrader-submissions")
