# Two commands set everything up on a fresh machine with Python 3.11 and pip:
#   make demo   — ingest the sample corpus into demo.db and print its stories and articles
#   make test   — lint, type-check, check the layers and run the whole test suite (what CI runs)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_DB := demo.db
PGDATA := .postgres

.PHONY: demo test test-fast lint bench lock postgres postgres-stop clean chromium

# Every dependency, transitive ones included, at the version in requirements.lock (`make lock`
# regenerates it from pyproject.toml). torch resolves to the CPU build on this machine's disk.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/storyline ingest samples --db $(DEMO_DB)
	$(BIN)/storyline stories --db $(DEMO_DB)
	$(BIN)/storyline articles --db $(DEMO_DB)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench tools
	$(BIN)/ruff format --check src tests bench tools
	$(BIN)/mypy
	$(BIN)/lint-imports

# The browser tests drive Debian's chromium through Playwright (never a browser it downloads):
# installed from Debian's packages when missing (through sudo unless we are root).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
chromium:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The suite must not pass by skipping PostgreSQL: without a server the PostgreSQL tests fail here.
test: lint chromium
	STORYLINE_REQUIRE_POSTGRES=1 $(BIN)/pytest -n 2 --dist loadfile

test-fast: $(STAMP)
	$(BIN)/pytest -n 2 --dist loadfile -m "not slow"

bench: $(STAMP)
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/clustering.py ecbplus
	$(BIN)/python bench/clustering.py uci

lock:
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet pip-tools==7.6.2
	.venv-lock/bin/pip-compile --quiet --extra dev --extra bench --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links --output-file requirements.lock pyproject.toml
	rm -rf .venv-lock

# A local PostgreSQL server for trying the PostgreSQL store by hand (the tests start their own):
#   make postgres && STORYLINE_DB="$$(cat .postgres.url)" .venv/bin/storyline ingest samples
postgres: $(STAMP)
	$(BIN)/python tools/postgres.py start $(PGDATA)

postgres-stop: $(STAMP)
	$(BIN)/python tools/postgres.py stop $(PGDATA)

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm bench/results .mypy_cache .ruff_cache .pytest_cache
