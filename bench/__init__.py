"""Benchmark harness (issue 8): `make bench`, or `BENCH_SCALE=small make bench`.

bench.run orchestrates: dataset (COPY into PostgreSQL), pages under gunicorn loaded by wrk,
bulk paths each in its own process (peak memory per path), one table in docs/benchmarks.md.
Never part of `make test`.
"""
