# Two entry points a newcomer needs (see README): `make run` and `make test`.
# Everything they need is installed here, so both work on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
HOST   ?= 127.0.0.1
PORT   ?= 8000
WORKERS ?= 2

.PHONY: setup node browser run build test lint clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[test]'
	touch $@

setup: $(VENV)/.installed node

# Front-end packages (YASGUI, Cytoscape.js, world-atlas) come from the npm registry and are served by our
# own server: no CDN at run time.
node:
	@if [ -f package.json ]; then npm ci --no-audit --no-fund --loglevel=error; fi

# Debian packages the tests use: Chromium for the browser tests (Playwright drives it; never
# `playwright install`) and curl as a real client of the endpoint.
browser:
	@missing=""; for p in chromium curl; do command -v $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; \
	  else echo "missing:$$missing: install Debian's packages (sudo apt-get install$$missing)"; fi; fi

build: setup
	$(VENV)/bin/iscm-kg build

run: build
	$(VENV)/bin/iscm-kg serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

test: setup browser
	$(VENV)/bin/ruff check iscm_kg server tests benchmarks
	$(VENV)/bin/pytest -q

clean:
	rm -rf dist .releases build $(VENV) node_modules
