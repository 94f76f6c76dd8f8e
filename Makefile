# Two commands matter: `make demo` and `make test`. Both set up .venv themselves.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(abspath $(VENV)/bin)
export PATH := $(BIN):$(PATH)

.PHONY: demo test lint format check vendor bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

## demo: install, migrate, seed a demo organisation, run web + worker + beat on :8000
demo: $(VENV)/.installed
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Proximity is starting on http://127.0.0.1:8000 (Ctrl-C stops web, worker and beat)"
	$(BIN)/honcho start

## test: the whole suite (SQLite by default; PostgreSQL with DATABASE_URL; Redis tests with REDIS_URL)
test: $(VENV)/.installed-dev
	$(BIN)/pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## check: what CI checks before the tests: lint, the apps' layers, migrations match the models
check: lint
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run

vendor:
	./scripts/vendor.sh

clean:
	rm -rf $(VENV) var staticfiles
