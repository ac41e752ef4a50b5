"""Smoke test of the benchmark table (the harness itself runs only with `make bench`)."""

from bench.report import table


def test_table_gives_ratios_to_floor_and_copy():
    pages = [
        ("floor", {"rps": 1000.0, "p50": 2.0, "p99": 9.0, "errors": 0}),
        ("home", {"rps": 250.0, "p50": 8.0, "p99": 30.0, "errors": 0}),
    ]
    bulk = [
        ("COPY", {"rows": 1000, "seconds": 0.1, "maxrss_mb": 100}),
        ("import", {"rows": 1000, "seconds": 1.0, "maxrss_mb": 150}),
        ("broken", {"rows": 10, "error": "boom"}),
    ]
    text = table(pages, bulk)
    assert "| home | 250 | 8.0 | 30.0 | 25.0 % | 0 |" in text
    assert "| import | 1 000 | 1.0 | 1 000 | 10.0 % | 150 |" in text
    assert "FAILED: boom" in text
