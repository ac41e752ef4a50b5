#!/usr/bin/env bash
# The checks `make test` runs, against the PostgreSQL server in DATABASE_URL.
set -euo pipefail
export DJANGO_SETTINGS_MODULE=imagin_site.settings.test
bin=.venv/bin
$bin/ruff check .
$bin/ruff format --check .
$bin/python manage.py check
$bin/python manage.py makemigrations --check --dry-run
$bin/pytest "$@"
