# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: run test lint bench clean

$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

## Serve the demo site on http://127.0.0.1:8000 (SQLite unless DATABASE_URL is set).
## WeasyPrint's system libraries (convocations, récapitulatifs) are installed when absent.
run: $(BIN)/.installed
	./scripts/system_deps.sh pdf
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	$(MANAGE) runserver 127.0.0.1:8000

## Lint, checks, migrations check and the whole pytest suite on PostgreSQL.
test: $(BIN)/.installed
	./scripts/system_deps.sh
	./scripts/with_postgres.sh ./scripts/test_suite.sh

## Benchmark harness (issue 8): dataset, pages under gunicorn + wrk, bulk paths, one table
## in docs/benchmarks.md. About 14 min; `make bench BENCH_SCALE=small` a few minutes.
bench: $(BIN)/.installed
	./scripts/system_deps.sh
	./scripts/with_postgres.sh $(BIN)/python -m bench.run

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache .test_media
