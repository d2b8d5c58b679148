# The two quick-start commands: `make run` and `make test`. Both create and reuse .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint types pytest schema bench bench-live clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/crm-graphql serve

test: $(STAMP) lint types pytest

lint: $(STAMP)
	$(BIN)/ruff format --check crm_graphql tests migrations bench
	$(BIN)/ruff check crm_graphql tests migrations bench
	$(BIN)/lint-imports

types: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

schema: $(STAMP)
	$(BIN)/crm-graphql export-schema

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache

bench: $(STAMP)
	$(BIN)/python bench/run.py

bench-live: $(STAMP)
	$(BIN)/python bench/run.py --only W6
