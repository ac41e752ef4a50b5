"""Scale of a run: BENCH_SCALE=small|default, each figure overridable by its own variable
(BENCH_INTERVENANTS, BENCH_MISSIONS, BENCH_IMPORT_ROWS, BENCH_EXPORT_ROWS,
BENCH_CONVOCATIONS, BENCH_DURATION seconds of wrk per URL, BENCH_WORKERS gunicorn workers,
BENCH_CONNECTIONS wrk connections)."""

import os
from dataclasses import dataclass, fields

SCALES = {
    "default": {
        "intervenants": 20_000,
        "missions": 200_000,
        "import_rows": 100_000,
        "export_rows": 100_000,
        "convocations": 2_000,
        "duration": 10,
        "workers": 3,
        "connections": 8,
    },
    "small": {
        "intervenants": 400,
        "missions": 2_000,
        "import_rows": 2_000,
        "export_rows": 2_000,
        "convocations": 40,
        "duration": 5,
        "workers": 3,
        "connections": 8,
    },
}
BENCH_USERNAME = "bench.intervenant"
BENCH_PASSWORD = "bench-password-0"  # noqa: S105 (throwaway benchmark database)
BENCH_MISSIONS_OF_USER = 15


@dataclass(frozen=True)
class Config:
    scale: str
    intervenants: int
    missions: int
    import_rows: int
    export_rows: int
    convocations: int
    duration: int
    workers: int
    connections: int


def load():
    scale = os.environ.get("BENCH_SCALE", "default")
    values = dict(SCALES.get(scale, SCALES["default"]))
    for field in fields(Config):
        if field.name in values:
            override = os.environ.get(f"BENCH_{field.name.upper()}")
            if override:
                values[field.name] = int(override)
    return Config(scale=scale, **values)


# The floor (/bench/floor/, req/s) of a run on this machine when it is quiet (2026-12-01,
# load average under 1, two runs at 3,098 and 3,294; 3 gunicorn workers; it does not depend
# on the scale; the 1,519 of 2026-11-26 was measured under load). A run whose floor is outside
# FLOOR_USUAL_RANGE of it ran on a busy (or different) machine: its ratios are not comparable.
FLOOR_REFERENCE_RPS = 3_100
FLOOR_USUAL_RANGE = (0.7, 1.5)
