# Kaoping — two commands do all the set-up on a fresh machine:
#   make run    virtualenv + install + database with demo data, then serve on http://127.0.0.1:$(PORT)
#   make test   virtualenv + test extras + headless Chromium (Debian), then every test incl. browser tests
#   make test-postgres   the same suite on PostgreSQL (Debian's server, a throwaway cluster of its own)
SHELL := /bin/bash
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 5000
HOST   ?= 127.0.0.1
# `make run` fixes "today" for the demo (start of the 2027 application round); `make run KAOPING_TODAY=` uses
# the real date. DATABASE_URL (default: SQLite instance/kaoping.sqlite3) passes through from the environment.
KAOPING_TODAY ?= 2027-01-05
RUN_ENV := KAOPING_TODAY=$(KAOPING_TODAY)
# Debian packages: headless Chromium for the browser tests, a CJK TrueType font embedded in generated PDFs,
# Graphviz's `dot`, which draws the case page's procedure diagram as SVG on the server.
APT_BROWSER  := chromium chromium-driver
APT_FONTS    := fonts-wqy-microhei
APT_GRAPHVIZ := graphviz
# PostgreSQL server and client (pg_dump/pg_restore) for `make test-postgres`
APT_POSTGRES := postgresql
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-postgres lint format bench venv system-fonts system-browser system-graphviz system-postgres clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev]'
	touch $@

venv: $(VENV)/.installed

system-fonts:
	@fc-list 2>/dev/null | grep -qi microhei || { \
	  echo "Installing $(APT_FONTS) (CJK font for PDFs)…"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(APT_FONTS) >/dev/null; }

system-graphviz:
	@command -v dot >/dev/null 2>&1 || { \
	  echo "Installing $(APT_GRAPHVIZ) (procedure diagrams)…"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(APT_GRAPHVIZ) >/dev/null; }

system-browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing $(APT_BROWSER) (headless browser tests)…"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(APT_BROWSER) >/dev/null; }

system-postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  echo "Installing $(APT_POSTGRES) (PostgreSQL pass of the tests)…"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(APT_POSTGRES) >/dev/null; }

run: venv system-fonts system-graphviz
	$(RUN_ENV) $(VENV)/bin/kaoping init-db
	$(RUN_ENV) $(VENV)/bin/kaoping demo
	$(RUN_ENV) $(VENV)/bin/kaoping demo-logins
	$(RUN_ENV) $(VENV)/bin/kaoping run --host $(HOST) --port $(PORT)

# One pytest worker per core (pytest-xdist): the suite is ~1,500 tests, many of them walking real cases.
PYTEST_WORKERS ?= -n auto
# Tests fix their own date and database; unset the run-time variables so a developer's shell cannot leak in.
test: venv system-fonts system-graphviz system-browser
	$(VENV)/bin/lint-imports
	env -u KAOPING_TODAY -u DATABASE_URL -u KAOPING_CONFIG $(PY) -m pytest $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The whole suite again on PostgreSQL: .ci/with-test-postgres starts a throwaway cluster (127.0.0.1:55432, test
# data only, so fsync/synchronous_commit/full_page_writes are off), sets KAOPING_TEST_DATABASE_URL (tests/database.py:
# one database per pytest worker, emptied per test) and removes the cluster afterwards.
# The browser tests are left out of this pass (PG_PYTEST_ARGS): they drive the same views through Chromium that
# the HTTP tests drive on PostgreSQL here, and they cost minutes that .ci/run's 40-minute budget (both passes plus
# installs) does not have. tests/workflow is left out too: it is the pure domain (import-linter keeps SQLAlchemy and
# Flask out of workflow/), so the database cannot change its outcome. `make test-postgres PG_PYTEST_ARGS=` runs
# everything on PostgreSQL.
PG_PYTEST_ARGS ?= -m "not browser" --ignore=tests/workflow
test-postgres: venv system-fonts system-graphviz system-postgres
	env -u KAOPING_TODAY -u DATABASE_URL -u KAOPING_CONFIG .ci/with-test-postgres \
	  $(PY) -m pytest $(PYTEST_WORKERS) $(PG_PYTEST_ARGS) $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Province scale (issue 12): SQLite by default, `make bench DATABASE_URL=postgresql+psycopg://…/bench_province` for
# PostgreSQL (a database whose name contains "bench": it is dropped and generated again). BENCH_ARGS=--quick for a
# smoke run, --reuse to keep the generated databases between runs. Not part of `make test`.
BENCH_ARGS ?=
# the case page draws its diagram with Graphviz and the PDFs need the CJK font, as in `make run`
bench: venv system-fonts system-graphviz
	$(PY) -m pip install --quiet -e '.[bench,postgres]'
	DATABASE_URL='$(DATABASE_URL)' $(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis tests/browser/artifacts
