# Sparring — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint bench clean help

help:
	@echo "make run    install, migrate, seed the demo and serve on http://$(HOST):$(PORT)"
	@echo "make test   install with the dev extra and run the whole suite (SQLite + PostgreSQL)"
	@echo "make lint   ruff and mypy"
	@echo "make bench  run the benchmarks in tests/benchmarks/"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The default setup includes the offline-voice extra (piper-tts is GPL-3.0: see README, Licence).
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	@echo "Installing Sparring and its dependencies into $(VENV) (the first time takes a few minutes)"
	$(BIN)/pip install --quiet -e '.[offline-voice]'
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	@echo "Installing Sparring with the dev extra into $(VENV) (the first time takes a few minutes)"
	$(BIN)/pip install --quiet -e '.[offline-voice,dev]'
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	@echo "Migrating the database and seeding the demo team"
	$(BIN)/sparring db upgrade
	$(BIN)/sparring demo
	@echo "Sparring is starting on http://$(HOST):$(PORT) (Ctrl-C stops it)"
	$(BIN)/sparring serve --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev
	$(BIN)/pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(VENV)/.installed-dev
	@for script in tests/benchmarks/bench_*.py; do \
		echo "== $$script"; $(BIN)/python $$script || exit 1; \
	done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
