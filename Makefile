# Centric: the two commands a new developer needs are `make demo` and `make test`.
#
# Everything installs into .venv (Python) and node_modules (npm) inside the work tree; nothing is
# fetched from a CDN. SQLite is the default database; export DATABASE_URL=postgres://… to switch.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
CENTRIC := $(VENV)/bin/centric
RUFF := $(VENV)/bin/ruff
MYPY := $(VENV)/bin/mypy
HOST ?= 127.0.0.1
PORT ?= 8000
# What pytest runs (the app and the benchmark's own unit tests) and extra arguments, e.g.
# `make test PYTEST_PATHS=centric/core PYTEST_ARGS="-k search -x"`.
PYTEST_PATHS ?= centric $(wildcard bench)
PYTEST_ARGS ?=
CHROMIUM := /usr/bin/chromium

.PHONY: help install pdf assets browser static db demo serve worker test test-python lint format bench clean

help:
	@echo "make demo   install everything, load the demo business, serve it at http://$(HOST):$(PORT) with a worker"
	@echo "make test   install what the tests need, run ruff and the whole test suite (browser tests included)"
	@echo "make lint   ruff check + ruff format --check + mypy (strict on core, services, selectors)"
	@echo "make bench  run the benchmark under bench/ (PostgreSQL)"
	@echo "Database: SQLite by default; DATABASE_URL=postgres://user@host:5432/name switches to PostgreSQL."

# --- Installation -----------------------------------------------------------------------------

$(PY):
	@if ! $(PYTHON) -c "import ensurepip" >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv; \
		else \
			echo "ERROR: $(PYTHON) cannot create a virtual environment; install python3-venv." >&2; exit 1; \
		fi; \
	fi
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

# Reinstalled only when pyproject.toml changes (the stamp records the last install).
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install -q -e ".[test]"
	@touch $@

install: pdf $(VENV)/.installed

# Quotes are printed to PDF by WeasyPrint, which needs Pango (Debian's libpango packages).
pdf:
	@if ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q libpango-1.0-0 libpangoft2-1.0-0; \
	else \
		echo "ERROR: Pango is missing; install it: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0" >&2; exit 1; \
	fi

# npm packages are copied into centric/static/vendor/ by the UI's build script.
assets:
	@if [ ! -f package.json ]; then echo "no package.json: no front-end packages to install"; exit 0; fi; \
	if ! command -v npm >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm; \
		else \
			echo "ERROR: npm is missing; install Node.js and npm (Debian: apt-get install nodejs npm)." >&2; exit 1; \
		fi; \
	fi; \
	if [ ! -f package-lock.json ]; then \
		npm install --no-audit --no-fund --loglevel=error; \
	elif [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
		npm ci --no-audit --no-fund --loglevel=error; \
	fi; \
	npm run --silent build

# The browser tests drive Debian's Chromium; Playwright never downloads a browser here.
browser:
	@if [ -x $(CHROMIUM) ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	else \
		echo "ERROR: $(CHROMIUM) is missing and I cannot install it (not root, or no apt)." >&2; \
		echo "       Install Debian's chromium package: sudo apt-get install chromium" >&2; exit 1; \
	fi

static: install assets
	$(PY) manage.py collectstatic --noinput -v 0

db: install
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py createcachetable

# --- Running ----------------------------------------------------------------------------------

demo: static db
	$(CENTRIC) demo --url http://$(HOST):$(PORT)/
	$(CENTRIC) serve --with-worker --host $(HOST) --port $(PORT)

serve: static db
	$(CENTRIC) serve --with-worker --host $(HOST) --port $(PORT)

worker: db
	$(CENTRIC) worker

# --- Checks -----------------------------------------------------------------------------------

# Python only: ruff would also format code blocks in Markdown, e.g. the generated bench/RESULTS.md.
RUFF_FORMAT := $(RUFF) format --extend-exclude "*.md"

# mypy reads its settings from pyproject.toml ([tool.mypy]; decision 0035). It runs without its
# incremental cache: with the django-stubs plugin a cache left by an earlier tree gave false errors
# (Person read as its abstract base) and once crashed mypy; a whole run takes about a minute.
lint: install
	$(RUFF) check .
	$(RUFF_FORMAT) --check .
	$(MYPY) --no-incremental centric

format: install
	$(RUFF) check --fix .
	$(RUFF_FORMAT) .

# The whole suite, browser tests included, on the database DATABASE_URL names (SQLite by default).
# pytest's exit code 5 (no test collected) fails the target like any other failure.
test: install assets static browser lint test-python

test-python: install
	@if [ -n "$${DATABASE_URL:-}" ]; then echo "== pytest on $${DATABASE_URL%%:*} =="; \
	else echo "== pytest on sqlite =="; fi
	$(PY) -m pytest -q $(PYTEST_PATHS) $(PYTEST_ARGS)

# The API benchmark loads gunicorn with wrk (Debian's package), installed here when missing.
bench: install
	@if ! command -v wrk >/dev/null && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; \
	fi
	@if [ -x bench/run ]; then bench/run; \
	elif [ -f bench/__main__.py ]; then $(PY) -m bench; \
	else echo "ERROR: no benchmark yet (bench/run or bench/__main__.py is missing)." >&2; exit 1; fi

clean:
	rm -rf staticfiles centric/static/vendor .pytest_cache .mypy_cache
