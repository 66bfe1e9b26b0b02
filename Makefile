# The two commands a fresh clone needs: `make run` and `make test`.
# Each creates .venv and installs what it needs on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 1337
WORKERS ?= 2

.PHONY: run test bench soak lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# One stamp per extra, redone when setup.py changes.
$(VENV)/.run: setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.test: setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

$(VENV)/.bench: setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $@

$(VENV)/.lint: setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[lint]'
	touch $@

# The blog example project on gunicorn; its SQLite file is examples/blog/.tmp/data.db.
run: $(VENV)/.run
	$(BIN)/minikoa start examples/blog --bind $(HOST):$(PORT) --workers $(WORKERS)


# The official @strapi/client (pinned in tests/integration/strapi_client/package.json and its lock file) for
# tests/integration/test_strapi_client.py, installed outside the package tree; redone when either file changes.
# Without node and npm there is nothing to install and that test skips.
STRAPI_CLIENT := .cache/strapi-client
CLIENT_FILES  := tests/integration/strapi_client/package.json tests/integration/strapi_client/package-lock.json
HAVE_NODE     := $(and $(shell command -v node 2>/dev/null),$(shell command -v npm 2>/dev/null))

$(STRAPI_CLIENT)/.installed: $(CLIENT_FILES)
	mkdir -p $(STRAPI_CLIENT)
	cp $(CLIENT_FILES) $(STRAPI_CLIENT)/
	npm ci --prefix $(STRAPI_CLIENT) --no-audit --no-fund --loglevel=error
	touch $@

test: $(VENV)/.test $(if $(HAVE_NODE),$(STRAPI_CLIENT)/.installed)
	$(BIN)/python -m pytest

bench: $(VENV)/.bench
	$(BIN)/python -m benchmarks

# Load, crashes, graceful shutdown and bad input on gunicorn (SOAK_SECONDS a phase, 60; SOAK_CLIENTS, 64).
soak: $(VENV)/.test
	$(BIN)/python -m soak

# Style (ruff), types (mypy) and the architecture of DESIGN.md (import-linter's contracts in pyproject.toml).
lint: $(VENV)/.lint
	$(BIN)/ruff check minikoa tests benchmarks examples soak
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) .cache build *.egg-info .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
