"""One JupyterLab and one headless Chromium for the whole browser suite.

The server serves a temporary copy of ``notebooks/`` and ``exercises/``, so running cells
and typing answers never touches the committed notebooks, and it is killed by its process
id at the end of the session whatever happened. JupyterLab is loaded once in one tab;
after each test every notebook is closed with "Shut down", so each starts in a new kernel.
"""

from __future__ import annotations

import sys
from pathlib import Path

import labdriver
import pytest

JUPYTER = Path(sys.executable).with_name("jupyter")


def pytest_collection_modifyitems(config, items):
    """Every test in this folder drives the browser, so `-m "not browser"` leaves all of them."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not labdriver.CHROMIUM.exists():
        pytest.fail(
            f"the browser tests need Debian's Chromium at {labdriver.CHROMIUM}: run "
            "`apt-get install -y chromium` (CI's .ci/run does); never `playwright install`",
            pytrace=False,
        )
    return labdriver.CHROMIUM


@pytest.fixture(scope="session")
def course(tmp_path_factory) -> Path:
    """A throw-away copy of the lessons and exercises: what the server serves."""
    return labdriver.copy_course(labdriver.REPO, tmp_path_factory.mktemp("course"))


@pytest.fixture(scope="session")
def lab(course, tmp_path_factory):
    if not JUPYTER.exists():
        pytest.fail(f"{JUPYTER} not found: build the venv first (make venv)", pytrace=False)
    server = labdriver.JupyterLab(JUPYTER, course, tmp_path_factory.mktemp("jupyter-home"))
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser(chromium_path, playwright_session):
    chromium = labdriver.launch_chromium(playwright_session)
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture(scope="session")
def browser_context(browser):
    context = browser.new_context(viewport=labdriver.VIEWPORT)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture(scope="session")
def lab_page(browser_context, lab):
    """One JupyterLab tab for the session: loading the app once saves ~6 s per notebook."""
    tab = browser_context.new_page()
    tab.set_default_timeout(60_000)
    labdriver.open_lab(tab, lab)
    return tab


@pytest.fixture
def page(lab_page, lab):
    """The JupyterLab tab; on the way out every notebook is closed with its kernel shut down."""
    try:
        yield lab_page
    finally:
        labdriver.close_notebooks(lab_page, lab)


@pytest.fixture(scope="session")
def screenshots() -> Path:
    folder = labdriver.REPO / "artifacts" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
