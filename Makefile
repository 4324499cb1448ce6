# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXAMPLE := examples/city-bike-trips.hrk.json
STAMP := $(VENV)/.installed-dev
export QT_QPA_PLATFORM ?= offscreen

.PHONY: run test lint venv install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

venv: $(BIN)/python
install: $(VENV)/.installed
install-dev: $(STAMP)

run: $(VENV)/.installed
	$(BIN)/hrk-workbench summary $(EXAMPLE)

lint: $(STAMP)
	$(BIN)/ruff check .

# pytest exit code 5 (no tests collected) is a failure here, like any other non-zero code.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache .hypothesis
