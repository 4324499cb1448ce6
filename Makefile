# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXAMPLE := examples/city-bike-trips.hrk.json
STAMP := $(VENV)/.installed-dev

.PHONY: run test lint venv install install-dev system-deps clean

SYSDEPS := $(VENV)/.system-deps
$(SYSDEPS): .ci/system-deps.sh | $(BIN)/python
	bash .ci/system-deps.sh
	touch $@
system-deps: $(SYSDEPS)

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

# The desktop app on the bundled example (a real window: unset QT_QPA_PLATFORM's default).
run: $(VENV)/.installed $(SYSDEPS)
	env -u QT_QPA_PLATFORM $(BIN)/hrk-workbench gui $(EXAMPLE)

lint: $(STAMP)
	$(BIN)/ruff check .

# pytest exit code 5 (no tests collected) is a failure here, like any other non-zero code.
# The suite runs on every core (pytest-xdist), a test file's tests in one worker.
test: $(STAMP) $(SYSDEPS)
	$(BIN)/ruff check .
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -n auto --dist loadfile

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache .hypothesis

# The desktop bundle (PyInstaller one-folder) in dist/hrk-workbench/: see packaging/README.md.
.PHONY: package
package: $(STAMP) $(SYSDEPS)
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/build.py
