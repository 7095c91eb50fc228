# The two commands of the README:
#   make run   installs, migrates, loads the demo and serves http://127.0.0.1:8000 (SQLite, no Redis);
#              due reminders and follow-ups are printed to the console every minute, and
#              personal data past its retention period is purged on starting and once a day
#   make test  installs (also axe-core and ical.js from npm) and runs every check and the whole test suite,
#              the browser tests in Debian's Chromium included
# The suite runs twice: on PostgreSQL + Redis (services mode) and on SQLite (embedded mode).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
# Only `make test` needs the JavaScript (axe-core for the browser tests) and Debian's Chromium.
AXE := node_modules/axe-core/axe.min.js
NODE_INSTALLED := node_modules/.installed

TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/familieliv
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
SERVICES_ENV := DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) SECRET_KEY=test-only-not-secret
# The embedded run keeps its files apart from the demo site's var/.
EMBEDDED_ENV := DATABASE_URL= REDIS_URL= DATA_DIR=$(CURDIR)/var/test

.PHONY: install run test lint services-check chromium

# Debian's Chromium for the browser tests (never a browser that Playwright downloads):
# installed with apt-get when missing and we may (root); otherwise one sentence says how.
CHROMIUM := /usr/bin/chromium

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

# Again when package-lock.json changes, or when axe-core is missing: a rule with neither
# prerequisites nor recipe counts a missing file as just made.
$(NODE_INSTALLED): package-lock.json $(AXE)
	npm ci --no-audit --no-fund
	touch $@

$(AXE):

install: $(INSTALLED)

run: $(INSTALLED)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py load_demo
	@# Reminders, follow-ups and invitations every minute, and settings.DAILY_JOBS (the purge
	@# of personal data) on starting and then once a day: Celery beat's work in services mode.
	$(PY) manage.py plan_messages --every 60 & trap 'kill $$!' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:8000

chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's Chromium for the browser tests"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || exit 1; \
	  else \
	    echo "The browser tests need Debian's Chromium: run 'sudo apt-get install chromium', then make test again." >&2; \
	    exit 1; \
	  fi; \
	fi
	@test -x $(CHROMIUM) || { echo "apt-get installed chromium, but $(CHROMIUM) is missing." >&2; exit 1; }

# Style, the apps' layers (pyproject.toml's import-linter contract) and the types.
lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(EMBEDDED_ENV) $(VENV)/bin/mypy

services-check: $(INSTALLED)
	$(SERVICES_ENV) $(PY) -m tests.services_ready

# The browser tests (Debian's Chromium at /usr/bin/chromium) run in the services run only.
test: lint services-check chromium $(NODE_INSTALLED)
	$(EMBEDDED_ENV) $(PY) manage.py check --fail-level WARNING
	$(EMBEDDED_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(SERVICES_ENV) $(VENV)/bin/pytest
	$(EMBEDDED_ENV) $(VENV)/bin/pytest -m "not postgresql and not redis and not browser"
