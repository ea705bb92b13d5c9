"""Fixtures of the end-to-end tests: a JupyterHub, the course's cycle on it, and a headless Chromium.

Run them with ``make e2e``, which installs what they need first.
"""

import os
import secrets
import shutil
from pathlib import Path

import pytest

from autograder.course import ROOT
from tests.e2e.course_cycle import run_cycle
from tests.e2e.hub import (INSTRUCTOR, MARK, STUDENTS, Hub, HubFolders, lay_out_course, marked_processes,
                           missing_requirement, poll, port_is_free)
from tests.nbgrader_course import filled_in

LESSON = "02_noise_models"
SOLVER, WRONG = STUDENTS  # student1 hands in the solution, student2 one wrong function
ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS") or ROOT / "tests" / "e2e" / "artifacts")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without the network flags Chromium keeps calling home, which fails slowly on a closed network.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

screenshots = []  # listed at the end of the run
attack_log = []  # what student A tried against student B's work, and what came of it (test_students_kept_apart.py)
CALL_REPORT = pytest.StashKey()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each test's outcome on it, so that a fixture can screenshot a failure."""
    report = yield
    if report.when == "call":
        item.stash[CALL_REPORT] = report
    return report


def pytest_terminal_summary(terminalreporter):
    if attack_log:
        terminalreporter.write_sep("-", "exchange attacks: student1 against student2's work")
        for line in attack_log:
            terminalreporter.write_line(line)
    if screenshots:
        terminalreporter.write_sep("-", "end-to-end screenshots")
        for path in screenshots:
            terminalreporter.write_line(str(path))


@pytest.fixture(scope="session")
def hub(tmp_path_factory):
    """A JupyterHub with the instructor's and both students' servers running; stopped, and checked gone, at the end."""
    if missing := missing_requirement():
        pytest.fail(missing, pytrace=False)
    folders = HubFolders(tmp_path_factory.mktemp("jupyterhub"))
    lay_out_course(folders, [LESSON])
    hub = Hub.start(folders)
    try:
        hub.start_servers([INSTRUCTOR, *STUDENTS])
        yield hub
    finally:
        leftovers = hub.stop()
        assert not leftovers, f"processes outlived the hub (killed now): {leftovers}"
        listening = [port for port in hub.ports if not port_is_free(port)]
        assert not listening, f"ports still listened on after the hub stopped: {listening}"


@pytest.fixture(scope="session")
def cycle(hub, tmp_path_factory):
    """The whole nbgrader cycle of lesson 2, with a correct and a wrong submission."""
    answers = {
        SOLVER: filled_in(LESSON),
        WRONG: filled_in(LESSON, "add_gaussian_noise", "sigma * rng.standard_normal", "sigma**2 * rng.standard_normal"),
    }
    return run_cycle(hub, LESSON, answers, tmp_path_factory.mktemp("grades"))


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (which never downloads a browser of its own here)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail("chromium not found: run make e2e (installs Debian's chromium)", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed: run make e2e (installs the e2e extra)", pytrace=False)
    run_id = f"browser-{secrets.token_hex(8)}"  # marks Chromium's processes, to check that none outlives it
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, env={**os.environ, MARK: run_id})
        try:
            yield chromium
        finally:
            chromium.close()
    try:
        poll(lambda: not marked_processes(run_id), 10, "Chromium's processes ending")
    except TimeoutError:
        pytest.fail(f"Chromium's processes outlived the browser: {marked_processes(run_id)}", pytrace=False)


def save_screenshot(page, name):
    """A full-page PNG of ``page`` under the artifacts folder, listed at the end of the run."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    screenshots.append(path)
    return path


@pytest.fixture
def screenshot():
    """``screenshot(page, name)``: see ``save_screenshot``."""
    return save_screenshot


@pytest.fixture
def browser_context(browser, request):
    """``browser_context()``: a fresh browser window; each page of it is screenshot if the test fails."""
    contexts = []

    def open_context():
        contexts.append(browser.new_context(viewport={"width": 1400, "height": 1000}))
        return contexts[-1]

    yield open_context
    report = request.node.stash.get(CALL_REPORT, None)
    failed = report is None or report.failed  # no report: the test's set-up failed
    for context in contexts:
        if failed:
            for number, page in enumerate(context.pages):
                save_screenshot(page, f"{request.node.name}-failed-{number}")
        context.close()
