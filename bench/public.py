"""The public pages' lines alone (`python -m bench.public` under scripts/with_postgres.sh):
the floor and one page of each public type, as `make bench` loads them, on the seeded demo
(no large dataset: the public pages do not read it). About 2 min."""

import io
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


def main():
    import django

    django.setup()
    from django.core.management import call_command

    from bench import config as config_module
    from bench.report import table
    from bench.run import load_pages, log, public_targets

    started = time.perf_counter()
    config = config_module.load()
    call_command("migrate", "--noinput", verbosity=0)
    call_command("seed_demo", missions=0, password="bench-demo-password-0", stdout=io.StringIO())  # noqa: S106
    pages = load_pages(config, public_targets())
    print(table(pages, []))
    log(f"public lines done in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
