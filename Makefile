# Two entry points a newcomer needs (see README): `make run` and `make test`.
# Everything they need is installed here, so both work on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
HOST   ?= 127.0.0.1
PORT   ?= 8000
WORKERS ?= 2

.PHONY: setup node debs-run debs-test run build test lint coverage clean

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

# Debian packages. To run: jemalloc, the memory allocator the server loads (Oxigraph is faster with it), and
# libseccomp, with which the engine processes shut themselves off the network.
# For the tests also Chromium for the browser tests (Playwright drives it; never `playwright install`),
# curl as a real client of the endpoint, Virtuoso, a peer the remote backend is verified against, and R with
# igraph, which run the R lines of docs/data-products.md.
# Installed when missing and we are root (CI), else named.
RUN_DEBS  := libjemalloc2 libseccomp2
TEST_DEBS := chromium curl virtuoso-opensource
# R without what it recommends (compilers, manuals, the recommended packages): Rscript and igraph are enough
TEST_DEBS_BARE := r-base-core r-cran-igraph
define install_debs
	@missing=""; for p in $(1); do command -v $$p >/dev/null 2>&1 || dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $(2) $$missing >/dev/null; \
	  else echo "missing Debian packages:$$missing (sudo apt-get install$$missing)"; fi; fi
endef

debs-run:
	$(call install_debs,$(RUN_DEBS))

debs-test:
	$(call install_debs,$(RUN_DEBS) $(TEST_DEBS))
	$(call install_debs,$(TEST_DEBS_BARE),--no-install-recommends)

build: setup
	$(VENV)/bin/iscm-kg build

run: build debs-run
	$(VENV)/bin/iscm-kg serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

# ruff, and the layering of the code (.importlinter: route modules over a library layer; the build never
# imports the server)
lint: setup
	$(VENV)/bin/ruff check iscm_kg server tests benchmarks
	$(VENV)/bin/lint-imports --no-cache

# On every core (pytest-xdist; a test module stays on one worker, the release is built once for all).
test: setup debs-test lint
	$(VENV)/bin/pytest -q -n auto --dist loadscope

# Line coverage of the whole suite, with the servers, web workers, engine supervisors and engines it starts
# (pyproject.toml [tool.coverage.run]); on one core, every process traced: about 12 minutes.
coverage: setup debs-test
	$(VENV)/bin/coverage erase
	$(VENV)/bin/coverage run -m pytest -q -p no:cacheprovider tests
	$(VENV)/bin/coverage combine -q
	$(VENV)/bin/coverage report

clean:
	rm -rf dist .releases build $(VENV) node_modules
