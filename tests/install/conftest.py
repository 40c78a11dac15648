"""The install tests start a real JupyterLab server with the browser suite's driver."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))


def pytest_collection_modifyitems(config, items):
    """Every test here builds a fresh venv (40 s to a minute), so all of them are `slow`."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.slow)
