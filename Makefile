# Two commands set everything up on a fresh machine with Python 3.11 and pip:
#   make demo   — ingest the sample corpus into demo.db and print its stories and articles
#   make test   — lint, type-check and run the whole test suite (what CI runs)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_DB := demo.db

.PHONY: demo test test-fast lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# The CPU build of torch first: any other torch spec would pull several GB of CUDA wheels.
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/storyline ingest samples --db $(DEMO_DB)
	$(BIN)/storyline stories --db $(DEMO_DB)
	$(BIN)/storyline articles --db $(DEMO_DB)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -n 2 --dist loadfile

test-fast: $(STAMP)
	$(BIN)/pytest -n 2 --dist loadfile -m "not slow"

bench: $(STAMP)
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/clustering.py ecbplus
	$(BIN)/python bench/clustering.py uci

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm bench/results .mypy_cache .ruff_cache .pytest_cache
