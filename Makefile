# Two commands for a fresh machine with Python 3.11:
#   make lab    open the course in JupyterLab
#   make test   run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json

.PHONY: lab test venv browser-deps clean

venv: $(BIN)/.installed $(LAB_SETTINGS)

$(BIN)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

# JupyterLab 4.6 can route a slider callback's plot into another cell's output when
# comms travel over subshells (jupyterlab#19719, ipykernel#1564): the override turns that off.
$(LAB_SETTINGS): jupyter/overrides.json $(BIN)/.installed
	mkdir -p $(dir $@)
	cp jupyter/overrides.json $@

lab: venv
	$(BIN)/jupyter lab --ServerApp.root_dir=. notebooks/01_gradient_descent.ipynb

# The unit, grading and browser tests, and nbval over every lesson (lax: see README).
test: venv
	$(BIN)/python -m pytest tests notebooks --nbval-lax --nbval-current-env

clean:
	rm -rf $(VENV)
