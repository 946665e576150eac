# Green Community Portal: `make run` sets up and serves, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: run test bench lint system-packages setup messages clean worker

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed (python3.11 not found)."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Debian packages for WeasyPrint, Chinese PDFs and the browser tests. Installed when we are
# root with apt-get; otherwise we say what to run.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk poppler-utils gettext libmagic1
BROWSER_PACKAGES := chromium chromium-driver
system-packages:
	@bash scripts/system-packages.sh $(SYSTEM_PACKAGES)

browser-packages:
	@bash scripts/system-packages.sh $(BROWSER_PACKAGES)

setup: $(STAMP) system-packages
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py import_communities fixtures/divisions/residents-committees.csv.gz --province 31
	DJANGO_DEBUG=true $(PY) manage.py seed_demo

run: setup
	@echo "Serving http://127.0.0.1:$(PORT)/ (tasks run in process). Demo password: $${DEMO_PASSWORD:-greencommunity-demo}"
	DJANGO_DEBUG=true $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(STAMP) system-packages browser-packages node_modules/axe-core/axe.min.js
	$(PY) -m pytest $(PYTEST_ARGS)

# axe-core for the accessibility browser test (package.json; no browser download).
node_modules/axe-core/axe.min.js: package.json
	npm install --no-audit --no-fund
	@touch $@

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(STAMP) system-packages
	$(PY) bench/run.py

messages: $(STAMP)
	bash scripts/messages.sh

worker: $(STAMP)
	$(VENV)/bin/celery -A greencommunity worker -l info

clean:
	rm -rf $(VENV) db.sqlite3 media .test-media staticfiles
