# Green Community Portal: `make run` sets up and serves, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: run debug test bench lint system-packages setup messages clean worker

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed (python3.11 not found)."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@echo "      pip prints each package it collects; the first time takes a few minutes."
	$(PY) -m pip install --progress-bar off -e '.[dev]' | grep --line-buffered -E '^(Collecting|Successfully)' || true
	$(PY) -c "import django, weasyprint" && touch $(STAMP)

# Debian packages for WeasyPrint, Chinese PDFs and the browser tests. Installed when we are
# root with apt-get; otherwise we say what to run.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk poppler-utils gettext libmagic1
BROWSER_PACKAGES := chromium chromium-driver
system-packages:
	@bash scripts/system-packages.sh $(SYSTEM_PACKAGES)

browser-packages:
	@bash scripts/system-packages.sh $(BROWSER_PACKAGES)

# Every step says what it does before it does it (the first run takes a few minutes: no silent minute).
setup:
	@echo "[1/5] Python packages into $(VENV)…"
	@$(MAKE) --no-print-directory $(STAMP)
	@echo "[2/5] Debian packages for PDFs (pango, Noto CJK fonts)…"
	@bash scripts/system-packages.sh $(SYSTEM_PACKAGES)
	@echo "[3/5] Database (SQLite db.sqlite3): migrations with the division tree and the trial standard…"
	$(PY) manage.py migrate --no-input -v1
	@echo "[4/5] Registry of Shanghai's communities (4,949)…"
	$(PY) manage.py import_communities fixtures/divisions/residents-committees.csv.gz --province 31
	@echo "[5/5] Demo accounts, Shanghai's standard and chain, demo assessments and reports…"
	$(PY) manage.py seed_demo --force

# The portal as its users see it: DEBUG off, the Chinese error pages, static files by WhiteNoise.
run: setup
	@echo "Serving http://127.0.0.1:$(PORT)/ (tasks run in process). Demo password: $${DEMO_PASSWORD:-greencommunity-demo}"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The same with Django's debug pages and auto-reload, for developing.
debug: setup
	@echo "Serving http://127.0.0.1:$(PORT)/ with DEBUG on (Django's debug pages)."
	DJANGO_DEBUG=true $(PY) manage.py runserver 127.0.0.1:$(PORT)

# On a developer's machine (CI and DATABASE_URL unset) each run copies a migrated SQLite test
# database kept in .test-db-template.sqlite3 (rebuilt when a migration changes, tests/db_template.py);
# CI runs clean.
REUSE_DB := $(if $(or $(CI),$(DATABASE_URL)),,--reuse-db)
test: $(STAMP) system-packages browser-packages node_modules/axe-core/axe.min.js
	$(PY) -m pytest $(REUSE_DB) $(PYTEST_ARGS)

# axe-core for the accessibility browser test (package.json; no browser download).
node_modules/axe-core/axe.min.js: package.json
	npm install --no-audit --no-fund
	@touch $@

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

bench: $(STAMP) system-packages
	$(PY) bench/run.py

messages: $(STAMP)
	bash scripts/messages.sh

worker: $(STAMP)
	$(VENV)/bin/celery -A greencommunity worker -l info

clean:
	rm -rf $(VENV) db.sqlite3 media .test-media .test-db-template* staticfiles
