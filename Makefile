# Two commands for a fresh machine with Python 3.11:
#   make lab    open the course in JupyterLab (extra arguments: make lab LAB_ARGS="--port 9999")
#   make test   run the whole test suite
# and one for a contributor between edits:
#   make test-fast   the quick tests only (no browser, install or slow tests, no nbval)
# and one for publishing:
#   make site   build the course as a static website in _build/site/ (JUPYTERHUB_URL=...)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json
LAB_ARGS ?=

# JupyterLab refuses to start as root without --allow-root, and root is who a learner is in
# a container, a cloud VM or many hub images.
ifeq ($(shell id -u),0)
ALLOW_ROOT := --allow-root
endif

.PHONY: lab test test-fast venv test-venv site site-venv clean

venv: $(BIN)/.installed $(LAB_SETTINGS)

# pip prints what it collects and installs as it goes. --no-compile: Python writes the bytecode
# of the modules a lesson imports when it first imports them, instead of pip compiling all of
# them (SciPy's and scikit-learn's test suites included): a smaller venv, a quicker install.
$(BIN)/.installed: requirements.txt pyproject.toml
	@echo "Building $(VENV) from requirements.txt: about a minute, more while pip downloads"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install --no-compile -r requirements.txt
	touch $@

# The test and CI tools come on top of the learner's packages, only for `make test`.
test-venv: $(BIN)/.test-installed

$(BIN)/.test-installed: requirements-test.txt requirements-site.txt $(BIN)/.installed
	$(BIN)/python -m pip install -r requirements-test.txt -r requirements-site.txt
	touch $@

# The website's tools (Jupyter Book 1) on top of the learner's packages, only for `make site`
# (`make test` installs them too: tests/site builds the site). MathJax comes from npm.
site-venv: $(BIN)/.site-installed

$(BIN)/.site-installed: requirements-site.txt $(BIN)/.installed
	$(BIN)/python -m pip install -r requirements-site.txt
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

# The lessons as committed (never executed here), the exercises and the cheat sheet as a site.
JUPYTERHUB_URL ?=
site: venv site-venv node_modules/.package-lock.json
	$(BIN)/python site/build.py --jupyterhub-url "$(JUPYTERHUB_URL)"

# JupyterLab 4.6 can route a slider callback's plot into another cell's output when
# comms travel over subshells (jupyterlab#19719, ipykernel#1564): the override turns that off.
# postBuild installs it, here as on Binder, into the JupyterLab of the python first on PATH.
$(LAB_SETTINGS): jupyter/overrides.json $(shell find jupyter/labextension -type f) postBuild $(BIN)/.installed
	PATH="$(abspath $(BIN)):$$PATH" ./postBuild

lab: venv
	$(BIN)/jupyter lab --ServerApp.root_dir=. $(ALLOW_ROOT) $(LAB_ARGS) \
		notebooks/01_gradient_descent.ipynb

# The unit, grading and browser tests, and nbval over every lesson (lax: see README).
test: venv test-venv
	$(BIN)/python -m pytest tests notebooks --nbval-lax --nbval-current-env

# What a contributor runs between edits: every test not marked `slow` or `browser`, and no nbval
# over the lessons. Every test in tests/browser and tests/install carries one of the two markers
# (their conftest.py adds it), so those folders are not even imported: collecting tests/browser
# builds every explorer (5 to 13 s here), and nbval's plugin imports nbformat's validator (2 s).
test-fast: venv test-venv
	$(BIN)/python -m pytest tests -m "not slow and not browser" \
		--ignore=tests/browser --ignore=tests/install -p no:nbval

clean:
	rm -rf $(VENV) _build
