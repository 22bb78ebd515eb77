# The two set-up commands: `make demo` and `make test`. Both make their own virtualenv.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

CHROMIUM = /usr/bin/chromium

.PHONY: demo test lint typecheck pytest bench chaos clean browser screenshots

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/ml-connector demo

lint: $(STAMP)
	$(BIN)/ruff check src tests bench chaos
	$(BIN)/ruff format --check src tests bench chaos

typecheck: $(STAMP)
	$(BIN)/mypy

# The console's browser tests drive Debian's Chromium through Playwright (no browser download).
browser:
	test -x $(CHROMIUM) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

pytest: $(STAMP) browser
	$(BIN)/pytest -n 2

# README screenshots of the console (home, a run, reconciliation, lineage) into docs/.
screenshots: $(STAMP) browser
	$(BIN)/python -m tests.support.screenshots docs

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python -m bench

# The fault suite (not part of `make test`, which runs a short version): see the README.
chaos: $(STAMP)
	$(BIN)/python -m chaos

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
