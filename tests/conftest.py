"""Settings shared by the whole test suite."""

import os

import matplotlib
import pytest
from hypothesis import settings

# Tests never open a window; explorers render through Agg anyway, plots do too.
matplotlib.use("Agg")

# Notebooks under tests/ (grading fixtures) are data, not lessons for nbval to run.
collect_ignore_glob = ["**/*.ipynb", "*.ipynb"]

# On a developer's machine hypothesis explores new examples on every run; in CI (CI=true) it
# replays a fixed sequence, so a submission's verdict does not depend on the luck of the draw.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def playwright_session():
    """One Playwright for the whole run, shared by the browser and the site tests: its sync
    API refuses to start a second one while the first is open, and the browser tests keep
    theirs open for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as running:
        yield running
