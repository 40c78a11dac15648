"""Settings shared by the whole test suite."""

import os

import matplotlib
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
