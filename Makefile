# Kaoping — two commands do all the set-up on a fresh machine:
#   make run    virtualenv + install + database with demo data, then serve on http://127.0.0.1:$(PORT)
#   make test   virtualenv + test extras + headless Chromium (Debian), then every test incl. browser tests
SHELL := /bin/bash
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 5000
HOST   ?= 127.0.0.1
# Debian packages: headless Chromium for the browser tests, a CJK TrueType font embedded in generated PDFs.
APT_BROWSER := chromium chromium-driver
APT_FONTS   := fonts-wqy-microhei
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint format bench venv system-fonts system-browser clean

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

system-browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing $(APT_BROWSER) (headless browser tests)…"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(APT_BROWSER) >/dev/null; }

run: venv system-fonts
	$(VENV)/bin/kaoping init-db
	$(VENV)/bin/kaoping demo
	$(VENV)/bin/kaoping demo-logins
	$(VENV)/bin/kaoping run --host $(HOST) --port $(PORT)

test: venv system-fonts system-browser
	$(VENV)/bin/lint-imports
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: venv
	$(PY) -m bench

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis tests/browser/artifacts
