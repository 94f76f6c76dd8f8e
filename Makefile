# Two commands matter: `make demo` and `make test`. Both set up .venv themselves.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(abspath $(VENV)/bin)
export PATH := $(BIN):$(PATH)

.PHONY: demo test lint format check lock vendor bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs come from the lock files: every package, transitive ones included, at one version
# with its hashes. requirements*.txt are what people edit; `make lock` turns them into locks.
$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
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

# No index URL or find-links go into the locks, so they install from whatever index a machine
# uses; the dev lock is constrained by the runtime one, so both agree on every shared package.
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links

## lock: after changing a pin in requirements*.txt, re-resolve both lock files (with hashes)
lock: $(VENV)/.installed-dev
	$(PIP_COMPILE) --output-file requirements.lock requirements.txt
	$(PIP_COMPILE) --constraint requirements.lock --output-file requirements-dev.lock requirements-dev.txt

vendor:
	./scripts/vendor.sh

clean:
	rm -rf $(VENV) var staticfiles

## bench-data: issue 13/14's volume (1,000 executives, five years) into DATABASE_URL, from scratch
.PHONY: bench-data
bench-data: $(VENV)/.installed-dev
	@test -n "$(DATABASE_URL)" || { echo "Set DATABASE_URL to a PostgreSQL database to fill."; exit 1; }
	$(BIN)/python bench/scale/generate.py --reset

## bench: every main page by role under gunicorn (production settings), loaded by locust beside a
## bare view; prints a table, writes var/bench/pages.json. BENCH_ARGS="--only board --seconds 10";
## BENCH_DEMO_DATABASE_URL (a seed_demo database) adds each page's queries on the demo beside
bench: $(VENV)/.installed-dev
	@test -n "$(DATABASE_URL)" || { echo "Set DATABASE_URL to the database to serve (make bench-data)."; exit 1; }
	$(BIN)/python bench/pages.py $(BENCH_ARGS)

## soak: 50 simulated people reading and writing for 2 minutes against gunicorn, then every
## answered write looked up in the database (PASS or FAIL). SOAK_ARGS="--users 20 --seconds 30"
.PHONY: soak
soak: $(VENV)/.installed-dev
	@test -n "$(DATABASE_URL)" || { echo "Set DATABASE_URL to a PostgreSQL database (make bench-data, or seed_demo)."; exit 1; }
	$(BIN)/python bench/soak.py $(SOAK_ARGS)
