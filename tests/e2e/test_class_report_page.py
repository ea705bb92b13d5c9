"""The class report (``python -m autograder report``) as an instructor opens it: a file in a headless Chromium.

Needs no hub: the report is a page on disk, written from a made-up class of 60
students in the grader's format. The screenshot is kept with the others.
"""

import pytest

from autograder import cli
from tests.class_report_run import a_class, write_run

pytestmark = pytest.mark.e2e

HOSTILE_ID = "<img src=x onerror=alert(1)>"  # a student in a_class(): an id that is markup


def test_the_class_report_opens_with_its_figures_in_a_browser(tmp_path, browser_context, screenshot):
    from playwright.sync_api import expect

    run = write_run(tmp_path / "grades", a_class())
    assert cli.main(["report", str(run)]) == 0
    page = browser_context().new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto((run / "report" / "index.html").as_uri())

    expect(page).to_have_title("Class report")
    images = page.locator("img")
    expect(images).to_have_count(3)
    for index in range(3):
        assert images.nth(index).evaluate("image => image.complete && image.naturalWidth > 0"), \
            f"figure {images.nth(index).get_attribute('src')} did not load"
    expect(page.locator("#mistakes tbody tr").first).to_contain_text("e.g. ")
    expect(page.locator("#flagged")).to_contain_text(HOSTILE_ID)  # shown as text, not run as markup
    assert not dialogs, f"a student's id ran as a script: {dialogs}"
    screenshot(page, "instructor-class-report")
