#!/usr/bin/env bash
# The checks `make test` runs, against the PostgreSQL server in DATABASE_URL.
# Extra arguments go to both pytest passes (e.g. -k fees).
set -euo pipefail
# Redis and the S3 server of the two-instance tests (tests/scaleout/), stopped at the end.
[ -n "${TEST_REDIS_URL:-}" ] || exec "$(dirname "$0")/with_services.sh" "$0" "$@"
export DJANGO_SETTINGS_MODULE=imagin_site.settings.test
bin=.venv/bin
$bin/ruff check .
$bin/ruff format --check .
$bin/python manage.py check
$bin/python manage.py makemigrations --check --dry-run

# Exit code 5 means "no test collected" (e.g. a -k filter that matches one pass only).
run_pytest() {
  local code=0
  $bin/pytest "$@" || code=$?
  if [ "$code" -ne 0 ] && [ "$code" -ne 5 ]; then exit "$code"; fi
}
# Transactional tests (browser, concurrency) flush the database: they run in their own pass.
run_pytest -m "not transactional" "$@"
run_pytest -m transactional "$@"
