"""Settings shared by the whole test suite."""

import matplotlib

# Tests never open a window; explorers render through Agg anyway, plots do too.
matplotlib.use("Agg")

# Notebooks under tests/ (grading fixtures) are data, not lessons for nbval to run.
collect_ignore_glob = ["**/*.ipynb", "*.ipynb"]
