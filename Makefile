# Brücken: `make run` serves the demo, `make test` runs the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/bruecken
# The benchmarks (bench/, not shipped): `make bench`, `make bench-*`.
BENCH := $(BIN)/python -m bench
ADDRESS ?= $(or $(BRUECKEN_ADDRESS),127.0.0.1:8000)
CHROMIUM ?= /usr/bin/chromium
# Settings for the production checks in `make lint` (nothing here is used in production).
PRODUCTION_ENV := DEBUG=false SECRET_KEY=lint-only-$$(date +%s)-not-a-real-secret-key-0123456789abcdef ALLOWED_HOSTS=bruecken.example

.PHONY: run test test-fast lint format bench bench-events bench-website bench-network bench-guide bench-import bench-api bench-size bench-matching bench-cluster install assets messages chromium clean

# BRUECKEN_ADDRESS also gives the links in e-mails, feeds and pages their address (SITE_URL,
# unless that is set), for the demo, the worker and the server alike.
run: export BRUECKEN_ADDRESS := $(ADDRESS)
run: install assets messages
	DEBUG=true $(MANAGE) migrate --no-input
	DEBUG=true $(MANAGE) demo
	@echo
	@echo "Brücken is served at http://$(ADDRESS)/ (stop with Ctrl+C)"
	@# The worker beside the server sends the e-mails (to this console) and builds the PDFs.
	DEBUG=true $(MANAGE) worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=true $(MANAGE) serve $(ADDRESS)

# Test processes at once (pytest-xdist, each with its own test database): one per core, so a
# 2-core CI machine runs a suite in about half the time. TEST_WORKERS=0 runs them in one process.
TEST_WORKERS ?= auto

test: install assets messages chromium
	$(BIN)/pytest -n $(TEST_WORKERS)

# Everything but the browser tests.
test-fast: install assets messages
	$(BIN)/pytest -n $(TEST_WORKERS) -m "not e2e"

lint: install assets
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	DEBUG=true $(MANAGE) makemigrations --check --dry-run
	$(PRODUCTION_ENV) $(MANAGE) check --deploy --fail-level WARNING

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install assets messages
	mkdir -p var
	DEBUG=false SECRET_KEY=bench-only-not-a-secret ALLOWED_HOSTS=testserver \
	DATABASE_URL=sqlite:///$(CURDIR)/var/bench.sqlite3 $(BENCH) actor_list

# Registration under load and the program dashboards; PostgreSQL with
# DATABASE_URL=postgres://…/bench_events (a database of its own), else SQLite.
bench-events: install assets messages
	mkdir -p var
	DEBUG=false SECRET_KEY=bench-only-not-a-secret ALLOWED_HOSTS=testserver \
	DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/var/bench-events.sqlite3} $(BENCH) events

# The public website served by gunicorn (DEBUG off) over HTTP, with the page cache on and off;
# a database of its own (var/bench-website.sqlite3, or DATABASE_URL).
bench-website: install assets messages
	mkdir -p var
	DEBUG=false SECRET_KEY=bench-only-not-a-secret ALLOWED_HOSTS=testserver \
	DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/var/bench-website.sqlite3} $(BENCH) website

# Loading and measuring the network: 100,000 organisations and 1,000,000 ties, and igraph
# against NetworkX; a database of its own (var/bench-network.sqlite3, or DATABASE_URL).
bench-network: install
	mkdir -p var
	DEBUG=false SECRET_KEY=bench-only-not-a-secret ALLOWED_HOSTS=testserver \
	DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/var/bench-network.sqlite3} $(BENCH) network

# The guideline's PDF: a synthetic program of 50 municipalities (about 100 pages), built inside a
# transaction that is rolled back, against WeasyPrint alone on the same HTML.
bench-guide: install messages
	mkdir -p var
	DEBUG=false SECRET_KEY=bench-only-not-a-secret ALLOWED_HOSTS=testserver \
	DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/var/bench-guide.sqlite3} $(MANAGE) migrate --no-input -v0
	DEBUG=false SECRET_KEY=bench-only-not-a-secret ALLOWED_HOSTS=testserver \
	DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/var/bench-guide.sqlite3} $(BENCH) guide

# The API's organisation list (page size 50) on the dataset of `make bench` (var/bench.sqlite3, or DATABASE_URL).
bench-api: install messages
	mkdir -p var
	DEBUG=false SECRET_KEY=bench-only-not-a-secret ALLOWED_HOSTS=testserver \
	DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/var/bench.sqlite3} $(BENCH) api

# Importing 50,000 organisations from a German-style CSV, against django-import-export; a
# database of its own (var/bench-import.sqlite3, or DATABASE_URL).
bench-import: install
	mkdir -p var
	DEBUG=false SECRET_KEY=bench-only-not-a-secret ALLOWED_HOSTS=testserver \
	DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/var/bench-import.sqlite3} $(BENCH) import

# Issue #16's real size in one run: picker search, every staff form page, full-text search
# against LIKE, 200,000 people with 300,000 memberships imported, the guideline composer at 1,000
# municipalities, the public directory on a cache miss (alone and 32 connections); SCALE=0.1 for
# a quick run. A database of its own (var/bench-size.sqlite3, or DATABASE_URL).
bench-size: install assets messages
	mkdir -p var
	DEBUG=false SECRET_KEY=bench-only-not-a-secret ALLOWED_HOSTS=testserver \
	DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/var/bench-size.sqlite3} $(BENCH) size --scale=$(or $(SCALE),1)

# One app server against two (gunicorn over HTTP, DEBUG off), with the embedded cache and with
# Redis (a private redis-server it starts; skipped without one): public pages and registrations
# per second. A database of its own (var/bench-cluster.sqlite3, or DATABASE_URL: PostgreSQL for
# the topology of several machines).
bench-cluster: install assets messages
	mkdir -p var
	DEBUG=false SECRET_KEY=bench-only-not-a-secret ALLOWED_HOSTS=testserver \
	DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/var/bench-cluster.sqlite3} $(BENCH) cluster

# Issue #17's matching: one partnership's suggestions among 50,000 organisations against a plain
# SQL filter on country alone, and all suggestions of 1,000 partnerships recomputed as the
# background task does; a database of its own (var/bench-matching.sqlite3, or DATABASE_URL).
bench-matching: install messages
	mkdir -p var
	DEBUG=false SECRET_KEY=bench-only-not-a-secret ALLOWED_HOSTS=testserver \
	DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/var/bench-matching.sqlite3} $(BENCH) matching

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# htmx is served by us from node_modules (see STATICFILES_DIRS); axe-core is for the browser tests.
assets: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Compiled with Babel (a dependency already), so no system gettext is needed to build.
messages: install
	$(BIN)/pybabel compile --domain django --directory bruecken/locale --statistics

chromium:
	@test -x $(CHROMIUM) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

clean:
	rm -rf $(VENV) node_modules var build *.egg-info
