# The two commands a fresh clone needs: `make run` and `make test`.
# Each creates .venv and installs what it needs on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 1337
WORKERS ?= 2

.PHONY: run test bench soak lint clean postgres-server

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

# PostgreSQL's server binaries for the suite's throwaway server (tests/postgres.py starts and stops it).
# Missing, they come from Debian's `postgresql` when apt is there and we are root (CI), with no cluster of its
# own (the suite makes its own in a temporary folder); elsewhere the PostgreSQL tests skip, saying why.
HAVE_INITDB = $(or $(shell command -v initdb 2>/dev/null),$(wildcard /usr/lib/postgresql/*/bin/initdb))

postgres-server:
	@if [ -z "$(HAVE_INITDB)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    mkdir -p /etc/postgresql-common/createcluster.d && \
	    echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/minikoa.conf && \
	    DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql; \
	  else echo "PostgreSQL's server binaries (initdb) are missing: the PostgreSQL tests will skip"; fi; \
	fi

test: $(VENV)/.test postgres-server $(if $(HAVE_NODE),$(STRAPI_CLIENT)/.installed)
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
