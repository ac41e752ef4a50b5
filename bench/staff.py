"""The staff screens alone, in-process, on the large dataset: `python -m bench.staff [--build]`
(DATABASE_URL at PostgreSQL). --build migrates, seeds and copies the dataset first (skipped
when present); then every staff listing of bench/explain.py is fetched a few times and its
table printed. The quick way to measure the staff screens without the whole `make bench`."""

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


def main(argv):
    import django

    django.setup()
    from bench import config as config_module
    from bench import explain, run

    if "--build" in argv:
        run.prepare(config_module.load())
    started = time.perf_counter()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"Load average at start: {load}")
    print(explain.table(run.explain_listings()))
    print(f"in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
